"""The schema: made by the migrations shipped in the package, applied on open, equal to the models;
agency names normalised and their regions read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Boolean, Double, Integer, String, Text, column, insert, inspect, select, table

from nianbao.corpus import db
from nianbao.corpus.agencies import link, normalize, region
from nianbao.corpus.migrations import config, current, head
from nianbao.errors import NianbaoError
from nianbao.web.workspace.db import metadata as workspace
from tests.corpus_support import KINDS, database

MODELS = [db.Base.metadata, workspace]  # the corpus's tables and the web workspace's (revision 0004)
# the table of a row per cell that revisions 0001–0004 kept (0005 folds it into ``cells``)
OLD_VALUES = table(
    "values",
    column("report_id", Integer),
    column("key", String),
    column("value", Double),
    column("status", String),
    column("raw", Text),
    column("loc", JSON(none_as_null=True)),
    column("note", Text),
    column("candidates", JSON(none_as_null=True)),
    column("candidates_complete", Boolean),
    column("basis", String),
    column("basis_source", Text),
    column("confidence", Double),
)


@pytest.mark.parametrize("kind", KINDS)
def test_migrations_make_the_models_schema_on_open(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        engine = db.open_db(url)
        db.open_db(url).dispose()  # a second open finds it at head and does nothing
        with engine.connect() as conn:
            assert current(conn) == head() == "0005"
            diff = compare_metadata(MigrationContext.configure(conn), MODELS)  # type: ignore[arg-type]  # a list works
            assert diff == []
        names = set(inspect(engine).get_table_names())
        assert {"files", "reports", "cells", "findings", "alembic_version"} <= names
        assert "values" not in names
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_a_database_of_0001_keeps_its_cells_through_0002_and_back(kind: str, tmp_path: Path) -> None:
    """A corpus stored before cells kept their provenance opens as before: the new columns
    empty, the report read back and linked; 0002 undone and done again."""
    with database(kind, tmp_path) as url:
        engine = db.make_engine(url)
        with engine.begin() as conn:
            command.upgrade(config(conn), "0001")
            file_id = conn.execute(
                insert(db.files).values(
                    sha256="0" * 64, path="old.txt", format="text", size=1, status="ok", ingested_at=db.now()
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            report_id = conn.execute(
                insert(db.reports).values(
                    file_id=file_id,
                    agency="某某局",
                    agency_norm="某某局",
                    year=2022,
                    template="2021",
                    sections=[],
                    linked=False,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            conn.execute(
                insert(OLD_VALUES).values(
                    report_id=report_id, key="applications.new.total", value=3, status="ok", raw="3", loc={"line": 4}
                )
            )
        engine.dispose()
        engine = db.open_db(url)
        with engine.connect() as conn:
            assert current(conn) == head()
            (cell,) = db.fetch_report(conn, report_id).cells
        assert cell == ("applications.new.total", 3, "ok", "3", {"line": 4}, None, None, None, None, None, None)
        assert link(engine) == 1
        with engine.begin() as conn:
            command.downgrade(config(conn), "0001")
            assert [c["name"] for c in inspect(conn).get_columns("values")][-1] == "loc"
            assert conn.execute(select(OLD_VALUES.c.value, OLD_VALUES.c.raw)).one() == (3, "3")
        engine.dispose()
        engine = db.open_db(url)
        with engine.connect() as conn:
            assert current(conn) == head()
            diff = compare_metadata(MigrationContext.configure(conn), MODELS)  # type: ignore[arg-type]  # a list works
            assert diff == []
        engine.dispose()


OLD_CELLS: list[dict[str, Any]] = [
    {"key": "applications.new.total", "value": 3.0, "status": "ok", "raw": "3", "loc": {"line": 4}, "basis": "printed"},
    {
        "key": "applications.results.granted",
        "value": None,
        "status": "unreadable",
        "raw": "1 2",
        "loc": {"line": 9, "page": 2},
        "note": "一串数字",
        "candidates": [{"applications.results.granted": 12}, {"applications.results.granted": 1}],
        "candidates_complete": True,
        "confidence": 0.5,
    },
    {"key": "fees.amount", "value": 1.5, "status": "ok", "raw": "1.5", "basis": "adjacent_year", "basis_source": "x"},
]


@pytest.mark.parametrize("kind", KINDS)
def test_cells_stored_as_rows_before_0005_are_one_object_after_and_rows_again_on_downgrade(
    kind: str, tmp_path: Path
) -> None:
    """Issue 16: 0005 folds a report's rows of ``values`` into one ``cells`` object — every field
    kept, the report marked fixable when a cell has its complete candidates — and back."""
    from nianbao.corpus.history import has_open_cells

    with database(kind, tmp_path) as url:
        engine = db.make_engine(url)
        with engine.begin() as conn:
            command.upgrade(config(conn), "0004")
            ids = []
            for n in range(2):
                file_id = conn.execute(
                    insert(db.files).values(
                        sha256=str(n) * 64, path=f"{n}.txt", format="text", size=1, status="ok", ingested_at=db.now()
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
                ids.append(
                    conn.execute(
                        insert(db.reports).values(
                            file_id=file_id, agency="某某局", year=2022 + n, template="2021", sections=[], linked=True
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
                )
            fields = [name for name in OLD_VALUES.c.keys() if name != "report_id"]  # noqa: SIM118  # names, not columns
            rows = [{"report_id": ids[0], **{f: c.get(f) for f in fields}} for c in OLD_CELLS]
            conn.execute(insert(OLD_VALUES), [*rows, {**rows[0], "report_id": ids[1]}])
        engine.dispose()
        engine = db.open_db(url)
        with engine.connect() as conn:
            got = {c.key: c for c in db.fetch_report(conn, ids[0]).cells}
            fixable: dict[int, bool] = {r[0]: r[1] for r in conn.execute(select(db.reports.c.id, has_open_cells()))}
            raw = conn.execute(select(db.cells.c.data).where(db.cells.c.report_id == ids[1])).scalar_one()
        assert fixable == {ids[0]: True, ids[1]: False}
        for c in OLD_CELLS:
            assert got[str(c["key"])]._asdict() == {name: c.get(name) for name in got[str(c["key"])]._fields}
        # counts as integers, empty fields left out
        assert raw == {
            "applications.new.total": {"value": 3, "status": "ok", "raw": "3", "loc": {"line": 4}, "basis": "printed"}
        }
        with engine.begin() as conn:
            command.downgrade(config(conn), "0004")
            back = conn.execute(select(OLD_VALUES).where(OLD_VALUES.c.report_id == ids[0])).mappings().all()
        assert sorted(({k: v for k, v in r.items() if k != "report_id"} for r in back), key=lambda r: r["key"]) == [
            {name: c.get(name) for name in fields} for c in OLD_CELLS
        ]
        engine.dispose()
        engine = db.open_db(url)
        with engine.connect() as conn:
            assert {c.key for c in db.fetch_report(conn, ids[0]).cells} == {c["key"] for c in OLD_CELLS}
        engine.dispose()


def test_plain_postgresql_url_goes_through_psycopg() -> None:
    assert db.engine_url("postgresql://u:p@127.0.0.1:5432/x") == "postgresql+psycopg://u:p@127.0.0.1:5432/x"
    assert db.engine_url("sqlite:///a.sqlite") == "sqlite:///a.sqlite"


def test_unreachable_database_is_an_error_with_a_reason() -> None:
    with pytest.raises(NianbaoError) as e:
        db.open_db("postgresql://nobody@127.0.0.1:1/none")
    assert e.value.code == "E_DB" and "无法打开数据库" in e.value.reason


@pytest.mark.parametrize(
    ("name", "norm", "where"),
    [
        # places the registry knows: the 行政区划代码 and the office (a renaming followed, 县 kept in the name)
        ("孟津区科技和工业信息化局", "410308/科技和工业信息化局", "河南省/洛阳市/孟津区"),
        ("孟津县 科技和工业信息化局", "410308/科技和工业信息化局", "河南省/洛阳市/孟津区"),
        ("洛阳市孟津区科技和工业信息化局", "410308/科技和工业信息化局", "河南省/洛阳市/孟津区"),
        ("哈尔滨市阿城区工业信息科技局", "230112/工业信息科技局", "黑龙江省/哈尔滨市/阿城区"),
        ("西工区科学技术局（区知识产权局）", "410303/科学技术局", "河南省/洛阳市/西工区"),
        ("中共新安县委宣传部", "410323/中共委宣传部", "河南省/洛阳市/新安县"),
        ("新疆维吾尔自治区乌鲁木齐市天山区教育局", "650102/教育局", "新疆维吾尔自治区/乌鲁木齐市/天山区"),
        ("长白朝鲜族自治县民政局", "220623/民政局", "吉林省/白山市/长白朝鲜族自治县"),
        # places it does not know: the name folded, its level never changed
        ("ＸＸ区　城市管理局", "XX区城市管理局", "XX区"),
        ("某某县某某局", "某某县某某局", "某某县"),
        ("平潭综合实验区", "平潭综合实验区", "平潭综合实验区"),
        ("区工业信息科技局", "区工业信息科技局", None),
        ("城市管理局", "城市管理局", None),
    ],
)
def test_agency_names_normalised(name: str, norm: str, where: str | None) -> None:
    assert normalize(name) == norm
    assert region(name) == where


def test_findings_keep_their_scope_and_where(tmp_path: Path) -> None:
    """A reading gap stored in the corpus is read back as a reading gap, with its place."""
    from nianbao.checks import check_report
    from nianbao.corpus.agencies import agency as agency_of
    from nianbao.pipeline import parse_file
    from nianbao.web.corpus import detail

    variant = Path(__file__).parent / "fixtures" / "variants" / "official-big-pdftotext.txt"
    report = parse_file(variant)
    report = report.model_copy(update={"findings": check_report(report)})
    engine = db.open_db(f"sqlite:///{tmp_path / 'c.sqlite'}")
    with engine.begin() as conn:
        file_id = db.insert_file(conn, report.source, "ok")
        found = agency_of(report.agency)
        report_id = db.insert_report(conn, file_id, report, found.norm if found else None, None)
    stored = detail(engine, report_id).findings
    gaps = [f for f in stored if f.scope == "reading"]
    assert gaps and all(f.rule == "struct.unreadable" for f in gaps)
    assert {(f.rule, f.where) for f in gaps} == {(f.rule, f.where) for f in report.findings if f.scope == "reading"}


def test_the_database_keeps_every_key_of_a_cells_provenance() -> None:
    from nianbao.corpus.cells import PROVENANCE_FIELDS, Cell, decode, encode, fixable
    from nianbao.report import Provenance

    assert set(PROVENANCE_FIELDS) == set(Provenance.model_fields)
    prov = Provenance(
        raw="1 2",
        status="unreadable",
        loc={"line": 3},
        note="n",
        candidates=[{"a": 1}],
        confidence=0.5,
        basis="arithmetic",
        basis_source="s",
        candidates_complete=True,
    )
    cell = Cell.of("k", None, prov)
    assert cell.provenance() == prov
    # through the stored JSON and back, every field the same; a cell without them keeps none
    plain = Cell.of("m", 4, Provenance(raw="4", status="ok", loc={}, basis="printed"))
    assert decode(encode([cell, plain])) == [cell, plain]
    assert encode([plain]) == '{"m":{"value":4,"status":"ok","raw":"4","basis":"printed"}}'
    assert fixable([cell]) and not fixable([plain])
