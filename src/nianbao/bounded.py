"""Work on untrusted files in child processes bounded in time and memory.

One mechanism for every edge: the command's batch (``parse_many(isolate=True)``), the corpus
ingest's pool and the web's workers. Each child serves one call at a time over its own pipe; the
parent waits for the answer while it watches the clock and the child's resident memory. A call
past ``Limits.max_seconds`` is ``E_TIMEOUT``, one past ``Limits.max_memory_mb`` (or that runs out
of address space) is ``E_TOO_LARGE``: the child is killed and replaced, and the other calls go on.
Why a pipe per child rather than a ``ProcessPoolExecutor``: a pool cannot kill one of its
workers, and a worker killed while writing to the pool's shared pipe hangs the whole pool.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import resource
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from nianbao.errors import ErrorCode, NianbaoError
from nianbao.readers.limits import MB, Limits

log = logging.getLogger("nianbao.bounded")
T = TypeVar("T")
_POLL_S = 0.05  # how often the parent looks at the child's clock and memory
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class WorkerCrash(RuntimeError):
    """The child died, or raised something other than a NianbaoError (a bug, not bad input)."""


def timeout_error(seconds: float) -> NianbaoError:
    return NianbaoError(ErrorCode.E_TIMEOUT, f"处理超时（超过 {seconds:g} 秒），已中止")


def memory_error(limit_mb: int) -> NianbaoError:
    return NianbaoError(ErrorCode.E_TOO_LARGE, f"处理所需内存超过上限（{limit_mb} MB），已中止")


def rss_bytes(pid: int) -> int | None:
    """A process's resident memory (None where /proc cannot tell)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _serve(conn: Connection, limits: Limits, preload: tuple[str, ...], tmp: str) -> None:
    """The child's loop: run each call received, send back ("ok", result) or the error."""
    import importlib

    # the run's own temp dir: what a killed child leaves there (LibreOffice profiles, OCR runtime
    # files) goes with the run
    os.environ["TMPDIR"] = tmp
    tempfile.tempdir = tmp

    if limits.max_address_space_mb > 0:
        cap = limits.max_address_space_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    for module in preload:  # before "ready", so that a call's time is its own
        importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except NianbaoError as e:
            reply = ("error", (e.code, e.reason))
        except MemoryError:
            reply = ("memory", None)
        except RecursionError:
            reply = ("error", (ErrorCode.E_TOO_LARGE, "内容嵌套过深，无法处理"))
        except Exception:
            reply = ("crash", traceback.format_exc())
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))


@dataclass
class _Child:
    process: BaseProcess
    conn: Connection
    calls: int = 0


