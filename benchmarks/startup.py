"""Start-up cost of the command: ``nianbao --help``, ``import nianbao`` and a one-file parse, each
as CPU time (user + system, from ``resource.getrusage`` of the finished child) and wall time, the
median of ``--runs`` runs, and as a ratio to ``python -c pass`` measured in the same run.

    .venv/bin/python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "samples" / "003_3282c18a880ba7c1.txt"
NIANBAO = Path(sys.executable).parent / "nianbao"

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import nianbao"': [sys.executable, "-c", "import nianbao"],
    "nianbao --help": [str(NIANBAO), "--help"],
    "nianbao parse ONE.txt": [str(NIANBAO), "parse", str(SAMPLE)],
    "nianbao parse ONE.txt --json": [str(NIANBAO), "parse", str(SAMPLE), "--json"],
}


def run_once(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7, help="runs of each command (the median is shown)")
    args = ap.parse_args()
    for cmd in COMMANDS.values():  # warm the file cache and the bytecode
        run_once(cmd)
    results: dict[str, tuple[float, float]] = {}
    for name, cmd in COMMANDS.items():
        runs = [run_once(cmd) for _ in range(args.runs)]
        results[name] = (statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs))
    base_cpu, base_wall = results["python -c pass"]
    print(f"{'command':<32} {'CPU s':>7} {'× pass':>7} {'wall s':>7} {'× pass':>7}")
    for name, (cpu, wall) in results.items():
        print(f"{name:<32} {cpu:7.3f} {cpu / base_cpu:7.1f} {wall:7.3f} {wall / base_wall:7.1f}")
    print(f"(median of {args.runs} runs each)")


if __name__ == "__main__":
    main()
