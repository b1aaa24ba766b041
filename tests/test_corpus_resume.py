"""A run killed with SIGKILL in the middle, then run again, ends with the same database as a run
never interrupted (on SQLite and PostgreSQL, which also end up holding the same); so does a run
on a Dask cluster of two worker processes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from nianbao.corpus import db
from nianbao.corpus.ingest import run
from nianbao.corpus.progress import Progress
from tests.corpus_support import KINDS, database, dump, shared_root


def quiet() -> Progress:
    return Progress(io.StringIO(), live=False)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_root(tmp_path_factory)


@pytest.fixture(scope="module")
def reference(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The database of one uninterrupted run with the local pool, on SQLite."""
    with database("sqlite", tmp_path_factory.mktemp("ref")) as url:
        run([str(root)], url, workers=2, progress=quiet())
        engine = db.open_db(url)
        yield dump(engine)
        engine.dispose()


def _stored(engine: Any) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(db.files)).scalar() or 0)
    except SQLAlchemyError:  # the schema is not there yet
        return 0


@pytest.mark.parametrize("kind", KINDS)
def test_killed_run_resumes_to_the_same_database(
    kind: str, root: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    with database(kind, tmp_path) as url:
        cmd = [sys.executable, "-m", "nianbao.cli", "corpus", "ingest", str(root), "--db", url, "--workers", "1"]
        # batches of 4 files: killed between commits and within one (the files of a batch not yet
        # committed are lost together, and done again)
        env = {**os.environ, "NIANBAO_INGEST_BATCH": "4", "NIANBAO_INGEST_BATCH_SECONDS": "60"}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env
        )
        watcher = db.make_engine(url)
        deadline = time.monotonic() + 60
        try:
            while _stored(watcher) < 6 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the ingest, its forkserver and its worker
            proc.wait()
        at_kill = _stored(watcher)
        watcher.dispose()
        assert proc.returncode == -signal.SIGKILL
        assert 6 <= at_kill < 30, "the run was not killed in the middle"

        resumed = run([str(root)], url, workers=2, progress=quiet())
        assert resumed.skipped == at_kill
        assert resumed.ingested + resumed.failed == 30 - at_kill
        engine = db.open_db(url)
        assert dump(engine) == reference
        engine.dispose()


def test_dask_cluster_fills_the_same_database(root: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    from distributed import LocalCluster

    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        database("sqlite", tmp_path) as url,
    ):
        summary = run([str(root)], url, scheduler=cluster.scheduler_address, progress=quiet())
        assert (summary.ingested, summary.failed, summary.duplicates) == (26, 4, 1)
        engine = db.open_db(url)
        assert dump(engine) == reference
        engine.dispose()


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_a_worker_killed_midway_costs_no_file(root: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    """A worker that dies (as if out of memory) takes no file down with it: the jobs it had are
    run again one by one, and the database ends up complete."""
    import threading

    killed: list[int] = []
    with database("sqlite", tmp_path) as url:
        watcher = db.make_engine(url)

        def kill_a_worker() -> None:
            deadline = time.monotonic() + 60
            while _stored(watcher) < 4 and time.monotonic() < deadline:
                time.sleep(0.01)
            for worker in _children(os.getpid()):  # the pool's processes (nianbao.bounded)
                if b"resource_tracker" in Path(f"/proc/{worker}/cmdline").read_bytes():
                    continue
                os.kill(worker, signal.SIGKILL)
                killed.append(worker)

        thread = threading.Thread(target=kill_a_worker)
        thread.start()
        summary = run([str(root)], url, workers=2, progress=quiet())
        thread.join()
        watcher.dispose()
        assert killed, "no worker was killed"
        assert (summary.ingested, summary.failed) == (26, 4)
        engine = db.open_db(url)
        assert dump(engine) == reference
        engine.dispose()
