"""Check time per report next to parse time, over the bundled samples (one process).

Each sample is parsed and checked ``--rounds`` times; the cross-year rules run against a
second year made from the sample (its years moved on by one), so every family is timed.

    .venv/bin/python benchmarks/check.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nianbao.checks import check_report
from nianbao.pipeline import parse_bytes

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=50, help="times each sample is parsed and checked")
    args = ap.parse_args()
    files = [*sorted((ROOT / "examples" / "samples").glob("*.txt")), ROOT / "examples" / "2019" / "pingtan-2019.txt"]
    print(f"{'report':<28} {'parse ms':>9} {'check ms':>9} {'+last year':>11} {'findings':>9}")
    total_parse = total_check = 0.0
    for path in files:
        data = path.read_bytes()
        text = data.decode("utf-8")
        parse_s = check_s = pair_s = 0.0
        findings = 0
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            report = parse_bytes(data, path.name)
            t1 = time.perf_counter()
            findings = len(check_report(report))
            t2 = time.perf_counter()
            parse_s += t1 - t0
            check_s += t2 - t1
        if report.year is not None:
            later = parse_bytes(text.replace(str(report.year), str(report.year + 1)).encode("utf-8"), path.name)
            t0 = time.perf_counter()
            for _ in range(args.rounds):
                check_report(later, previous=report)
            pair_s = time.perf_counter() - t0
        n = args.rounds
        total_parse += parse_s / n
        total_check += check_s / n
        print(
            f"{path.name[:28]:<28} {1000 * parse_s / n:>9.2f} {1000 * check_s / n:>9.2f}"
            f" {1000 * pair_s / n:>11.2f} {findings:>9}"
        )
    k = len(files)
    print(f"{'mean':<28} {1000 * total_parse / k:>9.2f} {1000 * total_check / k:>9.2f}")


if __name__ == "__main__":
    main()
