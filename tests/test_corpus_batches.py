"""The ingest at the machine's limit: files committed a batch at a time, years linked as the
batches come (the cross-year rules alone, on the reports as the workers made them), workers one
per core. Whatever the batches, the database ends the same as one batch gives it — equal to the
reports parsed and checked one by one (test_corpus_ingest) — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nianbao.checks import RULES, check_report
from nianbao.checks import crossyear as crossyear_family
from nianbao.corpus import db, default_workers, ingest
from nianbao.corpus.agencies import Linker, link_names, normalize
from nianbao.corpus.ingest import Batching, Summary, _Batch, run
from nianbao.corpus.progress import Progress
from nianbao.corpus.worker import Job, crossyear_findings, process, unpack
from nianbao.report import Provenance, Report
from tests.corpus_support import KINDS, corpus, database, dump, expected, previous_of, shared_root

CROSSYEAR = {r.id for r in RULES if r.family == "crossyear"}


def quiet() -> Progress:
    return Progress(io.StringIO(), live=False)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_root(tmp_path_factory)


@pytest.fixture(scope="module")
def one_batch(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The database of a run that commits every file in one batch."""
    with database("sqlite", tmp_path_factory.mktemp("one")) as url:
        engine = db.open_db(url)
        runner = ingest.make_runner(2, None)
        try:
            ingest.ingest(
                [str(root)], engine, runner, progress=quiet(), batching=Batching(reports=10_000, seconds=3600)
            )
        finally:
            runner.close()
        out = dump(engine)
        engine.dispose()
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_batches_of_one_file_link_years_as_they_come_and_end_as_one_batch(
    kind: str, root: Path, one_batch: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file its own batch: every agency is linked while the files come (its pairs checked
    on the workers between the files) but the one with cells that another year may fix, left
    to the link at the end, and the database is the one that a single batch makes."""
    exp = expected(root)
    fixable = {
        normalize(r.agency)
        for r in exp.reports.values()
        if any(p.status == "unreadable" and p.candidates_complete for p in r.provenance.values())
    }
    assert fixable == {"平潭综合实验区"}
    left: list[list[str]] = []
    real = link_names  # the one ingest calls, replaced there below

    def final(*args: Any) -> list[str]:
        names = real(*args)
        left.append(names)
        return names

    monkeypatch.setattr(ingest, "link_names", final)
    with database(kind, tmp_path) as url:
        summary = run([str(root)], url, workers=2, progress=quiet(), batching=Batching(reports=1))
        assert (summary.ingested, summary.failed, summary.duplicates) == (26, 4, 1)
        assert summary.linked == 11  # every agency, each counted once
        assert left == [sorted(n for n in fixable if n is not None)]
        engine = db.open_db(url)
        assert dump(engine) == one_batch
        engine.dispose()


def test_reports_made_by_the_worker_are_those_read_back(root: Path, tmp_path: Path) -> None:
    """What the cross-year checks get from a worker (``Parsed.stored``) is what the database
    gives back of the same report (``fetch_report``), so that linking as the reports come and
    linking from the database find the same."""
    exp = expected(root)
    with database("sqlite", tmp_path) as url:
        run([str(root)], url, workers=1, progress=quiet())
        engine = db.open_db(url)
        with engine.connect() as conn:
            ids = dict(conn.execute(select(db.files.c.sha256, db.reports.c.id).join(db.reports)).all())
            for sha, path in exp.paths.items():
                if sha not in exp.reports:
                    continue
                data = Path(path).read_bytes()
                outcome = process(Job(path, hashlib.sha256(data).hexdigest(), data))
                assert outcome.parsed is not None
                assert unpack(outcome.parsed.stored) == db.fetch_report(conn, ids[sha]), path
        engine.dispose()


def test_crossyear_rules_alone_find_what_check_report_finds(root: Path) -> None:
    """The linking runs the cross-year rules alone: the same findings, in the same order and with
    the same places, as ``check_report`` gives of them (none of another family is cross-year)."""
    assert {r.id for r in crossyear_family.RULES} == CROSSYEAR
    exp = expected(root)
    pairs = [(sha, prev) for sha in exp.reports if (prev := previous_of(exp, sha)) is not None]
    assert len(pairs) == 15
    for sha, prev in pairs:
        report, previous = exp.reports[sha], exp.reports[prev]
        want = [f for f in check_report(report, previous=previous) if f.rule in CROSSYEAR]
        assert want  # xyear.compared at least
        assert crossyear_findings(report, previous) == want


def test_a_batch_with_a_file_stored_meanwhile_is_stored_file_by_file(root: Path, tmp_path: Path) -> None:
    """Another run stored one of the batch's files meanwhile: the others are stored, that one
    counted as already there, nothing twice."""
    files = sorted(corpus(root).files)[:3]
    outcomes = []
    for path in files:
        data = path.read_bytes()
        outcomes.append(process(Job(str(path), hashlib.sha256(data).hexdigest(), data)))
    assert all(o.parsed is not None for o in outcomes)
    with database("sqlite", tmp_path) as url:
        engine = db.open_db(url)
        with engine.begin() as conn:
            db.insert_file(conn, outcomes[1].source, "ok")  # the other run's
        summary = Summary(files=3)
        batch = _Batch(engine, False, summary, quiet(), Linker(engine), Batching(reports=10))
        for o in outcomes:
            batch.add(o)
        batch.flush()
        assert (summary.ingested, summary.skipped) == (2, 1)
        with engine.connect() as conn:
            stored = sorted(conn.execute(select(db.files.c.path)).scalars())
            n_reports = len(conn.execute(select(db.reports.c.id)).all())
        assert stored == sorted(str(p) for p in files) and n_reports == 2
        engine.dispose()


def test_batching_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Batching.from_env() == Batching(reports=200, seconds=0.5)
    monkeypatch.setenv("NIANBAO_INGEST_BATCH", "4")
    monkeypatch.setenv("NIANBAO_INGEST_BATCH_SECONDS", "2.5")
    assert Batching.from_env() == Batching(reports=4, seconds=2.5)


def test_default_workers_are_the_cores_this_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_workers() == len(os.sched_getaffinity(0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5})
    assert default_workers() == 3
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert default_workers() == 6


def test_a_stored_report_is_built_as_validation_builds_it(root: Path) -> None:
    """``StoredReport.report()`` builds its models without validation (and its cells' provenance
    without model_construct's look-ups): what it builds is what validating the same data builds."""
    exp = expected(root)
    for sha, path in exp.paths.items():
        if sha not in exp.reports:
            continue
        data = Path(path).read_bytes()
        parsed = process(Job(path, sha, data)).parsed
        assert parsed is not None
        built = unpack(parsed.stored).report()
        validated = Report.model_validate(built.model_dump(by_alias=True))
        assert built == validated, path
        assert built.model_dump() == validated.model_dump(), path
        for key, prov in built.provenance.items():
            assert prov.model_fields_set == validated.provenance[key].model_fields_set == set(Provenance.model_fields)
