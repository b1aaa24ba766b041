"""Exports read back equal to what was parsed: CSV, Excel, Parquet and JSON Lines, wide and long,
with findings as their own table; SQLite and PostgreSQL give the same files."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nianbao.corpus import db
from nianbao.corpus.export import REPORT_COLUMNS, cell_columns, export
from nianbao.template import load
from tests.corpus_support import KINDS, PG_ENV, Expected, database, expected, fill, shared_root

FORMATS = ["csv", "xlsx", "parquet", "jsonl"]
COLUMNS = [*REPORT_COLUMNS, *cell_columns([load("2021"), load("2019")])]


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    return expected(shared_root(tmp_path_factory))


@pytest.fixture(scope="module", params=KINDS)
def engine(request: pytest.FixtureRequest, exp: Expected, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with database(request.param, tmp_path_factory.mktemp("db")) as url:
        fill(url, exp)
        eng = db.open_db(url)
        yield eng
        eng.dispose()


def read_table(path: Path, fmt: str, sheet: str | None = None) -> list[dict[str, Any]]:
    """The rows of an exported table as dicts (empty CSV cells → None; numbers as numbers)."""
    if fmt == "csv":
        kinds = {c.name: c.kind for c in COLUMNS} | {"value": "num"}
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [{k: _num(v, kinds.get(k, "str")) for k, v in row.items()} for row in csv.DictReader(f)]
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if fmt == "parquet":
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        table: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        return table
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True)[sheet or "报告"]
    rows = list(ws.iter_rows(values_only=True))
    width = len(rows[1])  # a row's empty cells at the end are not stored
    names = [str(n) for n in rows[1]]
    return [dict(zip(names, (*r, *[None] * (width - len(r))), strict=True)) for r in rows[2:]]


def _num(text: str, kind: str) -> Any:
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind in ("float", "num"):
        return float(text)
    return text


def _findings_file(out: Path, fmt: str) -> Path:
    return out if fmt == "xlsx" else out.with_name(f"{out.stem}.findings{out.suffix}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_wide_export_reads_back_equal(engine: Any, exp: Expected, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"corpus.{fmt}"
    written = export(engine, fmt, out, "wide")  # type: ignore[arg-type]
    assert written[0] == out and written[-1] == _findings_file(out, fmt)
    rows = read_table(out, fmt)
    assert len(rows) == len(exp.reports) == 26
    assert list(rows[0]) == [c.name for c in COLUMNS]
    for row in rows:
        report = exp.reports[row["sha256"]]
        assert (row["agency"], row["year"], row["template"]) == (report.agency, report.year, report.template)
        cells = {k: row[k] for k in report.values}
        assert cells == report.values
        assert all(row[k] is None for k in row if "." in k and k not in report.values)
        if fmt in ("parquet", "jsonl") and report.template == "2021":  # typed: counts int, amounts decimal
            assert isinstance(row["applications.new.total"], int) and isinstance(row["active.fees.amount"], float)
    # ordered by agency, then year
    order = [(r["agency_norm"] or "\uffff", r["year"] or 0) for r in rows]
    assert order == sorted(order)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])  # Excel: below
def test_long_export_and_findings_read_back_equal(engine: Any, exp: Expected, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"cells.{fmt}"
    export(engine, fmt, out, "long")  # type: ignore[arg-type]
    rows = read_table(out, fmt, "单元格")
    assert len(rows) == sum(len(r.values) for r in exp.reports.values()) == 25 * 200 + 198
    got = {(r["sha256"], r["key"]): (r["value"], r["status"], r["raw"] or "", r["basis"] or "") for r in rows}
    want = {
        (sha, key): (report.values[key], prov.status, prov.raw or "", prov.basis or "")
        for sha, report in exp.reports.items()
        for key, prov in report.provenance.items()
    }
    assert got == want
    described = {r["key"]: r["label"] for r in rows}
    assert described["applications.new.total"] == "表三“一、本年新收政府信息公开申请数量”行“总计”列"

    found = read_table(_findings_file(out, fmt), fmt, "检查发现")
    with engine.connect() as conn:
        stored = conn.execute(db.findings.select()).all()
    assert len(found) == len(stored) > 0
    assert {(f["sha256"], f["rule"], f["message"]) for f in found} == {
        (exp_sha, f.rule, f.message) for exp_sha, f in _stored_findings(engine)
    }


def _stored_findings(engine: Any) -> list[tuple[str, Any]]:
    from sqlalchemy import select

    q = (
        select(db.files.c.sha256, db.findings.c.rule, db.findings.c.message)
        .join(db.reports, db.reports.c.id == db.findings.c.report_id)
        .join(db.files, db.files.c.id == db.reports.c.file_id)
    )
    with engine.connect() as conn:
        return [(r.sha256, r) for r in conn.execute(q)]


def test_excel_has_chinese_headers_and_frozen_panes(engine: Any, exp: Expected, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "corpus.xlsx"
    export(engine, "xlsx", out, "wide")
    wb = load_workbook(out)
    assert wb.sheetnames == ["报告", "检查发现"]
    ws = wb["报告"]
    assert ws.freeze_panes == "C3"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["机关名称", "年度", "地区"]
    assert header[len(REPORT_COLUMNS)] == "表二“规章”行“本年制发件数”列"
    assert [c.value for c in ws[2]][len(REPORT_COLUMNS)] == "active.regulations.issued"
    assert ws[1][0].font.bold
    assert wb["检查发现"].freeze_panes == "C3"
    if engine.dialect.name == "sqlite":  # the long sheet (slow to read; PostgreSQL's bytes are the same)
        export(engine, "xlsx", out, "long")
        rows = read_table(out, "xlsx", "单元格")
        assert len(rows) == 25 * 200 + 198
        for row in rows[::97]:
            report = exp.reports[row["sha256"]]
            assert (row["value"], row["status"]) == (report.values[row["key"]], report.provenance[row["key"]].status)


@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=PG_ENV)
def test_sqlite_and_postgresql_export_the_same_bytes(exp: Expected, tmp_path: Path) -> None:
    outputs: dict[str, list[bytes]] = {}
    for kind in ("sqlite", "postgresql"):
        with database(kind, tmp_path) as url:
            fill(url, exp)
            engine = db.open_db(url)
            files = export(engine, "csv", tmp_path / f"{kind}.csv", "wide")
            files += export(engine, "jsonl", tmp_path / f"{kind}.jsonl", "long")
            outputs[kind] = [f.read_bytes() for f in files]
            engine.dispose()
    assert outputs["sqlite"] == outputs["postgresql"]


def test_a_count_that_is_not_whole_is_exported_as_printed_not_truncated() -> None:
    from nianbao.corpus.export import typed

    assert typed(3.0, "int") == 3 and isinstance(typed(3.0, "int"), int)
    assert typed(1.5, "int") == 1.5
    assert typed(None, "int") is None and typed(2.25, "float") == 2.25
