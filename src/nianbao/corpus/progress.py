"""How far an ingest is: a live bar with rate and ETA on a terminal (rich), and plain lines,
one every few seconds, when the output goes to a log."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TaskID, TaskProgressColumn, TextColumn
from rich.progress import Progress as RichProgress
from rich.text import Text

from nianbao.errors import NianbaoError

if TYPE_CHECKING:
    from rich.progress import Task

    from nianbao.corpus.ingest import Summary
    from nianbao.corpus.worker import Outcome


def duration_zh(seconds: float) -> str:
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}小时{m}分"
    if m:
        return f"{m}分{s}秒"
    return f"{s}秒"


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} 个/秒" if speed else "— 个/秒", style="progress.data.speed")


class _Eta(ProgressColumn):
    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        if task.finished:
            return Text(f"用时 {duration_zh(task.finished_time or task.elapsed or 0)}", style="progress.elapsed")
        left = task.time_remaining
        return Text(f"剩余 {duration_zh(left)}" if left is not None else "剩余 —", style="progress.remaining")


class Progress:
    """Counts shown while files are done. ``live`` None: a bar when ``stream`` is a terminal."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None, interval: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.interval = interval
        self._total = 0
        self._done = 0
        self._start = 0.0
        self._last = 0.0
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self._counts = ""

    @contextmanager
    def running(self, total: int) -> Iterator[Progress]:
        self._total, self._done = total, 0
        self._start = self._last = time.monotonic()
        if self.live:
            self._bar = RichProgress(
                TextColumn("[bold]入库"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                _Rate(),
                _Eta(),
                TextColumn("{task.fields[counts]}"),
                console=Console(file=self.stream),
                transient=False,
            )
            self._task = self._bar.add_task("入库", total=total, counts="")
            self._bar.start()
        try:
            yield self
        finally:
            if self._bar is not None:
                self._bar.stop()
                self._bar = None
            elif self._done:
                self._line()

    def advance(self, summary: Summary, outcome: Outcome | None = None) -> None:
        self._done += 1
        if outcome is not None and outcome.parsed is None and outcome.error:
            self.note(NianbaoError(outcome.error_code or "", outcome.error, outcome.path).line())
        counts = f"入库 {summary.ingested}  失败 {summary.failed}  跳过 {summary.skipped + summary.duplicates}"
        self._counts = counts
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, counts=counts)
        elif time.monotonic() - self._last >= self.interval:
            self._line()

    def note(self, line: str) -> None:
        """A line that stays (a failed file), printed above the bar or in the log."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream, flush=True)

    def _line(self) -> None:
        self._last = now = time.monotonic()
        elapsed = max(now - self._start, 1e-9)
        rate = self._done / elapsed
        pct = 100 * self._done / self._total if self._total else 100.0
        eta = duration_zh((self._total - self._done) / rate) if rate and self._done < self._total else "0秒"
        print(
            f"nianbao corpus: {self._done}/{self._total} 个文件（{pct:.0f}%），{rate:.1f} 个/秒，"
            f"预计剩余 {eta}；{self._counts}",
            file=self.stream,
            flush=True,
        )
