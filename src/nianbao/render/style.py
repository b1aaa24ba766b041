"""Fonts and sizes of rendered reports (assets/fonts.yaml), shared by the CSS of the HTML and
PDF and by the DOCX, so both print with the same faces.

Each role names the official faces of GB/T 9704 first and an open fallback last; ``Fonts.body``
(and the other roles) is the first of them installed here, found with fontconfig, so what a
DOCX names is what the PDF embeds; ``stack`` is the whole list for CSS."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

from nianbao.packaged import load_yaml

ROLES = ("title", "heading", "sub", "body", "latin")


@dataclass(frozen=True)
class Fonts:
    title: str
    heading: str
    sub: str
    body: str
    latin: str
    size: dict[str, float]  # points: title, heading, body, table, page_number
    stacks: dict[str, tuple[str, ...]]  # role → the faces in order of preference

    def stack(self, role: str) -> str:
        """A CSS font-family list: the official faces installed here, then the open fallback.
        Faces not installed are left out: fontconfig answers an unknown name with some face of
        its own choosing (黑体 came back as a serif), not with the next name of the list."""
        faces = self.stacks[role]
        have = installed()
        chosen = [f for f in faces[:-1] if f in have] + [faces[-1]]
        return ", ".join(f'"{f}"' for f in chosen)


@cache
def installed() -> frozenset[str]:
    """Families fontconfig knows (every name of each), or none when fc-list is missing."""
    exe = shutil.which("fc-list")
    if exe is None:
        return frozenset()
    try:
        out = subprocess.run([exe, ":", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def pick(faces: tuple[str, ...]) -> str:
    """The first face installed; the last (the open fallback) when none is."""
    have = installed()
    return next((f for f in faces if f in have), faces[-1])


@cache
def fonts() -> Fonts:
    raw = load_yaml(__package__, "assets/fonts.yaml")
    stacks = {role: tuple(raw[role]) for role in ROLES}
    return Fonts(
        **{role: pick(stacks[role]) for role in ROLES},
        size={k: float(v) for k, v in raw["size"].items()},
        stacks=stacks,
    )
