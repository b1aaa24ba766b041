"""The ingest: every report file under some paths, parsed and checked in a pool of processes
(or on a Dask cluster), written to the database a batch of files per transaction, and linked
across years as the batches are stored.

Resumable by construction: a file is known by the sha256 of its bytes, and a batch's files —
each with its row, report, cells and findings — are committed together, so a run killed at any
point has stored whole reports only, and the next run skips exactly those (``--force`` redoes
them). A batch is committed when it holds ``Batching.reports`` files or is ``Batching.seconds``
old, whichever comes first. The parent is the only writer; workers parse, check, and make the
rows it writes. A file that fails, even one that kills its worker process, is recorded with its
reason and the run goes on.

Years are linked as batches come in (``agencies.Linker``: the cross-year checks of new pairs run
on the workers between the files); what that leaves (agencies with cells another year may fix,
reports of an earlier run not yet linked) is linked at the end (``agencies.link``).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from nianbao.corpus import DEFAULT_URL, db, default_workers
from nianbao.corpus.agencies import Linker, link_names
from nianbao.corpus.pool import PoolRunner, Runner, WorkerCrash
from nianbao.corpus.progress import Progress
from nianbao.corpus.worker import E_INTERNAL, Job, Outcome, PairJob, check_pairs, process
from nianbao.errors import E_DB, E_IO, E_TOO_LARGE, NianbaoError
from nianbao.files import iter_inputs
from nianbao.readers import too_large
from nianbao.readers.limits import Limits


@dataclass
class Summary:
    """What a run did with every file it was given."""

    files: int = 0
    ingested: int = 0
    failed: int = 0
    skipped: int = 0  # already in the database (same sha256)
    duplicates: int = 0  # same bytes as another file of this run
    linked: int = 0  # agencies whose years were linked again
    seconds: float = 0.0
    link_seconds: float = 0.0
    worker_peak_kb: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # path, code, reason (first 100)

    def line(self) -> str:
        return (
            f"入库完成：共 {self.files} 个文件，新入库 {self.ingested} 份报告，失败 {self.failed} 个，"
            f"已在库中跳过 {self.skipped} 个，内容重复 {self.duplicates} 个；"
            f"跨年度关联 {self.linked} 个机关（{self.link_seconds:.1f} 秒）；用时 {self.seconds:.1f} 秒"
        )


def scan(paths: Iterable[str]) -> list[Path]:
    """Every report file under the paths, in a stable order (the same rule as ``nianbao parse``)."""
    return list(iter_inputs(list(paths)))


@dataclass(frozen=True)
class Batching:
    """When the parent commits what the workers sent: after this many files, or when the first
    of them has waited this long, whichever comes first (a run killed loses at most that)."""

    reports: int = 200
    seconds: float = 0.5

    @classmethod
    def from_env(cls) -> Batching:
        """``NIANBAO_INGEST_BATCH`` (files per transaction) and ``NIANBAO_INGEST_BATCH_SECONDS``."""
        reports = os.environ.get("NIANBAO_INGEST_BATCH")
        seconds = os.environ.get("NIANBAO_INGEST_BATCH_SECONDS")
        return cls(
            reports=max(1, int(reports)) if reports else cls.reports,
            seconds=max(0.0, float(seconds)) if seconds else cls.seconds,
        )


def ingest(
    paths: Iterable[str],
    engine: Engine,
    runner: Runner,
    force: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
    batching: Batching | None = None,
) -> Summary:
    """Ingest every file under ``paths`` into the database behind ``engine``, linking years as
    the reports are stored; then link what is left."""
    start = time.perf_counter()
    files = scan(paths)
    summary = Summary(files=len(files))
    progress = progress or Progress()
    linker = Linker(engine)
    with progress.running(len(files)):
        jobs = _jobs(engine, files, force, summary, progress, limits or Limits.from_env())
        batch = _Batch(engine, force, summary, progress, linker, batching or Batching.from_env())
        for event in _Flow(runner, jobs, linker.pairs).events():
            if isinstance(event, Outcome):
                batch.add(event)
            elif isinstance(event, tuple):
                linker.found(*event)
            elif event == _IDLE:
                batch.flush()  # the last files, then what their agencies need checked
                if linker.pairs:
                    continue
            batch.due()
        linker.write()
        linking = time.perf_counter()
        progress.note("nianbao corpus: 关联各机关相邻年度的报告，运行跨年度检查…")
        names = set(link_names(engine, runner))
        summary.linked = len(linker.norms | names)
        summary.link_seconds = time.perf_counter() - linking
    summary.seconds = time.perf_counter() - start
    return summary


def _jobs(
    engine: Engine, files: list[Path], force: bool, summary: Summary, progress: Progress, limits: Limits
) -> Iterator[Job]:
    """The files still to do, read one at a time: those of a sha256 the database already has
    (unless ``force``) or that this run has already met are counted and passed over. A file
    over the size limit is not read at all (told by ``stat``). The sha256 the database has are
    read once, not asked for file by file (a file another run stores meanwhile is caught when
    its batch is committed)."""
    seen: set[str] = set()
    known: set[str] = set()
    if not force:
        with engine.connect() as conn:
            known = set(conn.execute(select(db.files.c.sha256)).scalars())
    for path in files:
        try:
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise NianbaoError(E_TOO_LARGE, too_large(size, limits), str(path))
            data = path.read_bytes()
        except (OSError, NianbaoError) as e:  # nothing to key it by: counted and told, not stored
            if isinstance(e, NianbaoError):
                error = e
            else:
                error = NianbaoError(E_IO, f"无法读取文件：{e.strerror or e}", str(path))
            outcome = Outcome(str(path), "", 0, None, error_code=error.code, error=error.reason)
            _count_failure(summary, outcome)
            progress.note(error.line())
            progress.advance(summary)
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in seen:
            summary.duplicates += 1
            progress.advance(summary)
            continue
        seen.add(sha)
        if sha in known:
            summary.skipped += 1
            progress.advance(summary)
            continue
        yield Job(str(path), sha, data, limits)


PAIRS_PER_CALL = 8
_TICK = "tick"  # a while without results: time to commit what waits
_IDLE = "idle"  # nothing left to run: the last batch may be committed, and give more pairs
Event = Outcome | tuple[PairJob, list[tuple[Any, ...]]] | str


class _Flow:
    """The files' jobs and the pairs' checks on the runner, with at most ``runner.slots`` in
    flight (flat memory); pairs go first, as they come (``pairs``, filled by the linker).

    When a worker dies, the files in flight are run again one at a time, so that the file that
    kills a worker is found and recorded, and the others are not blamed for it. A pair whose
    check fails on a worker is checked here (the check is pure)."""

    def __init__(self, runner: Runner, jobs: Iterator[Job], pairs: deque[PairJob], tick: float = 0.1) -> None:
        self.runner, self.jobs, self.pairs, self.tick = runner, jobs, pairs, tick

    def events(self) -> Iterator[Event]:
        runner = self.runner
        pending: dict[Any, Job | list[PairJob]] = {}
        suspects: deque[Job] = deque()
        alone = False  # a suspect is running by itself
        exhausted = False
        while True:
            while not alone and suspects and not pending:
                job = suspects.popleft()
                pending[runner.submit(process, job)] = job
                alone = True
            while not alone and self.pairs and len(pending) < runner.slots:
                chunk = [self.pairs.popleft() for _ in range(min(PAIRS_PER_CALL, len(self.pairs)))]
                pending[runner.submit(check_pairs, chunk)] = chunk
            while not alone and not suspects and not exhausted and len(pending) < runner.slots:
                upcoming = next(self.jobs, None)
                if upcoming is None:
                    exhausted = True
                else:
                    pending[runner.submit(process, upcoming)] = upcoming
            if not pending:
                if exhausted and not suspects and not self.pairs:
                    yield _IDLE
                    if not self.pairs:
                        return
                continue
            done, _ = runner.wait(set(pending), self.tick)
            if not done:
                yield _TICK
            for future in done:
                item = pending.pop(future)
                if isinstance(item, list):
                    try:
                        found = runner.result(future)
                    except Exception:  # a crashed or timed-out worker: the checks are pure, run them here
                        found = check_pairs(item)
                    yield from zip(item, found, strict=True)
                    continue
                job = item
                try:
                    yield runner.result(future)
                except WorkerCrash:
                    if alone:
                        yield _crashed(job)
                    else:
                        suspects.append(job)
                        for other in pending.values():
                            if isinstance(other, list):
                                self.pairs.extend(other)
                            else:
                                suspects.append(other)
                        pending.clear()
                        break
                except NianbaoError as e:  # over a limit of time or memory: its child was replaced
                    yield Outcome(job.path, job.sha256, len(job.data), None, error_code=e.code, error=e.reason)
                except Exception as e:  # e.g. Dask's KilledWorker after its own retries
                    yield _crashed(job, f"{type(e).__name__}: {e}")
            alone = alone and bool(pending)


def _crashed(job: Job, detail: str = "") -> Outcome:
    reason = "解析进程异常退出（文件可能触发了解析器的崩溃或内存耗尽）" + (f"：{detail}" if detail else "")
    return Outcome(job.path, job.sha256, len(job.data), None, error_code=E_INTERNAL, error=reason)


class _Batch:
    """The outcomes waiting to be committed (see ``Batching``), counted and shown once stored."""

    def __init__(
        self, engine: Engine, force: bool, summary: Summary, progress: Progress, linker: Linker, batching: Batching
    ) -> None:
        self.engine, self.force, self.summary, self.progress = engine, force, summary, progress
        self.linker, self.batching = linker, batching
        self.outcomes: list[Outcome] = []
        self.since = 0.0

    def add(self, outcome: Outcome) -> None:
        self.summary.worker_peak_kb = max(self.summary.worker_peak_kb, outcome.worker_peak_kb)
        if not self.outcomes:
            self.since = time.monotonic()
        self.outcomes.append(outcome)
        if len(self.outcomes) >= self.batching.reports:
            self.flush()

    def due(self) -> None:
        """Commit the batch if it has waited long enough; write the agencies linked meanwhile."""
        if self.outcomes and time.monotonic() - self.since >= self.batching.seconds:
            self.flush()
        elif not self.outcomes:
            self.linker.write()

    def flush(self) -> None:
        outcomes, self.outcomes = self.outcomes, []
        ids: list[int] = []
        if outcomes:
            try:
                with self.engine.begin() as conn:
                    ids = _store(conn, outcomes, self.force)
            except IntegrityError:  # another run stored one of these files meanwhile: one by one
                ids = [self._alone(o) for o in outcomes]
            for outcome, report_id in zip(outcomes, ids, strict=True):
                if report_id == _SKIPPED:
                    self.summary.skipped += 1
                elif outcome.parsed is None:
                    _count_failure(self.summary, outcome)
                else:
                    self.summary.ingested += 1
                self.progress.advance(self.summary, outcome)
        self.linker.write()  # before planning: an agency linked meanwhile must be seen linked
        self.linker.added([(i, o.parsed) for o, i in zip(outcomes, ids, strict=True) if o.parsed and i >= 0])

    def _alone(self, outcome: Outcome) -> int:
        try:
            with self.engine.begin() as conn:
                return _store(conn, [outcome], self.force)[0]
        except IntegrityError:
            return _SKIPPED


_SKIPPED = -2  # not stored: another run has the file
_FAILED = -1  # stored as failed: no report


def _store(conn: Connection, outcomes: list[Outcome], force: bool) -> list[int]:
    """Files in the caller's transaction: each its row, and its report with cells and findings;
    the report ids (_FAILED for a file without report)."""
    writer = db.Writer(conn)
    ids = []
    for outcome in outcomes:
        if force:
            db.delete_file(conn, outcome.sha256)
        if outcome.parsed is None:
            writer.file(outcome.source, "failed", outcome.error_code, outcome.error)
            ids.append(_FAILED)
        else:
            ids.append(writer.report(writer.file(outcome.source, "ok"), outcome.parsed))
    writer.flush()
    return ids


def _count_failure(summary: Summary, outcome: Outcome) -> None:
    summary.failed += 1
    if len(summary.failures) < 100:
        summary.failures.append((outcome.path, outcome.error_code or E_INTERNAL, outcome.error or ""))


def make_runner(workers: int, scheduler: str | None, limits: Limits | None = None) -> Runner:
    if scheduler:
        from nianbao.corpus.dask_runner import DaskRunner

        return DaskRunner(scheduler)
    return PoolRunner(workers, limits)


def run(
    paths: Iterable[str],
    url: str = DEFAULT_URL,
    workers: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    progress: Progress | None = None,
    limits: Limits | None = None,
    batching: Batching | None = None,
) -> Summary:
    """The whole ingest as ``nianbao corpus ingest`` runs it; ``workers`` by default one per
    core this process may use (``default_workers``), ``batching`` by default ``Batching.from_env``."""
    from sqlalchemy.exc import SQLAlchemyError

    limits = limits or Limits.from_env()
    engine = db.open_db(url)
    runner = make_runner(workers or default_workers(), scheduler, limits)
    try:
        return ingest(paths, engine, runner, force, progress, limits, batching)
    except SQLAlchemyError as e:  # read-only, locked past the busy timeout, disk full: the reason, no traceback
        detail = str(getattr(e, "orig", None) or e).splitlines()[0]
        raise NianbaoError(E_DB, f"数据库无法写入（{detail}），已入库的报告保留") from None
    finally:
        runner.close()
        engine.dispose()
