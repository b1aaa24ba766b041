"""Uploaded files kept under a random id in the data directory, so that a later request (a
click on a finding) can show the source text. The user's file name is metadata only; every
path is the data directory joined with a token this module made and checked."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from nianbao.web.source import SourceLine

TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


@dataclass(frozen=True)
class UploadMeta:
    id: str
    name: str  # as the browser sent it, for display only
    format: str
    sha256: str
    size: int
    created: float


class UploadStore:
    """At most ``keep`` uploads of at most ``keep_bytes`` in all, the oldest removed first, all
    inside ``root``."""

    def __init__(self, root: Path, keep: int, keep_bytes: int) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self.keep_bytes = keep_bytes

    def _path(self, token: str, suffix: str) -> Path | None:
        if not TOKEN.match(token):
            return None
        path = self.root / f"{token}{suffix}"
        return path if path.parent == self.root else None

    def add(self, data: bytes, name: str, fmt: str, sha256: str) -> UploadMeta:
        token = secrets.token_urlsafe(16)
        meta = UploadMeta(token, name[:200], fmt, sha256, len(data), time.time())
        (self.root / f"{token}.bin").write_bytes(data)
        (self.root / f"{token}.json").write_text(json.dumps(asdict(meta), ensure_ascii=False), encoding="utf-8")
        self._prune()
        return meta

    def meta(self, token: str) -> UploadMeta | None:
        path = self._path(token, ".json")
        if path is None or not path.is_file():
            return None
        return UploadMeta(**json.loads(path.read_text(encoding="utf-8")))

    def data(self, token: str) -> bytes | None:
        path = self._path(token, ".bin")
        return path.read_bytes() if path is not None and path.is_file() else None

    def lines(self, token: str) -> list[SourceLine] | None:
        """The source lines computed earlier for this upload, if any."""
        path = self._path(token, ".lines.json")
        if path is None or not path.is_file():
            return None
        return [SourceLine(**d) for d in json.loads(path.read_text(encoding="utf-8"))]

    def save_lines(self, token: str, lines: list[SourceLine]) -> None:
        path, data = self._path(token, ".lines.json"), self._path(token, ".bin")
        if path is not None and data is not None and data.is_file():
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps([asdict(s) for s in lines], ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)

    def _prune(self) -> None:
        stored = [(p.stat(), p.stem) for p in self.root.glob("*.bin") if TOKEN.match(p.stem)]
        stored.sort(key=lambda s: s[0].st_mtime_ns, reverse=True)
        kept = total = 0
        for stat, token in stored:
            kept, total = kept + 1, total + stat.st_size
            if kept > 1 and (kept > self.keep or total > self.keep_bytes):  # the newest always stays
                for suffix in (".json", ".lines.json", ".bin"):
                    (self.root / f"{token}{suffix}").unlink(missing_ok=True)
