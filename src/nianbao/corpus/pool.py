"""Where the jobs run: the protocol the ingest needs of a runner, and the local pool of processes.
(A Dask cluster is the other runner: dask_runner.)"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol, TypeVar

from nianbao.bounded import BoundedPool
from nianbao.bounded import WorkerCrash as _ChildCrash
from nianbao.readers.limits import Limits

T = TypeVar("T")
WORKER_MODULES = ("nianbao.corpus.preload",)
SERVER_CONTEXT = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else None


class Runner(Protocol):
    """Runs ``fn(arg)`` somewhere else; ``slots`` is how many calls to keep in flight. ``wait``
    returns when one call is done, or after ``timeout`` seconds with none done."""

    slots: int

    def submit(self, fn: Callable[[Any], T], arg: Any) -> Any: ...

    def wait(self, pending: set[Any], timeout: float | None = None) -> tuple[set[Any], set[Any]]: ...

    def result(self, future: Any) -> Any: ...

    def close(self) -> None: ...


class WorkerCrash(Exception):
    """The process running a call died (killed, out of memory, a crash in a C library)."""


class PoolRunner:
    """A local pool of ``workers`` processes bounded by ``limits`` (``nianbao.bounded``, as the
    command and the web use it): a call over the time or memory limit raises its NianbaoError
    (E_TIMEOUT, E_TOO_LARGE) from ``result``, its process is replaced, the others go on."""

    def __init__(self, workers: int, limits: Limits | None = None) -> None:
        self.workers = max(1, workers)
        self.slots = self.workers * 2
        # children forked from a server that imported the parser once: each (and each that replaces
        # one, every max_calls) starts at once, and none inherits the ingest's memory, which grows
        # with the run: theirs stays flat however many files the run has
        self._pool = BoundedPool(
            limits or Limits.from_env(), size=self.workers, preload=WORKER_MODULES, context=SERVER_CONTEXT
        )
        self._pool.start()
        self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="nianbao-pool")

    def submit(self, fn: Callable[[Any], T], arg: Any) -> Future[T]:
        return self._threads.submit(self._pool.run, fn, (arg,))

    def wait(self, pending: set[Any], timeout: float | None = None) -> tuple[set[Any], set[Any]]:
        done, rest = wait(pending, timeout, return_when=FIRST_COMPLETED)
        return set(done), set(rest)

    def result(self, future: Future[Any]) -> Any:
        try:
            return future.result()
        except _ChildCrash:
            raise WorkerCrash from None

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        self._pool.close()
