"""Fonts and sizes of rendered reports (assets/fonts.yaml), shared by the CSS of the HTML
and PDF and by the DOCX, so both print with the same faces."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Fonts:
    body: str
    heading: str
    latin: str
    size: dict[str, float]  # points: title, heading, body, table


@cache
def fonts() -> Fonts:
    raw = yaml.safe_load(resources.files(__package__).joinpath("assets/fonts.yaml").read_text(encoding="utf-8"))
    return Fonts(
        body=raw["body"],
        heading=raw["heading"],
        latin=raw["latin"],
        size={k: float(v) for k, v in raw["size"].items()},
    )
