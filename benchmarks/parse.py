"""Parse speed and memory: reports per second over the bundled samples, peak memory, and
the share of time spent in the reader vs the extractor (one process).

    .venv/bin/python benchmarks/parse.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import hashlib
import time
import tracemalloc
from pathlib import Path

from nianbao.extract import extract
from nianbao.readers import read
from nianbao.report import Source

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=50, help="times each sample is parsed")
    args = ap.parse_args()
    files = [*sorted((ROOT / "examples" / "samples").glob("*.txt")), ROOT / "examples" / "2019" / "pingtan-2019.txt"]
    blobs = [(f.name, f.read_bytes()) for f in files]
    read_s = extract_s = 0.0
    start = time.perf_counter()
    count = 0
    for _ in range(args.rounds):
        for name, data in blobs:
            t0 = time.perf_counter()
            doc = read(data)
            t1 = time.perf_counter()
            extract(doc, Source(path=name, sha256=hashlib.sha256(data).hexdigest(), format=doc.format))
            t2 = time.perf_counter()
            read_s += t1 - t0
            extract_s += t2 - t1
            count += 1
    total = time.perf_counter() - start
    # memory in a second pass: tracing slows Python down and would spoil the timings
    tracemalloc.start()
    for name, data in blobs:
        doc = read(data)
        extract(doc, Source(path=name, sha256="", format=doc.format))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"files: {len(blobs)} samples x {args.rounds} rounds = {count} parses")
    print(f"reports per second: {count / total:.1f}  ({1000 * total / count:.2f} ms per report)")
    print(
        f"reader: {100 * read_s / (read_s + extract_s):.1f}%   extractor: {100 * extract_s / (read_s + extract_s):.1f}%"
    )
    print(f"peak traced memory: {peak / 1e6:.1f} MB")
    _hard_layouts(max(1, args.rounds // 10))


def _hard_layouts(rounds: int) -> None:
    """The layouts that text tools and converters make (runs of digits, numbers before labels, column
    numbers, browser copies, converter Markdown, empty cells unprinted), generated from the templates:
    parse time, and the cells right, per layout."""
    import sys

    sys.path.insert(0, str(ROOT))
    from nianbao.pipeline import parse_bytes
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
        start = time.perf_counter()
        for _ in range(rounds):
            reports = [parse_bytes(t, f"{name}.txt") for t in texts]
        spent = (time.perf_counter() - start) / (rounds * len(texts))
        right = sum(r.values[k] == v for r, t in zip(reports, truths, strict=True) for k, v in t.items())
        cells = sum(len(t) for t in truths)
        print(f"  {name:18s} {1000 * spent:7.1f} ms per report   {right}/{cells} cells right")


if __name__ == "__main__":
    main()
