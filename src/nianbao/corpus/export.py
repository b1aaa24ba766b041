"""The corpus out of the database, for spreadsheets and data tools: CSV, Excel, Parquet, JSON Lines.

``wide``: one row per report, one column per cell key (every key of every template in the
corpus, in template order). ``long``: one row per cell, with its status, printed text and how its
value was fixed (``basis``: printed, arithmetic, adjacent_year — to filter what was deduced).
Findings are their own table: a sheet of the workbook, or a file beside the output
(``out.findings.csv``). Rows are read from the database a batch at a time and written as they
come, so memory stays flat however large the corpus.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from nianbao.corpus.cells import Cell
from nianbao.corpus.db import cell_order, fetch_cells, files, findings, reports
from nianbao.errors import E_DATA, E_IO, NianbaoError
from nianbao.template import Template, available, load

Format = Literal["csv", "xlsx", "parquet", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "jsonl")
BATCH = 500
ROW_GROUP_VALUES = 250_000
# the same order on every database (SQLite puts NULL first, PostgreSQL last, unless told)
ORDER = (reports.c.agency_norm.asc().nulls_last(), reports.c.year.asc().nulls_last(), files.c.sha256)
EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class Column:
    """An output column: its machine name, its Chinese header and its type."""

    name: str
    label: str
    kind: Literal["str", "int", "float"]


# who each row is about: the same in both shapes
REPORT_COLUMNS: tuple[Column, ...] = (
    Column("agency", "机关名称", "str"),
    Column("year", "年度", "int"),
    Column("region", "地区", "str"),
    Column("agency_norm", "机关标识（行政区划代码/机关，或名称）", "str"),
    Column("template", "格式版本", "str"),
    Column("path", "文件", "str"),
    Column("sha256", "文件SHA-256", "str"),
)
CELL_COLUMNS: tuple[Column, ...] = (
    Column("key", "单元格键", "str"),
    Column("label", "单元格", "str"),
    Column("value", "数值", "float"),
    Column("status", "读取状态", "str"),
    Column("raw", "原文", "str"),
    Column("basis", "取值依据", "str"),
)
FINDING_COLUMNS: tuple[Column, ...] = (
    *REPORT_COLUMNS,
    Column("rule", "规则", "str"),
    Column("severity", "严重程度", "str"),
    Column("scope", "范围", "str"),
    Column("message", "说明", "str"),
    Column("keys", "涉及单元格", "str"),
    Column("loc", "位置", "str"),
)


@dataclass(frozen=True)
class Table:
    """One table of the export: its columns and a stream of rows (dicts by column name)."""

    name: str
    label: str
    columns: tuple[Column, ...]
    rows: Iterator[dict[str, Any]]


def corpus_templates(conn: Connection) -> list[Template]:
    used = set(conn.execute(select(reports.c.template).distinct()).scalars())
    return [load(v) for v in available() if v in used]


def cell_columns(templates: list[Template]) -> list[Column]:
    """Every cell key of the corpus's templates, once, newest template first; the header is the
    cell's Chinese description from the template."""
    out: dict[str, Column] = {}
    for t in templates:
        for table in t.tables:
            for _, _, col, key in table.cells():
                out.setdefault(key, Column(key, t.describe(key), "float" if col.kind == "decimal" else "int"))
    return list(out.values())


def _report_rows(conn: Connection, where: ColumnElement[bool] | None = None) -> Iterator[list[Any]]:
    """Reports in a stable order (agency, year, content), a batch at a time; only those ``where``
    holds when given (a selection of the web's corpus page)."""
    query = (
        select(reports.c.id, *(c for c in _report_cols())).join(files, files.c.id == reports.c.file_id).order_by(*ORDER)
    )
    if where is not None:
        query = query.where(where)
    batch: list[Any] = []
    for row in conn.execute(query.execution_options(yield_per=BATCH)):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _report_cols() -> list[Any]:
    return [files.c[c.name] if c.name in ("path", "sha256") else reports.c[c.name] for c in REPORT_COLUMNS]


