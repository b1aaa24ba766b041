"""What every command prints: errors on stderr, JSON to stdout or a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from nianbao.errors import NianbaoError


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
