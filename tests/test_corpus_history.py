"""Neighbouring years as evidence in the corpus: a 表二 row printed as one run of digits
(规章51640580) is fixed while the agency's years are linked, from the same agency's report of
the year before or after — never another agency's — and stored with its basis, as
``nianbao parse --history`` gives it; the report's own findings and the cross-year checks see the
fixed cells; a rerun, a run cut in the middle of an agency and a corpus ingested in two runs all
end with the same database. On SQLite and PostgreSQL.

The reports (made with tests/layouts.py):
  a-2022  孟津县某某局, readable                    the evidence
  a-2023  孟津区某某局 (same agency: 撤县设区), 表二 flattened: fixed by a-2022
  a-2024  孟津区某某局, 表二 flattened: fixed by a-2023 once that is fixed
  b-2023  某某市另一局, a-2023's numbers flattened: no year of its own, stays unreadable
  c-2023  某某市第三局, flattened: the year after fixes one cell of it
  c-2024  某某市第三局, readable
  e-2022  某某市第五局, readable; e-2023 the same numbers, flattened: once fixed, all are the same
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nianbao.checks import RULES, check_report
from nianbao.corpus import agencies, db
from nianbao.corpus.agencies import normalize
from nianbao.corpus.cells import Cell
from nianbao.corpus.export import export
from nianbao.corpus.history import store_fix
from nianbao.corpus.ingest import run
from nianbao.corpus.progress import Progress
from nianbao.extract.history import with_history
from nianbao.pipeline import parse_file
from nianbao.report import Report
from nianbao.template import load
from tests.corpus_support import KINDS, database, dump
from tests.layouts import flattened_text, layout_text, random_values

T21 = load("2021")
ROWS = ("regulations", "normative_documents")
ACTIVE = [f"active.{row}.{col}" for row in ROWS for col in ("issued", "repealed", "in_force")]
CROSSYEAR = {r.id for r in RULES if r.family == "crossyear"}
Values = dict[str, int | float]


def _chain(seeds: tuple[int, ...]) -> list[Values]:
    """One agency's years: each year's 现行有效件数 = last year's + 制发 − 废止."""
    years = [random_values(T21, s) for s in seeds]
    for last, this in itertools.pairwise(years):
        for row in ROWS:
            this[f"active.{row}.in_force"] = (
                last[f"active.{row}.in_force"] + this[f"active.{row}.issued"] - this[f"active.{row}.repealed"]
            )
    return years


def _same_every_year(seed: int) -> Values:
    """Numbers that can be printed two years running: 制发 = 废止, so 现行有效件数 stays."""
    v = random_values(T21, seed)
    for row in ROWS:
        v[f"active.{row}.repealed"] = v[f"active.{row}.issued"]
    return v


def make_reports(root: Path) -> dict[str, Values]:
    """The files (see the module's doc) and the numbers each one prints."""
    a22, a23, a24 = _chain((12, 11, 15))
    c23, c24 = _chain((11, 12))
    e = _same_every_year(12)
    files = {
        "a-2022": (layout_text, a22, "孟津县某某局", 2022),
        "a-2023": (flattened_text, a23, "孟津区某某局", 2023),
        "a-2024": (flattened_text, a24, "孟津区某某局", 2024),
        "b-2023": (flattened_text, a23, "某某市另一局", 2023),
        "c-2023": (flattened_text, c23, "某某市第三局", 2023),
        "c-2024": (layout_text, c24, "某某市第三局", 2024),
        "e-2022": (layout_text, e, "某某市第五局", 2022),
        "e-2023": (flattened_text, e, "某某市第五局", 2023),
    }
    root.mkdir(parents=True, exist_ok=True)
    for name, (write, values, agency, year) in files.items():
        (root / f"{name}.txt").write_text(write(T21, values, agency, year), encoding="utf-8")
    return {name: spec[1] for name, spec in files.items()}


class Killed(BaseException):
    """The process gone at this point: no handler of the ingest's own catches it."""


def quiet() -> Progress:
    return Progress(io.StringIO(), live=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Values]]:
    root = tmp_path_factory.mktemp("history") / "reports"
    return root, make_reports(root)


@pytest.fixture(scope="module")
def root(made: tuple[Path, dict[str, Values]]) -> Path:
    return made[0]


