"""The ingest's pool of workers (issue 16): its workers are forked from a server that imported the
parser once, not from the ingest itself — so that each (and each that replaces one after its
``max_calls``) starts at once, and none holds what the ingest holds by then (the ingest grows with
the run, and the workers forked from it grew with it: 87 → 157 MB at 100,000 files; 40 MB now)."""

from __future__ import annotations

import os
import sys

from nianbao.corpus.pool import PoolRunner

BIG: list[str] = []  # in the test: what the ingest holds when a worker is replaced


def _where() -> tuple[int, bool, int]:
    """Run in a worker: its parent, whether the parser was there before this call, its size of
    the ingest's list below."""
    return os.getppid(), "nianbao.checks" in sys.modules, len(BIG)


def test_ingest_workers_start_from_a_preloaded_server_not_from_the_ingest() -> None:
    BIG.extend(str(i) for i in range(100_000))
    runner = PoolRunner(2)
    try:
        done = [runner.result(runner.submit(_run, None)) for _ in range(4)]
    finally:
        runner.close()
        BIG.clear()
    for parent, preloaded, held in done:
        assert parent != os.getpid()  # forked by the server
        assert preloaded  # the parser imported before the first call
        assert held == 0  # nothing of the ingest's memory


def _run(_: None) -> tuple[int, bool, int]:
    return _where()
