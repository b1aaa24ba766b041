"""Where the jobs run: the protocol the ingest needs of a runner, and the local pool of processes.
(A Dask cluster is the other runner: dask_runner.)"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
WORKER_MODULES = ("nianbao.corpus.preload",)


class Runner(Protocol):
    """Runs ``fn(arg)`` somewhere else; ``slots`` is how many calls to keep in flight."""

    slots: int

    def submit(self, fn: Callable[[Any], T], arg: Any) -> Any: ...

    def wait(self, pending: set[Any]) -> tuple[set[Any], set[Any]]: ...

    def result(self, future: Any) -> Any: ...

    def close(self) -> None: ...


class WorkerCrash(Exception):
    """The process running a call died (killed, out of memory, a crash in a C library)."""


class PoolRunner:
    """A local pool of ``workers`` processes, started fresh (forkserver): the parent's threads,
    database connections and progress display are not copied into them."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.slots = self.workers * 2
        if "forkserver" in multiprocessing.get_all_start_methods():
            self._ctx = multiprocessing.get_context("forkserver")
            # imported once in the server, inherited by every worker it forks: workers start at once
            self._ctx.set_forkserver_preload(list(WORKER_MODULES))
        else:
            self._ctx = multiprocessing.get_context("spawn")
        self._spool = tempfile.mkdtemp(prefix="nianbao-pool-")
        self._pool = self._new_pool()
        self._owner: dict[Future[str], ProcessPoolExecutor] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx)

    def submit(self, fn: Callable[[Any], T], arg: Any) -> Future[str]:
        try:
            future = self._pool.submit(_spooled, fn, arg, self._spool)
        except BrokenProcessPool:  # a worker died since the last result was read
            self._renew()
            future = self._pool.submit(_spooled, fn, arg, self._spool)
        self._owner[future] = self._pool
        return future

    def _renew(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self._owner.clear()  # the old pool's futures all fail alike; none of them renews again

    def wait(self, pending: set[Any]) -> tuple[set[Any], set[Any]]:
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(rest)

    def result(self, future: Future[str]) -> Any:
        owner = self._owner.pop(future, None)
        try:
            path = Path(future.result())
        except BrokenProcessPool:
            if owner is self._pool:  # not renewed yet by a later submit
                self._renew()
            raise WorkerCrash from None
        try:
            return pickle.loads(path.read_bytes())
        finally:
            path.unlink()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self._spool, ignore_errors=True)


def _spooled(fn: Callable[[Any], Any], arg: Any, spool: str) -> str:
    """Run ``fn`` and leave its result in a file of the spool, sending back only the file's name.

    Why: a worker killed while it writes a large result into the pool's pipe leaves half a message
    there, and the pool then waits for the rest for ever (CPython's ProcessPoolExecutor). A name
    is far shorter than PIPE_BUF, and so is written whole or not at all.
    """
    result = fn(arg)
    fd, path = tempfile.mkstemp(dir=spool, suffix=".pickle")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path