@pytest.fixture(scope="module")
def truth(made: tuple[Path, dict[str, Values]]) -> dict[str, Values]:
    return made[1]


@pytest.fixture(scope="module")
def parsed(root: Path) -> dict[str, Report]:
    return {p.stem: parse_file(p) for p in sorted(root.glob("*.txt"))}


@pytest.fixture(scope="module")
def expected(parsed: dict[str, Report]) -> dict[str, Report]:
    """Each report as the corpus should store it: fixed by its own agency's neighbouring years
    the way ``nianbao parse --history`` fixes it (the neighbour under this report's name, as the
    corpus knows the agency by its normalised name), a-2024 from a-2023 once that is fixed."""

    def under(other: Report, report: Report) -> Report:
        return other.model_copy(update={"agency": report.agency})

    out = dict(parsed)
    a23 = parsed["a-2023"]
    out["a-2023"] = with_history(a23, [under(parsed["a-2022"], a23), under(parsed["a-2024"], a23)])
    out["a-2024"] = with_history(parsed["a-2024"], [out["a-2023"]])
    out["c-2023"] = with_history(parsed["c-2023"], [parsed["c-2024"]])
    out["e-2023"] = with_history(parsed["e-2023"], [parsed["e-2022"]])
    return out


def content(engine: Any) -> dict[str, Any]:
    """The whole database by content (corpus_support.dump), with every column of every cell."""
    out = dump(engine)
    query = select(db.reports.c.id, db.files.c.sha256).join(db.files, db.files.c.id == db.reports.c.file_id)
    with engine.connect() as conn:
        sha_of_report = {r.id: r.sha256 for r in conn.execute(query)}
        for report_id, cells in db.fetch_cells(conn, list(sha_of_report)).items():
            out[sha_of_report[report_id]]["cells"] = {c.key: c for c in cells}
    return out


def stored(engine: Any, name: str) -> tuple[dict[str, Cell], list[tuple[str, str, str, str, tuple[str, ...]]]]:
    """One file's cells and findings (scope, rule, severity, message, keys), found by its name."""
    with engine.connect() as conn:
        rid = conn.execute(
            select(db.reports.c.id)
            .join(db.files, db.files.c.id == db.reports.c.file_id)
            .where(db.files.c.path.like(f"%/{name}.txt"))
        ).scalar_one()
        cells = {c.key: c for c in db.fetch_report(conn, rid).cells}
        found = conn.execute(
            select(db.findings.c.scope, db.findings.c.rule, db.findings.c.severity, db.findings.c.message)
            .add_columns(db.findings.c["keys"])
            .where(db.findings.c.report_id == rid)
        ).all()
    return cells, sorted((f[0], f[1], f[2], f[3], tuple(f[4])) for f in found)


def _findings(found: list[Any], scope: str) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    return sorted((scope, f.rule, f.severity, f.message, tuple(f.keys)) for f in found)


