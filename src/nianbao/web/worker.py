"""Run parsing and rendering in worker processes with a time limit.

A report file from the web is untrusted: a reader may take too long on it, or die. Each job
runs in a child process; when it overruns its time limit only that child is killed and
replaced, so the other requests in flight carry on. Jobs are named (``JOBS``), so a child
only ever runs this module's own functions.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from nianbao.errors import E_TIMEOUT, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.report import Report
from nianbao.web.source import SourceLine, source_lines

log = logging.getLogger("nianbao.web")


class WorkerCrash(RuntimeError):
    """The child died or raised something other than a NianbaoError (a bug, not bad input)."""


def _parse(data: bytes, name: str, limits: Limits) -> Report:
    from nianbao.pipeline import parse_bytes

    return parse_bytes(data, name, limits)


def _source(data: bytes, limits: Limits) -> list[SourceLine]:
    return source_lines(data, limits)


def _render(report: Report, fmt: str) -> bytes:
    from nianbao.render import render

    return render(report, fmt)


JOBS: dict[str, Callable[..., Any]] = {"parse": _parse, "source": _source, "render": _render}


def _serve(conn: Connection) -> None:
    """The child's loop: run each job received, send back ("ok", result) or an error."""
    # imported before "ready", so that a job's time is its own (the common readers too)
    import nianbao.pipeline
    import nianbao.readers.markdown
    import nianbao.readers.text  # noqa: F401

    conn.send(("ready", None))
    while True:
        try:
            name, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", JOBS[name](*args))
        except NianbaoError as e:
            reply = ("error", (e.code, e.reason))
        except Exception:
            reply = ("crash", traceback.format_exc())
        conn.send(reply)


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection


class WorkerPool:
    """A fixed number of child processes, started on first use, each serving one job at a time."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._started = False
        self._ctx = multiprocessing.get_context("spawn")

    def _launch(self) -> tuple[BaseProcess, Connection]:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child,), daemon=True, name="nianbao-web-worker")
        process.start()
        child.close()
        return process, parent

    def _ready(self, process: BaseProcess, conn: Connection) -> _Worker:
        """The launched child once it has imported nianbao and said so."""
        try:
            ready = conn.poll(120) and conn.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.kill()
            conn.close()
            raise WorkerCrash("worker process did not start")
        worker = _Worker(process, conn)
        with self._lock:
            self._all.append(worker)
        return worker

    def _spawn(self) -> _Worker:
        return self._ready(*self._launch())

    def start(self) -> None:
        """Start the children (each imports nianbao once, all at the same time), unless started."""
        with self._lock:
            if self._started:
                return
            self._started = True
        launched = [self._launch() for _ in range(self.size)]
        for process, conn in launched:
            self._idle.put(self._ready(process, conn))

    def _retire(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def _replace(self, worker: _Worker) -> _Worker | None:
        """Kill a child and start another in its place (None if that fails: the pool shrinks)."""
        self._retire(worker)
        try:
            return self._spawn()
        except WorkerCrash:
            log.exception("could not replace a worker process")
            return None

    def _take(self) -> _Worker:
        worker = self._idle.get()
        if worker.process.is_alive():
            return worker
        replaced = self._replace(worker)
        if replaced is None:
            raise WorkerCrash("no worker process")
        return replaced

    def run(self, job: str, args: tuple[Any, ...], timeout: float) -> Any:
        """The job's result; NianbaoError as raised in the child, E_TIMEOUT past ``timeout``
        seconds (waiting for a free child does not count), WorkerCrash on a bug."""
        self.start()
        worker: _Worker | None = self._take()
        try:
            assert worker is not None
            worker.conn.send((job, args))
            if not worker.conn.poll(timeout):
                worker = self._replace(worker)
                raise NianbaoError(E_TIMEOUT, f"处理超时（超过 {timeout:g} 秒），已中止")
            status, value = worker.conn.recv()
        except (EOFError, OSError) as e:
            assert worker is not None
            worker = self._replace(worker)
            raise WorkerCrash(f"worker process died: {e!r}") from None
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "error":
            raise NianbaoError(*value)
        if status == "crash":
            log.error("job %s failed in a worker:\n%s", job, value)
            raise WorkerCrash(value.strip().splitlines()[-1])
        return value

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), []
            self._started = False
        for w in workers:
            w.process.kill()
            w.process.join(5)
            w.conn.close()
        while not self._idle.empty():
            self._idle.get_nowait()
