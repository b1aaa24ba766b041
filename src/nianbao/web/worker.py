"""Run parsing and rendering in worker processes bounded in time and memory.

A report file from the web is untrusted: a reader may take too long on it, grow without end,
or die. Each job runs in a child of ``nianbao.bounded`` (the mechanism the command and the corpus
use too); when it overruns its time or memory only that child is killed and replaced, so the
other requests in flight carry on. Jobs are named (``JOBS``), so a child only ever runs this
module's own functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nianbao.bounded import BoundedPool, WorkerCrash
from nianbao.readers.limits import Limits
from nianbao.report import Report
from nianbao.web.source import SourceLine, source_lines

__all__ = ["JOBS", "WorkerCrash", "WorkerPool"]


def _parse(data: bytes, name: str, limits: Limits) -> Report:
    from nianbao.pipeline import parse_bytes

    return parse_bytes(data, name, limits)


def _read(data: bytes, name: str, limits: Limits) -> Report:
    """A report file parsed, or a data file of render (YAML, JSON, TOML, the workbook of
    ``--template-xlsx``) read as ``nianbao check`` reads it: each cell remembering its line or cell."""
    from nianbao.render.located import is_data, read_report

    if is_data(data, name, limits):
        return read_report(data, name, limits)
    return _parse(data, name, limits)


def _source(data: bytes, limits: Limits) -> list[SourceLine]:
    return source_lines(data, limits)


def _render(report: Report, fmt: str) -> bytes:
    from nianbao.render import render

    return render(report, fmt)


JOBS: dict[str, Callable[..., Any]] = {"parse": _parse, "read": _read, "source": _source, "render": _render}


class WorkerPool(BoundedPool):
    """A fixed number of child processes (spawned: the server has threads), started on first
    use, each serving one named job at a time within ``limits`` of memory."""

    def __init__(self, size: int, limits: Limits | None = None) -> None:
        preload = ("nianbao.pipeline", "nianbao.readers.markdown", "nianbao.readers.text")
        super().__init__(limits or Limits(), size=size, preload=preload, context="spawn")

    def run(self, job: str, args: tuple[Any, ...] = (), timeout: float | None = None) -> Any:  # type: ignore[override]
        """The job's result; NianbaoError as raised in the child, E_TIMEOUT past ``timeout``
        seconds (waiting for a free child does not count), E_TOO_LARGE past the memory limit,
        WorkerCrash on a bug."""
        return super().run(JOBS[job], args, timeout)