@pytest.fixture(scope="module")
def reference(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The database of one uninterrupted ingest of the folder, on SQLite."""
    with database("sqlite", tmp_path_factory.mktemp("ref")) as url:
        run([str(root)], url, workers=2, progress=quiet())
        engine = db.open_db(url)
        out = content(engine)
        engine.dispose()
    return out


@pytest.fixture(scope="module", params=KINDS)
def ingested(
    request: pytest.FixtureRequest, root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Any]]:
    with database(request.param, tmp_path_factory.mktemp("db")) as url:
        summary = run([str(root)], url, workers=2, progress=quiet())
        assert (summary.ingested, summary.failed, summary.linked) == (8, 0, 4)
        engine = db.open_db(url)
        yield url, engine
        engine.dispose()


def test_the_reports_are_as_meant(root: Path, parsed: dict[str, Report]) -> None:
    """The premise: a-2022 and a-2023 are one agency by the corpus's name (not by the printed
    one); the flattened rows cannot be read from their own table."""
    assert parsed["a-2022"].agency == "孟津县某某局" and parsed["a-2023"].agency == "孟津区某某局"
    assert normalize(parsed["a-2022"].agency) == normalize(parsed["a-2023"].agency)
    for name in ("a-2023", "a-2024", "b-2023", "e-2023"):
        assert {parsed[name].provenance[k].status for k in ACTIVE} == {"unreadable"}, name
        assert all(parsed[name].provenance[k].candidates_complete for k in ACTIVE), name
    for name in ("a-2022", "c-2024", "e-2022"):
        assert {parsed[name].provenance[k].status for k in ACTIVE} <= {"ok", "blank"}, name


def test_ambiguous_cells_are_fixed_by_last_year(
    ingested: tuple[str, Any], root: Path, truth: dict[str, Values]
) -> None:
    _, engine = ingested
    cells, _ = stored(engine, "a-2023")
    for key in ACTIVE:
        c = cells[key]
        assert c.value == truth["a-2023"][key], key
        assert (c.status, c.basis, c.basis_source) == ("ok", "adjacent_year", str(root / "a-2022.txt")), key
        assert c.candidates is None and c.note and "相邻年度" in c.note and "a-2022.txt" in c.note
        assert c.raw  # what was printed stays
    # and a fixed year fixes the next one
    cells, _ = stored(engine, "a-2024")
    for key in ACTIVE:
        assert cells[key].value == truth["a-2024"][key], key
        assert (cells[key].status, cells[key].basis, cells[key].basis_source) == (
            "ok",
            "adjacent_year",
            str(root / "a-2023.txt"),
        )


def test_the_year_after_fixes_what_it_can(ingested: tuple[str, Any], root: Path, truth: dict[str, Values]) -> None:
    """c-2024's 现行有效件数 fixes c-2023's only: 制发 and 废止 stay unread, their readings kept
    (行政规范性文件's run has more readings than are kept, so no year can choose among them)."""
    _, engine = ingested
    cells, _ = stored(engine, "c-2023")
    fixed = [k for k in ACTIVE if cells[k].status == "ok"]
    assert fixed == ["active.regulations.in_force"]
    c = cells["active.regulations.in_force"]
    assert (c.value, c.basis, c.basis_source) == (truth["c-2023"][c.key], "adjacent_year", str(root / "c-2024.txt"))
    for key in set(ACTIVE) - set(fixed):
        assert cells[key].status == "unreadable" and cells[key].value is None
    for key in ("active.regulations.issued", "active.regulations.repealed"):
        assert cells[key].candidates and cells[key].candidates_complete


def test_another_agencys_report_is_not_used(ingested: tuple[str, Any], parsed: dict[str, Report]) -> None:
    """b-2023 prints a-2023's numbers: a-2022 would fix it, but it is another agency's."""
    _, engine = ingested
    cells, _ = stored(engine, "b-2023")
    for key in ACTIVE:
        assert cells[key].status == "unreadable" and cells[key].basis != "adjacent_year"
        assert cells[key] == Cell.of(key, parsed["b-2023"].values[key], parsed["b-2023"].provenance[key])


def test_stored_reports_are_parse_with_history(ingested: tuple[str, Any], expected: dict[str, Report]) -> None:
    """Every cell with its whole provenance, and every report's own findings, as ``nianbao
    parse --history --check`` gives them; the stored report read back is that Report again."""
    _, engine = ingested
    for name, report in expected.items():
        cells, found = stored(engine, name)
        assert cells == {k: Cell.of(k, v, report.provenance.get(k)) for k, v in report.values.items()}, name
        own = [f for f in check_report(report) if f.rule not in CROSSYEAR]
        assert [f for f in found if f[0] == "report"] == _findings(own, "report"), name
    fixed = expected["a-2023"]
    assert not any(f.rule == "struct.unreadable" and set(f.keys) & set(ACTIVE) for f in check_report(fixed))
    with engine.connect() as conn:
        rid = conn.execute(
            select(db.reports.c.id)
            .join(db.files, db.files.c.id == db.reports.c.file_id)
            .where(db.files.c.path == fixed.source.path)
        ).scalar_one()
        again = db.fetch_report(conn, rid).report()
    assert again.values == fixed.values
    assert {k: p.model_dump() for k, p in again.provenance.items()} == {
        k: p.model_dump() for k, p in fixed.provenance.items()
    }


def test_crossyear_checks_see_the_fixed_cells(ingested: tuple[str, Any], expected: dict[str, Report]) -> None:
    """e-2023 prints e-2022's numbers: once its 表二 is fixed, all 198 are seen to be the same."""
    _, engine = ingested
    for name, last in (("a-2023", "a-2022"), ("a-2024", "a-2023"), ("c-2024", "c-2023"), ("e-2023", "e-2022")):
        _, found = stored(engine, name)
        want = [f for f in check_report(expected[name], previous=expected[last]) if f.rule in CROSSYEAR]
        assert [f for f in found if f[0] == "crossyear"] == _findings(want, "crossyear"), name
    _, found = stored(engine, "e-2023")
    same = [f[3] for f in found if f[1] == "xyear.identical" and "数字" in f[3]]
    assert len(same) == 1 and "全部198个数字" in same[0]


def test_long_export_says_how_each_value_was_fixed(ingested: tuple[str, Any], root: Path, tmp_path: Path) -> None:
    _, engine = ingested
    out = tmp_path / "cells.csv"
    export(engine, "csv", out, "long")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-2:] == ["raw", "basis"]
    basis = {(Path(r["path"]).stem, r["key"]): r["basis"] for r in rows}
    assert basis[("a-2023", "active.regulations.in_force")] == "adjacent_year"
    assert basis[("b-2023", "active.regulations.in_force")] == ""
    assert {basis[("a-2022", k)] for k in ACTIVE} <= {"printed", "arithmetic"}


