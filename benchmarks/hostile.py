"""Hostile input: parse time and peak memory against input size, and peak memory per file type
with the limits on (issue 14).

    .venv/bin/python benchmarks/hostile.py [--max-mb 8] [--kinds line,html,lines]

Each measurement runs in a fresh child of ``nianbao.bounded`` (so a peak is that file's own):
the time is the child's parse, the peak its ``ru_maxrss``. Sizes double from 0.25 MB; growth
near ×2 per doubling is linear. The hostile files are made by tests/hostile_files.py.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.bounded import BoundedPool  # noqa: E402
from nianbao.errors import NianbaoError  # noqa: E402
from nianbao.readers.limits import Limits  # noqa: E402
from tests import hostile_files as hf  # noqa: E402


def measure(data: bytes, name: str) -> tuple[str, float, int]:
    """(outcome, seconds, peak KB) of one parse, in the calling process (run it in a child)."""
    from nianbao.pipeline import parse_bytes

    start = time.perf_counter()
    try:
        parse_bytes(data, name)
        outcome = "report"
    except NianbaoError as e:
        outcome = e.code
    return outcome, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def in_child(data: bytes, name: str, limits: Limits) -> tuple[str, float, int]:
    with BoundedPool(limits) as pool:
        try:
            return pool.run(measure, (data, name))
        except NianbaoError as e:
            return e.code, float("nan"), 0


def _html_line(mb: float) -> bytes:
    return b"<html><body><p>" + hf.long_line(mb) + b"</p></body></html>"


def _many_lines(mb: float) -> bytes:
    return hf.long_line(mb).replace(b" 5 ", b" 5\n")


KINDS: dict[str, tuple[str, Callable[[float], bytes]]] = {
    "line": ("one-line text", hf.long_line),
    "html": ("one-line HTML", _html_line),
    "lines": ("text of short lines", _many_lines),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-mb", type=float, default=8.0)
    ap.add_argument("--kinds", default="line,html,lines")
    args = ap.parse_args()
    limits = Limits(max_seconds=600, max_memory_mb=4096)
    print("## time and peak memory against size (each doubling should about double the time)\n")
    print("| input | MB | outcome | seconds | ×prev | peak MB |\n| --- | ---: | --- | ---: | ---: | ---: |")
    for kind in args.kinds.split(","):
        label, make = KINDS[kind]
        mb, prev = 0.25, None
        while mb <= args.max_mb:
            outcome, seconds, peak = in_child(make(mb), f"x.{'html' if kind == 'html' else 'txt'}", limits)
            ratio = f"{seconds / prev:.2f}" if prev else ""
            print(f"| {label} | {mb:g} | {outcome} | {seconds:.2f} | {ratio} | {peak / 1024:.0f} |", flush=True)
            prev, mb = seconds, mb * 2
    print("\n## peak memory per hostile file, limits on (defaults)\n")
    print("| file | size KB | outcome | seconds | peak MB |\n| --- | ---: | --- | ---: | ---: |")
    files = [
        ("XLSX 195 sheets × 62,000 cells", hf.xlsx_many_cells(), "a.xlsx"),
        ("DOCX, document.xml 190 MB", hf.docx_huge_document(), "a.docx"),
        ("PNG 7500×7500", hf.png_huge(), "a.png"),
        ("PDF, one 1 GiB stream", hf.pdf_huge_stream(), "a.pdf"),
        ("text, one 1 MB line", hf.long_line(1.0), "a.txt"),
        ("sample report (text)", (ROOT / "examples/samples/001_5cbb82ac5aa5eb0a.txt").read_bytes(), "s.txt"),
        ("real report (PDF)", (ROOT / "examples/files/huaian-2024.pdf").read_bytes(), "s.pdf"),
    ]
    for label, data, name in files:
        outcome, seconds, peak = in_child(data, name, Limits())
        print(f"| {label} | {len(data) / 1024:.0f} | {outcome} | {seconds:.2f} | {peak / 1024:.0f} |", flush=True)


if __name__ == "__main__":
    main()
