"""Which files are reports: the suffixes looked for when a directory is given."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

# the format is told by the bytes; the suffix only picks the files of a directory worth trying
REPORT_SUFFIXES = frozenset(
    {
        ".txt",
        ".md",
        ".markdown",
        ".htm",
        ".html",
        ".shtml",
        ".xhtml",
        ".mht",
        ".docx",
        ".doc",
        ".wps",
        ".rtf",
        ".pdf",
        ".xlsx",
        ".xls",
        ".et",
        ".odt",
        ".png",
        ".jpg",
        ".jpeg",
        ".tif",
        ".tiff",
        ".bmp",
        ".gif",
        ".webp",
    }
)


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and every report file under directories named (sorted, so runs repeat)."""
    for name in paths:
        p = Path(name)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES)
        else:
            yield p


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed into place."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