def _cells(conn: Connection, batch: list[Any]) -> dict[int, list[Cell]]:
    """The cells of a batch of reports, each report's in its template's order."""
    out = fetch_cells(conn, [r.id for r in batch])
    for r in batch:
        order = cell_order(r.template)
        out[r.id].sort(key=partial(_cell_rank, order))
    return out


def _cell_rank(order: dict[str, int], cell: Cell) -> tuple[int, str]:
    """A cell's place in its template's order; cells the template does not have come last."""
    return (order.get(cell.key, len(order)), cell.key)


def typed(value: float | None, kind: str) -> int | float | None:
    """A stored number as its column's type: a count as an int — unless it is not whole (a count
    printed as 1.5 stays 1.5, never truncated)."""
    if value is None:
        return None
    return int(value) if kind == "int" and float(value).is_integer() else float(value)


def wide_rows(
    engine: Engine, cells_: list[Column], where: ColumnElement[bool] | None = None
) -> Iterator[dict[str, Any]]:
    kinds = {c.name: c.kind for c in cells_}
    with engine.connect() as stream, engine.connect() as conn:
        for batch in _report_rows(stream, where):
            cells = _cells(conn, batch)
            for r in batch:
                row = {c.name: getattr(r, c.name) for c in REPORT_COLUMNS}
                row.update(dict.fromkeys(kinds))
                for cell in cells[r.id]:
                    if cell.key in kinds:
                        row[cell.key] = typed(cell.value, kinds[cell.key])
                yield row


def long_rows(engine: Engine, templates: list[Template]) -> Iterator[dict[str, Any]]:
    columns = {c.name: c for c in cell_columns(templates)}
    with engine.connect() as stream, engine.connect() as conn:
        for batch in _report_rows(stream):
            cells = _cells(conn, batch)
            for r in batch:
                head = {c.name: getattr(r, c.name) for c in REPORT_COLUMNS}
                for cell in cells[r.id]:
                    yield {
                        **head,
                        "key": cell.key,
                        "label": columns[cell.key].label if cell.key in columns else cell.key,
                        "value": typed(cell.value, columns[cell.key].kind if cell.key in columns else "float"),
                        "status": cell.status,
                        "raw": cell.raw,
                        "basis": cell.basis,
                    }


def finding_rows(engine: Engine, where: ColumnElement[bool] | None = None) -> Iterator[dict[str, Any]]:
    query = (
        select(
            *_report_cols(),
            findings.c.rule,
            findings.c.severity,
            findings.c.scope,
            findings.c.message,
            findings.c["keys"],
            findings.c.loc,
        )
        .join(reports, reports.c.id == findings.c.report_id)
        .join(files, files.c.id == reports.c.file_id)
        .order_by(*ORDER, findings.c.id)
    )
    if where is not None:
        query = query.where(where)
    with engine.connect() as conn:
        for r in conn.execute(query.execution_options(yield_per=BATCH)):
            row = dict(r._mapping)
            row["keys"] = ",".join(row["keys"] or [])
            row["loc"] = json.dumps(row["loc"] or {}, ensure_ascii=False, sort_keys=True)
            yield row


def tables(engine: Engine, shape: Literal["wide", "long"]) -> list[Table]:
    with engine.connect() as conn:
        templates = corpus_templates(conn)
    if shape == "wide":
        cells_ = cell_columns(templates)
        main = Table("reports", "报告", (*REPORT_COLUMNS, *cells_), wide_rows(engine, cells_))
    else:
        main = Table("cells", "单元格", (*REPORT_COLUMNS, *CELL_COLUMNS), long_rows(engine, templates))
    return [main, Table("findings", "检查发现", FINDING_COLUMNS, finding_rows(engine))]


