"""Parse speed and memory over the bundled text samples, in CPU time (one process, one core):

- nianbao: a report's bytes to its Report (``parse_bytes``: read, extract, evidence), per report;
- a naive baseline on the same bytes: decode, split lines, every integer of every line by a regex;
- reading the bytes alone: decode;
the ratios between them (measured in the same run, so that the machine's load cancels), the share
of the reader and of the extractor, peak memory, and the hard layouts generated from the templates.

    .venv/bin/python benchmarks/parse.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from nianbao.extract import extract
from nianbao.pipeline import parse_bytes
from nianbao.readers import read
from nianbao.report import Source

ROOT = Path(__file__).resolve().parent.parent
_INTEGER = re.compile(r"\d+")
T = TypeVar("T")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _naive(data: bytes) -> list[list[int]]:
    """What a quick script would do: every integer of every line."""
    return [[int(n) for n in _INTEGER.findall(line)] for line in _decode(data).splitlines()]


def _per_report(work: Callable[[T], object], items: list[T], rounds: int) -> float:
    """CPU seconds per report: the median over rounds of one pass over every file."""
    for item in items:  # warm: imports, compiled patterns, per-template caches
        work(item)
    spent = []
    for _ in range(rounds):
        t0 = time.process_time()
        for item in items:
            work(item)
        spent.append((time.process_time() - t0) / len(items))
    return statistics.median(spent)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=50, help="times each sample is parsed")
    args = ap.parse_args()
    files = [*sorted((ROOT / "examples" / "samples").glob("*.txt")), ROOT / "examples" / "2019" / "pingtan-2019.txt"]
    blobs = [f.read_bytes() for f in files]
    nianbao = _per_report(parse_bytes, blobs, args.rounds)
    naive = _per_report(_naive, blobs, args.rounds)
    decode = _per_report(_decode, blobs, args.rounds)
    docs = [read(data) for data in blobs]
    reader = _per_report(read, blobs, args.rounds)
    source = Source(path="sample.txt", sha256="", format="text")
    extractor = _per_report(lambda doc: extract(doc, source), docs, args.rounds)
    print(f"files: {len(blobs)} samples x {args.rounds} rounds, CPU time (process_time), median round")
    print(f"nianbao (bytes → Report):        {1000 * nianbao:8.3f} ms per report  ({1 / nianbao:.0f} per second)")
    print(f"naive split-and-regex baseline:  {1000 * naive:8.3f} ms per report")
    print(f"reading + decoding the bytes:    {1000 * decode:8.3f} ms per report")
    print(f"ratios: nianbao / naive = {nianbao / naive:.1f}x   nianbao / decode = {nianbao / decode:.0f}x")
    print(f"of which reader: {1000 * reader:.3f} ms   extractor: {1000 * extractor:.3f} ms")
    # memory in a second pass: tracing slows Python down and would spoil the timings
    tracemalloc.start()
    for data in blobs:
        parse_bytes(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory: {peak / 1e6:.1f} MB")
    _hard_layouts(max(1, args.rounds // 10))


def _hard_layouts(rounds: int) -> None:
    """The layouts that text tools and converters make (runs of digits, numbers before labels, column
    numbers, browser copies, converter Markdown, empty cells unprinted), generated from the templates:
    parse time, and the cells right, per layout."""
    import sys

    sys.path.insert(0, str(ROOT))
    from nianbao.template import load
    from tests.layouts import HARD_LAYOUTS, random_values

    print("hard layouts (3 reports per template each):")
    for name, write in HARD_LAYOUTS.items():
        texts, truths = [], []
        for version in ("2021", "2019"):
            template = load(version)
            for seed in (1, 2, 3):
                values = random_values(template, seed)
                texts.append(write(template, values, "某某市某某局", 2023 if version == "2021" else 2020).encode())
                truths.append(values)
        start = time.process_time()
        for _ in range(rounds):
            reports = [parse_bytes(t, f"{name}.txt") for t in texts]
        spent = (time.process_time() - start) / (rounds * len(texts))
        right = sum(r.values[k] == v for r, t in zip(reports, truths, strict=True) for k, v in t.items())
        cells = sum(len(t) for t in truths)
        print(f"  {name:18s} {1000 * spent:7.1f} ms per report   {right}/{cells} cells right")


if __name__ == "__main__":
    main()
