"""The ingest on a corpus made from the real samples (changed numbers, agencies and years, broken
files, a duplicate), on SQLite and on PostgreSQL: every file accounted for, the database equal to
the parsed JSON, the years linked, a second run idle, --force the same again."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nianbao.checks import RULES, check_report
from nianbao.corpus import db
from nianbao.corpus.agencies import normalize, region
from nianbao.corpus.ingest import run
from nianbao.corpus.progress import Progress
from tests.corpus_support import KINDS, Expected, corpus, database, dump, expected, previous_of, shared_root

CROSSYEAR = {r.id for r in RULES if r.family == "crossyear"}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_root(tmp_path_factory)


@pytest.fixture(scope="module", params=KINDS)
def ingested(
    request: pytest.FixtureRequest, root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, ...]]:
    with database(request.param, tmp_path_factory.mktemp("db")) as url:
        log = io.StringIO()
        summary = run([str(root)], url, workers=2, progress=Progress(log, live=False))
        engine = db.open_db(url)
        yield url, engine, summary, log.getvalue()
        engine.dispose()


def test_every_file_is_accounted_for(ingested: tuple[Any, ...], root: Path) -> None:
    _, engine, summary, log = ingested
    exp = expected(root)
    assert summary.files == len(corpus(root).files) == 31
    assert (summary.ingested, summary.failed, summary.duplicates, summary.skipped) == (26, 4, 1, 0)
    with engine.connect() as conn:
        rows = {r.sha256: r for r in conn.execute(select(db.files))}
    assert set(rows) == set(exp.reports) | set(exp.failures)
    assert {rows[s].status for s in exp.reports} == {"ok"}
    failed = {Path(rows[s].path).name: (rows[s].status, rows[s].error_code, rows[s].error) for s in exp.failures}
    assert failed == {
        "empty.txt": ("failed", "E_EMPTY", "文件为空"),
        "garbage.pdf": ("failed", "E_BINARY", exp.failures[_sha(exp, "garbage.pdf")].reason),
        "notice.txt": ("failed", "E_NOT_REPORT", "不是政府信息公开工作年度报告（未找到章节和表格）"),
        "truncated.md": ("failed", "E_BINARY", exp.failures[_sha(exp, "truncated.md")].reason),
    }
    assert "empty.txt: 文件为空 (E_EMPTY)" in log and "31/31 个文件（100%）" in log


def _sha(exp: Expected, name: str) -> str:
    return next(s for s, p in exp.paths.items() if p.endswith(name))


def test_cells_and_sums_equal_the_parsed_json(ingested: tuple[Any, ...], root: Path) -> None:
    _, engine, *_ = ingested
    exp = expected(root)
    content = dump(engine)
    for sha, report in exp.reports.items():
        got = content[sha]
        assert got["report"]["agency"] == report.agency and got["report"]["year"] == report.year
        assert got["report"]["template"] == report.template
        assert got["file"]["format"] == report.source.format and got["file"]["size"] == report.source.size
        assert {k: v[0] for k, v in got["values"].items()} == report.values
        assert {k: v[1] for k, v in got["values"].items()} == {k: p.status for k, p in report.provenance.items()}
        assert {k: v[2] for k, v in got["values"].items()} == {k: p.raw for k, p in report.provenance.items()}
        own = sorted((f.rule, f.severity, f.message) for f in check_report(report) if f.rule not in CROSSYEAR)
        assert sorted(f[1:4] for f in got["findings"] if f[0] == "report") == own
    with engine.connect() as conn:
        ids = list(conn.execute(select(db.reports.c.id)).scalars())
        stored = [c for cells in db.fetch_cells(conn, ids).values() for c in cells]
    n_values, total = len(stored), sum(c.value or 0 for c in stored)
    new_total = sum(c.value or 0 for c in stored if c.key == "applications.new.total")
    assert n_values == sum(len(r.values) for r in exp.reports.values()) == 25 * 200 + 198
    assert total == pytest.approx(sum(v or 0 for r in exp.reports.values() for v in r.values.values()))
    assert new_total == sum(r.values["applications.new.total"] or 0 for r in exp.reports.values())
    assert new_total > 500  # the generated numbers are in, not only the samples' zeros


def test_agencies_are_linked_across_years_with_crossyear_findings(ingested: tuple[Any, ...], root: Path) -> None:
    _, engine, summary, _ = ingested
    exp = expected(root)
    content = dump(engine)
    mengjin = {c["report"]["agency"]: c["report"] for c in content.values() if "report" in c}
    # one agency across the renaming 孟津县 → 孟津区 (the registry's 410308), each name kept as written
    assert mengjin["孟津县科技和工业信息化局"]["agency_norm"] == "410308/科技和工业信息化局"
    assert mengjin["洛阳市孟津区科技和工业信息化局"]["agency_norm"] == "410308/科技和工业信息化局"
    assert mengjin["洛阳市孟津区科技和工业信息化局"]["region"] == "河南省/洛阳市/孟津区"
    assert mengjin["孟津县科技和工业信息化局"]["region"] == "河南省/洛阳市/孟津区"
    assert summary.linked == len({normalize(r.agency) for r in exp.reports.values()}) == 11
    carry = 0
    for sha, report in exp.reports.items():
        got = content[sha]
        assert got["report"]["agency_norm"] == normalize(report.agency)
        assert got["report"]["region"] == region(report.agency)
        assert got["report"]["linked"] is True
        prev = previous_of(exp, sha)
        assert got["report"]["previous"] == prev
        want = []
        if prev is not None:
            found = check_report(report, previous=exp.reports[prev])
            want = sorted((f.rule, f.severity, f.message) for f in found if f.rule in CROSSYEAR)
        assert sorted(f[1:4] for f in got["findings"] if f[0] == "crossyear") == want
        carry += sum(1 for f in want if f[0] == "xyear.carry")
    assert sum(1 for c in content.values() if c.get("report", {}).get("previous")) == 15
    assert carry > 0


def test_second_run_skips_everything_and_force_redoes_it_the_same(ingested: tuple[Any, ...], root: Path) -> None:
    url, engine, *_ = ingested
    before = dump(engine)
    again = run([str(root)], url, workers=1, progress=Progress(io.StringIO(), live=False))
    assert (again.ingested, again.failed, again.skipped, again.duplicates, again.linked) == (0, 0, 30, 1, 0)
    assert dump(engine) == before
    forced = run([str(root / "2021")], url, workers=1, force=True, progress=Progress(io.StringIO(), live=False))
    assert (forced.ingested, forced.skipped) == (5, 0)
    assert forced.linked == 5  # the five agencies whose 2021 report came again
    assert dump(engine) == before