def test_rerun_leaves_the_same_database(ingested: tuple[str, Any], root: Path, reference: dict[str, Any]) -> None:
    url, engine = ingested
    before = content(engine)
    assert before == reference  # SQLite and PostgreSQL hold the same
    again = run([str(root)], url, workers=1, progress=quiet())
    assert (again.ingested, again.skipped, again.linked) == (0, 8, 0)
    assert content(engine) == before
    # the agency linked again from scratch (as after --force of one of its files): nothing more to fix
    with engine.begin() as conn:
        conn.execute(db.reports.update().values(linked=False))
    assert agencies.link(engine) == 4
    assert content(engine) == before


def test_a_run_cut_while_storing_an_agency_resumes_to_the_same_database(
    root: Path, reference: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the fixed cells were written but before the agency was committed: nothing of
    that agency is kept, and the next run does it as if never cut."""
    real = store_fix

    def cut(*args: Any) -> None:
        real(*args)
        raise Killed  # as sudden as a kill for the transaction: it is never committed

    monkeypatch.setattr(agencies, "store_fix", cut)
    with database("sqlite", tmp_path) as url:
        with pytest.raises(Killed):
            run([str(root)], url, workers=2, progress=quiet())
        monkeypatch.setattr(agencies, "store_fix", real)
        engine = db.open_db(url)
        cells, _ = stored(engine, "a-2023")
        assert {cells[k].status for k in ACTIVE} == {"unreadable"}
        with engine.connect() as conn:
            linked = dict(
                conn.execute(
                    select(db.files.c.path, db.reports.c.linked)
                    .join(db.reports, db.reports.c.file_id == db.files.c.id)
                    .where(db.reports.c.agency_norm == "410308/某某局")
                ).all()
            )
        # a-2022 may have been linked on its own while the ingest went on (nothing of it to fix);
        # the two years that the cut agency's link fixes are not
        assert {Path(p).stem: v for p, v in linked.items() if not p.endswith("a-2022.txt")} == {
            "a-2023": False,
            "a-2024": False,
        }
        resumed = run([str(root)], url, workers=2, progress=quiet())
        assert (resumed.ingested, resumed.skipped) == (0, 8)
        assert content(engine) == reference
        engine.dispose()


def test_years_ingested_in_two_runs_end_the_same(root: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    """a-2024 cannot be fixed before a-2023 is there; when it comes, both are fixed, as in one run."""
    with database("sqlite", tmp_path) as url:
        first = [str(root / f"{n}.txt") for n in ("a-2022", "a-2024", "c-2024")]
        run(first, url, workers=1, progress=quiet())
        engine = db.open_db(url)
        cells, _ = stored(engine, "a-2024")
        assert {cells[k].status for k in ACTIVE} == {"unreadable"}
        run([str(root)], url, workers=2, progress=quiet())
        assert content(engine) == reference
        engine.dispose()
