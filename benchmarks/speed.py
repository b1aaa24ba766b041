"""Every speed figure of the README in one run: the text report against a naive split-and-regex
pass and against decoding its bytes (parse.py), PDF pages/s against pypdfium2 and pdfplumber
(readers.py), the command's start against ``python -c pass`` (startup.py), and the corpus ingest
with 1 and 2 workers at 1,000 and ``--n`` reports with peak memory and the projection to 100,000
(corpus.py). Each is its own script, run here one after the other (never side by side: they
would measure each other), its output printed as it comes.

    .venv/bin/python benchmarks/speed.py              # the corpus at 1,000 and 10,000 reports
    .venv/bin/python benchmarks/speed.py --n 1000     # quicker: the corpus at 1,000 only
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def steps(n: int) -> list[tuple[str, list[str]]]:
    return [
        ("text reports: nianbao vs a naive pass vs the bytes", ["parse.py", "--rounds", "20"]),
        ("readers: PDF vs pypdfium2 and pdfplumber", ["readers.py"]),
        ("start-up vs python -c pass", ["startup.py"]),
        (f"corpus ingest at 1,000 and {n:,} reports", ["corpus.py", "--n", str(n)]),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="reports in the large corpus (default 10,000)")
    args = ap.parse_args()
    failed = []
    for title, (script, *options) in steps(args.n):
        print(f"\n== {title} ({script}) ==", flush=True)
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / script), *options], check=False)
        print(f"   ({script}: {time.perf_counter() - t0:.0f} s)", flush=True)
        if done.returncode:
            failed.append(script)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
