"""Corpus ingest speed, memory and size: reports per second with 1 and 2 worker processes (their
ratio is the scaling), the CPU the parent and the workers spend per report (the parent's share
of it: what the parent takes from the workers on a machine with no core to spare), the peak
memory of the parent and of a worker at 1,000 reports and at N (flat as the corpus grows), the
database's size per report, and the time 100,000 reports would take: projected from the
measured points (a line through them: start-up plus a cost per report), and from the CPU per
report on an idle machine of this many cores.

    .venv/bin/python benchmarks/corpus.py              # 1,000 generated reports
    .venv/bin/python benchmarks/corpus.py --n 10000    # 1,000 and 10,000
    .venv/bin/python benchmarks/corpus.py --pg postgresql://postgres@127.0.0.1:PORT/postgres

The reports are the real samples with new numbers, agencies (N/4 of them) and years (2021–2024),
as the tests make them. Each run is a fresh process on a fresh database, so that the parent's
peak memory is that of the ingest alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLACES = ("新安", "宜阳", "伊川", "汝阳", "洛宁", "嵩山", "栾川", "偃师")
OFFICES = ("科学技术局", "财政局", "教育局", "民政局", "统计局", "司法局", "商务局", "审计局")


def generate(out: Path, n: int) -> Path:
    """``n`` reports: agency i of n/4 has the years 2021–2024, each a sample with new numbers."""
    from tests.corpus_gen import load_samples, variant

    samples = load_samples()
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        agency_no, year = divmod(i, 4)
        name = f"{PLACES[agency_no % len(PLACES)]}县{OFFICES[(agency_no // len(PLACES)) % len(OFFICES)]}{agency_no}"
        v = variant(samples[i % len(samples)], name, 2021 + year, seed=i)
        (out / f"{i:06d}.txt").write_text(v.text, encoding="utf-8")
    return out


def child(corpus: str, workers: int, url: str) -> None:
    """One ingest, in this fresh process; prints its figures as JSON."""
    from nianbao.corpus.ingest import run
    from nianbao.corpus.progress import Progress

    before = resource.getrusage(resource.RUSAGE_SELF)
    summary = run([corpus], url, workers=workers, progress=Progress(sys.stderr, live=False, interval=30))
    own = resource.getrusage(resource.RUSAGE_SELF)
    # the workers, once ended and reaped: children of this process, or of multiprocessing's
    # forkserver (the pool forks them from it)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = children.ru_utime + children.ru_stime + forkserver_cpu()
    print(
        json.dumps(
            {
                "seconds": summary.seconds,
                "link_seconds": summary.link_seconds,
                "ingested": summary.ingested,
                "failed": summary.failed,
                "parent_cpu": own.ru_utime + own.ru_stime - before.ru_utime - before.ru_stime,
                "workers_cpu": workers_cpu,
                "parent_peak_mb": own.ru_maxrss / 1024,
                "worker_peak_mb": summary.worker_peak_kb / 1024,
                "db_bytes": db_size(url),
            }
        )
    )


def forkserver_cpu() -> float:
    """CPU seconds of multiprocessing's forkserver and of the children it reaped (from /proc:
    its utime, stime, cutime, cstime); 0 when there is none."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid is None:
        return 0.0
    for _ in range(50):  # the server reaps a child when told it ended: wait until none is left
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if not children.exists() or not children.read_text().strip():
            break
        time.sleep(0.1)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def db_size(url: str) -> int:
    from sqlalchemy import text

    from nianbao.corpus.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            size = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
            size *= int(conn.exec_driver_sql("PRAGMA page_size").scalar() or 0)
        else:
            size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
    engine.dispose()
    return size


