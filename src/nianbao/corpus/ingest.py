"""The ingest: every report file under some paths, parsed and checked in a pool of processes
(or on a Dask cluster), each written to the database in its own transaction.

Resumable by construction: a file is known by the sha256 of its bytes, and its row, report,
cells and findings are committed together, so a run killed at any point has stored whole
reports only, and the next run skips exactly those (``--force`` redoes them). The parent is the
only writer; workers only parse and check. A file that fails, even one that kills its worker
process, is recorded with its reason and the run goes on.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from nianbao.corpus import DEFAULT_URL, db
from nianbao.corpus.agencies import agency, link
from nianbao.corpus.pool import PoolRunner, Runner, WorkerCrash
from nianbao.corpus.progress import Progress
from nianbao.corpus.worker import E_INTERNAL, Job, Outcome, process
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


def ingest(
    paths: Iterable[str],
    engine: Engine,
    runner: Runner,
    force: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> Summary:
    """Ingest every file under ``paths`` into the database behind ``engine``, then link years."""
    start = time.perf_counter()
    files = scan(paths)
    summary = Summary(files=len(files))
    progress = progress or Progress()
    with progress.running(len(files)):
        jobs = _jobs(engine, files, force, summary, progress, limits or Limits.from_env())
        for outcome in _run(runner, jobs):
            _store(engine, outcome, force, summary)
            progress.advance(summary, outcome)
        linking = time.perf_counter()
        progress.note("nianbao corpus: 关联各机关相邻年度的报告，运行跨年度检查…")
        summary.linked = link(engine, runner)
        summary.link_seconds = time.perf_counter() - linking
    summary.seconds = time.perf_counter() - start
    return summary


def _jobs(
    engine: Engine, files: list[Path], force: bool, summary: Summary, progress: Progress, limits: Limits
) -> Iterator[Job]:
    """The files still to do, read one at a time: those of a sha256 the database already has
    (unless ``force``) or that this run has already met are counted and passed over. A file
    over the size limit is not read at all (told by ``stat``)."""
    seen: set[str] = set()
    with engine.connect() as conn:
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
            known = conn.execute(select(db.files.c.id).where(db.files.c.sha256 == sha)).first()
            conn.rollback()  # end the read transaction: the writer must not wait on it (SQLite)
            if known is not None and not force:
                summary.skipped += 1
                progress.advance(summary)
                continue
            yield Job(str(path), sha, data, limits)


def _run(runner: Runner, jobs: Iterator[Job]) -> Iterator[Outcome]:
    """Outcomes as they complete, with at most ``runner.slots`` jobs in flight (flat memory).

    When a worker dies, the jobs that were in flight are run again one at a time, so that the
    file that kills a worker is found and recorded, and the others are not blamed for it."""
    pending: dict[Any, Job] = {}
    suspects: deque[Job] = deque()
    alone = False  # a suspect is running by itself
    exhausted = False
    while True:
        while not alone and suspects and not pending:
            job = suspects.popleft()
            pending[runner.submit(process, job)] = job
            alone = True
        while not alone and not suspects and not exhausted and len(pending) < runner.slots:
            upcoming = next(jobs, None)
            if upcoming is None:
                exhausted = True
            else:
                job = upcoming
                pending[runner.submit(process, job)] = job
        if not pending:
            if exhausted and not suspects:
                return
            continue
        done, _ = runner.wait(set(pending))
        for future in done:
            job = pending.pop(future)
            try:
                yield runner.result(future)
            except WorkerCrash:
                if alone:
                    yield _crashed(job)
                else:
                    suspects.append(job)
                    suspects.extend(pending.values())
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


def _store(engine: Engine, outcome: Outcome, force: bool, summary: Summary) -> None:
    """One file in one transaction: its row, and its report with cells and findings."""
    summary.worker_peak_kb = max(summary.worker_peak_kb, outcome.worker_peak_kb)
    try:
        with engine.begin() as conn:
            if force:
                db.delete_file(conn, outcome.sha256)
            if outcome.report is None:
                db.insert_file(conn, outcome.source, "failed", outcome.error_code, outcome.error)
            else:
                file_id = db.insert_file(conn, outcome.source, "ok")
                who = agency(outcome.report.agency)
                db.insert_report(conn, file_id, outcome.report, who.norm if who else None, who.region if who else None)
    except IntegrityError:  # another run stored the same file meanwhile
        summary.skipped += 1
        return
    if outcome.report is None:
        _count_failure(summary, outcome)
    else:
        summary.ingested += 1


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
    workers: int = 1,
    force: bool = False,
    scheduler: str | None = None,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> Summary:
    """The whole ingest as ``nianbao corpus ingest`` runs it."""
    from sqlalchemy.exc import SQLAlchemyError

    limits = limits or Limits.from_env()
    engine = db.open_db(url)
    runner = make_runner(workers, scheduler, limits)
    try:
        return ingest(paths, engine, runner, force, progress, limits)
    except SQLAlchemyError as e:  # read-only, locked past the busy timeout, disk full: the reason, no traceback
        detail = str(getattr(e, "orig", None) or e).splitlines()[0]
        raise NianbaoError(E_DB, f"数据库无法写入（{detail}），已入库的报告保留") from None
    finally:
        runner.close()
        engine.dispose()
