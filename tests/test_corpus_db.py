"""The schema: made by the migrations shipped in the package, applied on open, equal to the models;
agency names normalised and their regions read."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from nianbao.corpus import db
from nianbao.corpus.agencies import link, normalize, region
from nianbao.corpus.migrations import config, current, head
from nianbao.errors import NianbaoError
from nianbao.web.workspace.db import metadata as workspace
from tests.corpus_support import KINDS, database

MODELS = [db.Base.metadata, workspace]  # the corpus's tables and the web workspace's (revision 0004)


@pytest.mark.parametrize("kind", KINDS)
def test_migrations_make_the_models_schema_on_open(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        engine = db.open_db(url)
        db.open_db(url).dispose()  # a second open finds it at head and does nothing
        with engine.connect() as conn:
            assert current(conn) == head() == "0004"
            diff = compare_metadata(MigrationContext.configure(conn), MODELS)  # type: ignore[arg-type]  # a list works
            assert diff == []
        names = set(inspect(engine).get_table_names())
        assert {"files", "reports", "values", "findings", "alembic_version"} <= names
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
                insert(db.values).values(
                    report_id=report_id, key="applications.new.total", value=3, status="ok", raw="3", loc={"line": 4}
                )
            )
        engine.dispose()
        engine = db.open_db(url)
        with engine.connect() as conn:
            assert current(conn) == "0004"
            (cell,) = db.fetch_report(conn, report_id).cells
        assert cell == ("applications.new.total", 3, "ok", "3", {"line": 4}, None, None, None, None, None, None)
        assert link(engine) == 1
        with engine.begin() as conn:
            command.downgrade(config(conn), "0001")
            assert [c["name"] for c in inspect(conn).get_columns("values")][-1] == "loc"
            assert conn.execute(select(db.values.c.value, db.values.c.raw)).one() == (3, "3")
        engine.dispose()
        engine = db.open_db(url)
        with engine.connect() as conn:
            assert current(conn) == "0004"
            diff = compare_metadata(MigrationContext.configure(conn), MODELS)  # type: ignore[arg-type]  # a list works
            assert diff == []
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
    from nianbao.corpus.worker import PROVENANCE_FIELDS, Cell
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
    assert Cell.of("k", None, prov).provenance() == prov