def beside(out: Path, name: str) -> Path:
    """The file of a second table next to the output: out.csv → out.findings.csv."""
    return out.with_name(f"{out.stem}.{name}{out.suffix}")


def export(engine: Engine, fmt: Format, out: str | Path, shape: Literal["wide", "long"] = "wide") -> list[Path]:
    """Write the corpus; returns the files written (the output, then the findings' file if apart)."""
    out = Path(out)
    if fmt not in FORMATS:
        raise NianbaoError(E_DATA, f"不支持的导出格式：{fmt}（可用：{'、'.join(FORMATS)}）")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)  # a folder that does not exist yet is made
    except OSError as e:
        raise NianbaoError(E_IO, f"无法建立输出目录：{e.strerror or e}", str(out.parent)) from None
    main, found = tables(engine, shape)
    if fmt == "xlsx":
        _write_xlsx(out, [main, found])
        return [out]
    writer = {"csv": _write_csv, "parquet": _write_parquet, "jsonl": _write_jsonl}[fmt]
    writer(out, main)
    writer(beside(out, found.name), found)
    return [out, beside(out, found.name)]


def write_table(fmt: Format, path: Path, table: Table) -> None:
    """One table in one file of ``fmt`` (csv, parquet, jsonl; a workbook holds several: write_workbook)."""
    {"csv": _write_csv, "parquet": _write_parquet, "jsonl": _write_jsonl}[fmt](path, table)


def write_workbook(path: Path, tables_: list[Table]) -> None:
    """A workbook of these tables, a sheet each (see _write_xlsx)."""
    _write_xlsx(path, tables_)


def _write_csv(path: Path, table: Table) -> None:
    # utf-8 with a BOM: Excel opens it as UTF-8 and the Chinese reads right
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([c.name for c in table.columns])
        for row in table.rows:
            w.writerow(["" if row[c.name] is None else row[c.name] for c in table.columns])


def _write_jsonl(path: Path, table: Table) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in table.rows:
            f.write(json.dumps({c.name: row[c.name] for c in table.columns}, ensure_ascii=False) + "\n")


def _write_parquet(path: Path, table: Table) -> None:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64()}
    schema = pa.schema([pa.field(c.name, types[c.kind], metadata={"label": c.label}) for c in table.columns])
    # a row group of about ROW_GROUP_VALUES values, whatever the shape: the long table's groups
    # not so small that their metadata, kept until the file is closed, grows with the corpus
    rows_per_group = max(BATCH, ROW_GROUP_VALUES // len(table.columns))
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in table.rows:
            batch.append(row)
            if len(batch) == rows_per_group:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def _write_xlsx(path: Path, tables_: list[Table]) -> None:
    """A sheet per table: a Chinese header row, the machine names under it with an autofilter,
    panes frozen below them and right of the agency and year; a table longer than a sheet goes on
    in the next."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables_:
        part = 0
        ws = None
        rows_in_sheet = EXCEL_MAX_ROWS
        last = get_column_letter(len(table.columns))
        for row in _with_first(table.rows):
            if rows_in_sheet >= EXCEL_MAX_ROWS:
                part += 1
                ws = wb.create_sheet(table.label if part == 1 else f"{table.label}（{part}）")
                ws.freeze_panes = "C3"
                ws.append([_bold_cell(ws, c.label, bold) for c in table.columns])
                ws.append([c.name for c in table.columns])
                rows_in_sheet = 2
            if row is not None and ws is not None:
                ws.append([row[c.name] for c in table.columns])
                rows_in_sheet += 1
            if ws is not None:
                ws.auto_filter.ref = f"A2:{last}{rows_in_sheet}"  # written when the sheet closes
    wb.save(path)


def _with_first(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any] | None]:
    """The rows, or a single None for an empty table (so that its sheet and header are written)."""
    empty = True
    for row in rows:
        empty = False
        yield row
    if empty:
        yield None


def _bold_cell(ws: Any, text: str, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=text)
    cell.font = font
    return cell
