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


if __name__ == "__main__":
    main()