def _context() -> Any:
    """``fork`` from a single-threaded parent (the command: children start at once), else
    ``spawn`` (a parent with threads, such as the web server, must not be forked)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class BoundedPool:
    """``size`` children, started on first use, each serving one call at a time.

    ``run`` may be called from several threads at once (one call per child). ``preload``: modules
    a child imports before it is ready. ``max_calls``: a child is replaced after this many calls
    (or when its memory stays above half the limit), so that no child grows for ever."""

    def __init__(
        self,
        limits: Limits | None = None,
        size: int = 1,
        preload: Iterable[str] = ("nianbao.pipeline",),
        context: str | None = None,
        max_calls: int = 500,
    ) -> None:
        self.limits = limits or Limits()
        self.size = max(1, size)
        self.preload = tuple(preload)
        self.max_calls = max_calls
        # told now, while the caller's thread is likely the only one (see _context)
        self._ctx: Any = multiprocessing.get_context(context) if context else _context()
        if context == "forkserver":  # the server imports these once; each child starts from it
            self._ctx.set_forkserver_preload(list(self.preload))
        self._idle: queue.Queue[_Child] = queue.Queue()
        self._all: list[_Child] = []
        self._lock = threading.Lock()
        self._started = False
        self._tmp: str | None = None

    def __enter__(self) -> BoundedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _launch(self) -> tuple[BaseProcess, Connection]:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_serve, args=(child, self.limits, self.preload, self._run_dir()), daemon=True, name="nianbao-worker"
        )
        process.start()
        child.close()
        return process, parent

    def _run_dir(self) -> str:
        """The children's temp dir, made on first use (stale ones of dead runs swept then)."""
        if self._tmp is None:
            sweep_stale()
            self._tmp = tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-")
        return self._tmp

    def _ready(self, process: BaseProcess, conn: Connection) -> _Child:
        try:
            ready = conn.poll(120) and conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.kill()
            process.join(5)
            conn.close()
            raise WorkerCrash("worker process did not start")
        child = _Child(process, conn)
        with self._lock:
            self._all.append(child)
        return child

    def start(self) -> None:
        """Start the children (all importing at the same time), unless started."""
        with self._lock:
            if self._started:
                return
            self._started = True
        launched = [self._launch() for _ in range(self.size)]
        for process, conn in launched:
            self._idle.put(self._ready(process, conn))

    def _retire(self, child: _Child) -> None:
        child.process.kill()
        child.process.join(5)
        child.conn.close()
        with self._lock:
            if child in self._all:
                self._all.remove(child)

    def _replace(self, child: _Child) -> _Child | None:
        """Kill a child and start another in its place (None if that fails: the pool shrinks)."""
        self._retire(child)
        try:
            return self._ready(*self._launch())
        except WorkerCrash:
            log.exception("could not replace a worker process")
            return None

    def _take(self) -> _Child:
        child = self._idle.get()
        if child.process.is_alive():
            return child
        replaced = self._replace(child)
        if replaced is None:
            raise WorkerCrash("no worker process")
        return replaced

    def _wait(self, child: _Child, seconds: float) -> str:
        """Wait for the child's answer: "ready", "timeout" or "memory"."""
        deadline = time.monotonic() + seconds
        cap = self.limits.max_memory_mb * MB
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            if child.conn.poll(min(_POLL_S, left)):
                return "ready"
            if cap > 0:
                rss = rss_bytes(child.process.pid or 0)
                if rss is not None and rss > cap:
                    return "memory"

    def run(self, fn: Callable[..., T], args: tuple[Any, ...] = (), timeout: float | None = None) -> T:
        """``fn(*args)`` in a child (``fn`` a module-level function). A NianbaoError raised there
        comes back as it was; E_TIMEOUT past ``timeout`` (default ``limits.max_seconds``; waiting
        for a free child does not count); E_TOO_LARGE past the memory limit; WorkerCrash on a bug
        or a child that died."""
        self.start()
        seconds = self.limits.max_seconds if timeout is None else timeout
        child: _Child | None = self._take()
        assert child is not None
        try:
            child.conn.send((fn, args))
            waited = self._wait(child, seconds)
            if waited == "timeout":
                child = self._replace(child)
                raise timeout_error(seconds)
            if waited == "memory":
                child = self._replace(child)
                raise memory_error(self.limits.max_memory_mb)
            status, value = child.conn.recv()
            child.calls += 1
        except (EOFError, OSError) as e:
            code = child.process.exitcode if child is not None else None
            child = self._replace(child) if child is not None else None
            raise WorkerCrash(f"worker process died ({code}): {e!r}") from None
        finally:
            if child is not None:
                child = self._recycled(child)
                if child is not None:
                    self._idle.put(child)
        if status == "error":
            raise NianbaoError(*value)
        if status == "memory":
            raise memory_error(self.limits.max_memory_mb)
        if status == "crash":
            log.error("a call failed in a worker:\n%s", value)
            raise WorkerCrash(value.strip().splitlines()[-1])
        return value  # type: ignore[no-any-return]

    def _recycled(self, child: _Child) -> _Child | None:
        """The child, or a fresh one when it has served enough or kept too much memory."""
        if not child.process.is_alive():
            return self._replace(child)
        cap = self.limits.max_memory_mb * MB
        rss = rss_bytes(child.process.pid or 0) if cap > 0 else None
        if child.calls >= self.max_calls or (rss is not None and rss > cap // 2):
            return self._replace(child)
        return child

    def close(self) -> None:
        with self._lock:
            children, self._all = list(self._all), []
            self._started = False
        for c in children:
            c.process.kill()
            c.process.join(5)
            c.conn.close()
        while not self._idle.empty():
            self._idle.get_nowait()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


RUN_PREFIX = "nianbao-run-"
LEGACY_PREFIXES = ("nianbao-pool-", "nianbao-office-")  # spools of older ingests; converters' dirs


def sweep_stale(root: str | None = None, legacy_age_s: float = 3600.0) -> list[str]:
    """Remove the temp dirs of runs that were killed: ``nianbao-run-PID-…`` of a PID no longer
    alive, and older spool and converter dirs untouched for ``legacy_age_s``. Returns them."""
    removed: list[str] = []
    base = root or tempfile.gettempdir()
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        path = os.path.join(base, name)
        if name.startswith(RUN_PREFIX):
            pid = name[len(RUN_PREFIX) :].split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
        elif name.startswith(LEGACY_PREFIXES):
            try:
                if now - os.stat(path).st_mtime < legacy_age_s:
                    continue
            except OSError:
                continue
        else:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bounded_map(
    fn: Callable[[Any], T], items: Iterable[Any], limits: Limits | None = None, workers: int = 1
) -> Iterator[tuple[Any, T | NianbaoError]]:
    """``(item, fn(item))`` for each item, in order, each call in a bounded child: a call over a
    limit or whose child died gives its NianbaoError instead, and the others go on."""
    from concurrent.futures import Future, ThreadPoolExecutor

    pool = BoundedPool(limits, size=workers)

    def call(item: Any) -> T | NianbaoError:
        try:
            return pool.run(fn, (item,))
        except NianbaoError as e:
            return e
        except WorkerCrash as e:
            return NianbaoError(ErrorCode.E_INTERNAL, f"解析进程异常退出（{e}）")

    try:
        pool.start()  # before the threads: the children are forked from a single-threaded parent
        if pool.size == 1:
            for item in items:
                yield item, call(item)
            return
        with ThreadPoolExecutor(pool.size) as threads:
            window: list[tuple[Any, Future[T | NianbaoError]]] = []
            for item in items:
                window.append((item, threads.submit(call, item)))
                while len(window) >= 2 * pool.size:
                    first, future = window.pop(0)
                    yield first, future.result()
            for first, future in window:
                yield first, future.result()
    finally:
        pool.close()
