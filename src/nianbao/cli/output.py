"""What every command prints: errors on stderr, JSON to stdout or a file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from nianbao.errors import NianbaoError

if TYPE_CHECKING:
    from nianbao.readers.limits import Limits


def say(text: str) -> None:
    print(text, file=sys.stderr)


def print_error(e: NianbaoError) -> None:
    say(e.line())


def dump_json(obj: object, out: str | None) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def add_limit_flags(p: Any) -> None:
    """The flags of the limits every file is parsed within (each also ``NIANBAO_…`` in the env)."""
    g = p.add_argument_group("limits (also env NIANBAO_MAX_SECONDS, NIANBAO_MAX_MEMORY_MB, NIANBAO_MAX_BYTES, …)")
    g.add_argument("--timeout", type=float, metavar="S", help="seconds one file may take (default 300): E_TIMEOUT")
    g.add_argument(
        "--max-memory", type=int, metavar="MB", help="memory one file may use (default 2048 MB): E_TOO_LARGE"
    )
    g.add_argument("--max-size", type=float, metavar="MB", help="largest file read (default 50 MB): E_TOO_LARGE")
    g.add_argument("--workers", type=int, default=1, metavar="N", help="files parsed at once, each in its own process")


def limits_from(args: argparse.Namespace) -> Limits:
    """The limits of the environment, then of the flags."""
    from nianbao.readers.limits import Limits

    size = getattr(args, "max_size", None)
    return Limits.from_env(
        max_seconds=getattr(args, "timeout", None),
        max_memory_mb=getattr(args, "max_memory", None),
        max_bytes=int(size * 1024 * 1024) if size is not None else None,
    )


class JsonStream:
    """Reports written as they come: JSON Lines, or a JSON array that is closed whatever
    happens (an interrupted run leaves valid JSON holding every report already parsed)."""

    def __init__(self, out: str | None, lines: bool) -> None:
        self.lines = lines
        self.count = 0
        self._file: TextIO = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
        self._owned = bool(out)

    def write(self, obj: object) -> None:
        if self.lines:
            self._file.write(json.dumps(obj, ensure_ascii=False) + "\n")
        else:
            body = json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            self._file.write(("[\n  " if self.count == 0 else ",\n  ") + body)
        self.count += 1
        self._file.flush()

    def close(self) -> None:
        if not self.lines:
            self._file.write("\n]\n" if self.count else "[]\n")
        self._file.flush()
        if self._owned:
            self._file.close()