def measure(corpus: Path, workers: int, url: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(corpus), "--workers", str(workers), "--url", url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fresh_url(pg: str | None, tmp: Path) -> tuple[str, object]:
    """A new empty database: a SQLite file, or a database created on the PostgreSQL server."""
    if not pg:
        return f"sqlite:///{tmp / f'{uuid.uuid4().hex[:8]}.sqlite'}", None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from nianbao.corpus.db import engine_url

    server = make_url(engine_url(pg))
    name = f"nianbao_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return server.set(database=name).render_as_string(hide_password=False), (admin, name)


def drop(handle: object) -> None:
    if handle is None:
        return
    from sqlalchemy import text

    admin, name = handle  # type: ignore[misc]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="reports in the large corpus (default 1,000)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare (default 1 2)")
    ap.add_argument("--pg", metavar="URL", help="a PostgreSQL server to run on instead of SQLite")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.workers[0], args.url)
        return
    sizes = sorted({1000, args.n}) if args.n > 1000 else [args.n]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(f"corpus ingest benchmark: {cores} cores, database {'PostgreSQL' if args.pg else 'SQLite'}")
    print(
        f"{'reports':>8} {'workers':>7} {'seconds':>8} {'link s':>7} {'reports/s':>9} {'parent ms':>9} "
        f"{'worker ms':>9} {'parent %':>8} {'parent MB':>9} {'worker MB':>9} {'DB KB/report':>12}"
    )
    points: dict[int, list[tuple[int, float]]] = {}  # workers → (reports, seconds)
    cpu: dict[int, tuple[float, float]] = {}  # workers → CPU ms per report (parent, workers), largest run
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        for n in sizes:
            t0 = time.perf_counter()
            corpus = generate(Path(tmp) / f"corpus-{n}", n)
            print(f"  (generated {n} reports in {time.perf_counter() - t0:.1f} s)")
            rates: dict[int, float] = {}
            for workers in args.workers:
                url, handle = fresh_url(args.pg, Path(tmp))
                try:
                    r = measure(corpus, workers, url)
                finally:
                    drop(handle)
                assert r["ingested"] == n, r
                rates[workers] = n / r["seconds"]
                points.setdefault(workers, []).append((n, r["seconds"]))
                parent_ms, worker_ms = 1000 * r["parent_cpu"] / n, 1000 * r["workers_cpu"] / n
                cpu[workers] = (parent_ms, worker_ms)
                print(
                    f"{n:>8} {workers:>7} {r['seconds']:>8.1f} {r['link_seconds']:>7.1f} {rates[workers]:>9.1f} "
                    f"{parent_ms:>9.2f} {worker_ms:>9.2f} {100 * parent_ms / (parent_ms + worker_ms):>7.0f}% "
                    f"{r['parent_peak_mb']:>9.0f} {r['worker_peak_mb']:>9.0f} {r['db_bytes'] / n / 1024:>12.1f}"
                )
            if len(rates) > 1:
                lo, hi = min(rates), max(rates)
                print(f"  scaling {lo}→{hi} workers: ×{rates[hi] / rates[lo]:.2f}")
    print(f"projection for {TARGET:,} reports:")
    for workers, measured in points.items():
        seconds = project(measured, TARGET)
        how = "a line through " + " and ".join(f"{n:,}" for n, _ in measured) if len(measured) > 1 else "the rate"
        parent_ms, worker_ms = cpu[workers]
        idle = TARGET * max((parent_ms + worker_ms) / min(workers + 1, cores), worker_ms / workers, parent_ms) / 1000
        print(
            f"  {workers} workers: {seconds / 60:.0f} min as measured here ({how}); "
            f"{idle / 60:.0f} min by CPU on {cores} idle cores"
        )


TARGET = 100_000


def project(measured: list[tuple[int, float]], n: int) -> float:
    """Seconds for ``n`` reports: the line through the two largest points (start-up + per report),
    or the one point's rate."""
    if len(measured) < 2:
        (m, s), *_ = measured
        return s * n / m
    (n0, s0), (n1, s1) = sorted(measured)[-2:]
    per = (s1 - s0) / (n1 - n0)
    return s0 + per * (n - n0)


if __name__ == "__main__":
    main()
