"""The corpus as a dataset a researcher can publish and cite (issue 17).

Agency-years, not files: the reports of one agency (the registry's stable id, across renamings)
and year are one observation; the canonical one is chosen by ``dataset.versions.RULE``, the others
are listed as versions with the cells in which they differ. Each agency-year row holds where the
agency is (行政区划代码, region path, unit type), the harmonised variables of both formats and the
derived measures (``nianbao.dataset``: a value only where every cell was read), and quality
columns. Reports with no agency or no year, and blank templates, are no observation: they are
counted in the manifest, never in the data.

Written into a folder: agency_years, cells (long: one row per cell of each canonical report, with
status and basis), findings, versions, codebook — as CSV, Parquet or one XLSX workbook — and a
Frictionless datapackage.json describing them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from nianbao.corpus.db import fetch_cells, files, findings, reports
from nianbao.corpus.export import Column, Table, typed, write_table, write_workbook
from nianbao.dataset import CellState, codebook, measure_readings, measures, number_of, variable_readings, variables
from nianbao.dataset.package import Field, Resource
from nianbao.dataset.package import write as write_package
from nianbao.dataset.versions import RULE, Candidate, canonical
from nianbao.errors import E_DATA, E_IO, NianbaoError
from nianbao.registry import AgencyEntry, resolve
from nianbao.template import available, load

DatasetFormat = Literal["csv", "parquet", "xlsx"]
DATASET_FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")
BATCH = 500
DEDUCED = ("arithmetic", "adjacent_year")


@dataclass(frozen=True)
class Stored:
    """A stored report, as the grouping needs it."""

    id: int
    agency: str | None
    year: int | None
    template: str | None
    published: str | None
    path: str
    sha256: str
    format: str | None
    ingested_at: str
    cells_read: int
    cells_blank: int


@dataclass
class AgencyYear:
    entry: AgencyEntry
    year: int
    chosen: Stored
    versions: list[Stored] = field(default_factory=list)  # every report of it, the chosen one first


@dataclass
class Manifest:
    agency_years: int = 0
    reports: int = 0
    versions: int = 0  # reports that are another version of an agency-year
    no_agency_or_year: int = 0
    blank_templates: int = 0


@cache
def _entry(name: str) -> AgencyEntry:
    return resolve(name)


def _stored(conn: Connection) -> list[Stored]:
    rows = conn.execute(
        select(
            reports.c.id,
            reports.c.agency,
            reports.c.year,
            reports.c.template,
            reports.c.published,
            files.c.path,
            files.c.sha256,
            files.c.format,
            files.c.ingested_at,
        )
        .join(files, files.c.id == reports.c.file_id)
        .order_by(reports.c.id)
    ).all()
    out: list[Stored] = []
    for i in range(0, len(rows), BATCH):
        batch = rows[i : i + BATCH]
        cells = fetch_cells(conn, [r[0] for r in batch])
        for r in batch:
            states = [(c.value, c.status) for c in cells[r[0]]]
            read = sum(1 for s in states if number_of(s) is not None)
            blank = sum(1 for _, status in states if status == "blank")
            out.append(Stored(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], str(r[8]), read, blank))
    return out


def agency_years(engine: Engine) -> tuple[list[AgencyYear], Manifest]:
    """Every agency-year of the corpus, its canonical report chosen; and what was left out."""
    with engine.connect() as conn:
        stored = _stored(conn)
    manifest = Manifest(reports=len(stored))
    groups: dict[tuple[str, int], list[Stored]] = defaultdict(list)
    for s in stored:
        if s.cells_read and s.cells_read == s.cells_blank and not s.agency:
            manifest.blank_templates += 1  # nothing filled in: the official template itself
        elif not s.agency or s.year is None:
            manifest.no_agency_or_year += 1
        else:
            groups[(_entry(s.agency).agency_id, s.year)].append(s)
    out: list[AgencyYear] = []
    for (_, year), members in sorted(groups.items()):
        # the same choice whatever the order the files were stored in: published date, not storage time
        choice = canonical([Candidate(str(m.id), m.cells_read, m.published or "", m.sha256) for m in members])
        chosen = next(m for m in members if str(m.id) == choice.key)
        ordered = [chosen, *(m for m in members if m is not chosen)]
        out.append(AgencyYear(_entry(chosen.agency or ""), year, chosen, ordered))
    manifest.agency_years = len(out)
    manifest.versions = sum(len(a.versions) - 1 for a in out)
    return out, manifest


# -- the tables --------------------------------------------------------------------------------

ID_COLUMNS: tuple[Column, ...] = (
    Column("agency_id", "机关标识（跨年度稳定）", "str"),
    Column("agency", "机关名称（报告所写）", "str"),
    Column("division_code", "行政区划代码", "str"),
    Column("province", "省级", "str"),
    Column("prefecture", "地级", "str"),
    Column("county", "县级", "str"),
    Column("unit_type", "机关类型", "str"),
    Column("year", "年度", "int"),
)
QUALITY_COLUMNS: tuple[Column, ...] = (
    Column("template", "格式版本", "str"),
    Column("published", "发布日期", "str"),
    Column("source_path", "来源文件", "str"),
    Column("source_sha256", "来源文件SHA-256", "str"),
    Column("source_format", "来源格式", "str"),
    Column("versions", "同一机关年度的报告份数", "int"),
    Column("cells_printed", "直接读出的单元格数", "int"),
    Column("cells_deduced", "由勾稽关系或相邻年度确定的单元格数", "int"),
    Column("cells_blank", "空白（按0计）的单元格数", "int"),
    Column("cells_unreadable", "未能确定的单元格数", "int"),
    Column("cells_missing", "未找到的单元格数", "int"),
    Column("errors", "报告错误数", "int"),
    Column("warnings", "报告警告数", "int"),
    Column("reading_gaps", "读取问题数", "int"),
)


def _variable_columns() -> tuple[Column, ...]:
    out = [Column(v.name, f"{v.label}（{v.unit}）", "float" if v.kind == "decimal" else "int") for v in variables()]
    out += [Column(m.name, m.label, "float") for m in measures()]
    return tuple(out)


def _ids(a: AgencyYear) -> dict[str, Any]:
    e = a.entry
    return {
        "agency_id": e.agency_id,
        "agency": a.chosen.agency,
        "division_code": e.code,
        "province": e.province,
        "prefecture": e.prefecture,
        "county": e.county,
        "unit_type": e.unit_type,
        "year": a.year,
    }


def _counts(conn: Connection, ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {i: {"errors": 0, "warnings": 0, "reading_gaps": 0} for i in ids}
    rows = conn.execute(
        select(findings.c.report_id, findings.c.severity, findings.c.kind, func.count())
        .where(findings.c.report_id.in_(ids))
        .group_by(findings.c.report_id, findings.c.severity, findings.c.kind)
    )
    for report_id, severity, kind, n in rows:
        if kind == "reading":
            out[report_id]["reading_gaps"] += int(n)
        elif severity == "error":
            out[report_id]["errors"] += int(n)
        elif severity == "warning":
            out[report_id]["warnings"] += int(n)
    return out


def _batches(items: list[AgencyYear]) -> Iterator[list[AgencyYear]]:
    for i in range(0, len(items), BATCH):
        yield items[i : i + BATCH]


def wide_rows(engine: Engine, items: list[AgencyYear]) -> Iterator[dict[str, Any]]:
    """One row per agency-year: who and where, quality, then the variables and measures."""
    kinds = {c.name: c.kind for c in _variable_columns()}
    with engine.connect() as conn:
        for batch in _batches(items):
            ids = [a.chosen.id for a in batch]
            cells, counts = fetch_cells(conn, ids), _counts(conn, ids)
            for a in batch:
                rows = cells[a.chosen.id]
                states: dict[str, CellState] = {r.key: (r.value, r.status) for r in rows}
                readings = {**variable_readings(a.chosen.template, states), **measure_readings(states)}
                printed = sum(1 for r in rows if r.status in ("ok", "ocr") and r.basis not in DEDUCED)
                row = {
                    **_ids(a),
                    "template": a.chosen.template,
                    "published": a.chosen.published,
                    "source_path": a.chosen.path,
                    "source_sha256": a.chosen.sha256,
                    "source_format": a.chosen.format,
                    "versions": len(a.versions),
                    "cells_printed": printed,
                    "cells_deduced": sum(1 for r in rows if r.basis in DEDUCED),
                    "cells_blank": sum(1 for r in rows if r.status == "blank"),
                    "cells_unreadable": sum(1 for r in rows if r.status == "unreadable"),
                    "cells_missing": sum(1 for r in rows if r.status == "missing"),
                    **counts[a.chosen.id],
                }
                row.update({name: typed(r.value, kinds[name]) for name, r in readings.items()})
                yield row


CELL_COLUMNS: tuple[Column, ...] = (
    Column("agency_id", "机关标识（跨年度稳定）", "str"),
    Column("year", "年度", "int"),
    Column("template", "格式版本", "str"),
    Column("key", "单元格键", "str"),
    Column("label", "单元格", "str"),
    Column("value", "数值", "float"),
    Column("status", "读取状态", "str"),
    Column("raw", "原文", "str"),
    Column("basis", "取值依据", "str"),
)


def long_rows(engine: Engine, items: list[AgencyYear]) -> Iterator[dict[str, Any]]:
    """One row per cell of each agency-year's canonical report, with its status and basis."""
    describe = {v: load(v).describe for v in available()}
    with engine.connect() as conn:
        for batch in _batches(items):
            cells = fetch_cells(conn, [a.chosen.id for a in batch])
            for a in batch:
                label = describe.get(a.chosen.template or "")
                for r in cells[a.chosen.id]:
                    yield {
                        "agency_id": a.entry.agency_id,
                        "year": a.year,
                        "template": a.chosen.template,
                        "key": r.key,
                        "label": label(r.key) if label else None,
                        "value": r.value,
                        "status": r.status,
                        "raw": r.raw,
                        "basis": r.basis,
                    }


FINDING_COLUMNS: tuple[Column, ...] = (
    Column("agency_id", "机关标识（跨年度稳定）", "str"),
    Column("year", "年度", "int"),
    Column("rule", "规则", "str"),
    Column("severity", "严重程度", "str"),
    Column("kind", "性质（report：报告问题；reading：读取问题）", "str"),
    Column("message", "说明", "str"),
    Column("where", "位置", "str"),
)


def finding_rows(engine: Engine, items: list[AgencyYear]) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        for batch in _batches(items):
            by_id = {a.chosen.id: a for a in batch}
            rows = conn.execute(select(findings).where(findings.c.report_id.in_(list(by_id))).order_by(findings.c.id))
            for f in rows:
                a = by_id[f.report_id]
                yield {
                    "agency_id": a.entry.agency_id,
                    "year": a.year,
                    "rule": f.rule,
                    "severity": f.severity,
                    "kind": f.kind or "report",
                    "message": f.message,
                    "where": f.place,
                }


VERSION_COLUMNS: tuple[Column, ...] = (
    Column("agency_id", "机关标识（跨年度稳定）", "str"),
    Column("year", "年度", "int"),
    Column("canonical", "是否为采用版本", "str"),
    Column("source_path", "来源文件", "str"),
    Column("source_sha256", "来源文件SHA-256", "str"),
    Column("source_format", "来源格式", "str"),
    Column("cells_read", "读出的单元格数", "int"),
    Column("differing_cells", "与采用版本不同的单元格", "str"),
)


def version_rows(engine: Engine, items: list[AgencyYear]) -> Iterator[dict[str, Any]]:
    """Every report of an agency-year that has several, and the cells in which it differs."""
    several = [a for a in items if len(a.versions) > 1]
    with engine.connect() as conn:
        for a in several:
            cells = fetch_cells(conn, [v.id for v in a.versions])
            chosen = {r.key: r.value for r in cells[a.chosen.id]}
            for v in a.versions:
                mine = {r.key: r.value for r in cells[v.id]}
                differ = [k for k in dict.fromkeys([*chosen, *mine]) if chosen.get(k) != mine.get(k)]
                yield {
                    "agency_id": a.entry.agency_id,
                    "year": a.year,
                    "canonical": "yes" if v is a.chosen else "no",
                    "source_path": v.path,
                    "source_sha256": v.sha256,
                    "source_format": v.format,
                    "cells_read": v.cells_read,
                    "differing_cells": " ".join(differ),
                }


CODEBOOK_COLUMNS: tuple[Column, ...] = (
    Column("name", "变量名", "str"),
    Column("kind", "类别", "str"),
    Column("label", "中文名称", "str"),
    Column("unit", "单位", "str"),
    Column("type", "数据类型", "str"),
    *(Column(f"cells_{v}", f"{v}年格式的单元格", "str") for v in available()),
    Column("comparable", "跨格式可比", "str"),
    Column("definition", "口径与说明", "str"),
)


def codebook_rows() -> Iterator[dict[str, Any]]:
    for c in (*ID_COLUMNS, *QUALITY_COLUMNS):
        row: dict[str, Any] = {"name": c.name, "kind": "id" if c in ID_COLUMNS else "quality", "label": c.label}
        row.update({"unit": "", "type": c.kind, "comparable": "yes", "definition": ""})
        row.update({f"cells_{v}": "" for v in available()})
        yield row
    yield from codebook()


def tables(engine: Engine) -> tuple[list[Table], Manifest]:
    items, manifest = agency_years(engine)
    wide_columns = (*ID_COLUMNS, *QUALITY_COLUMNS, *_variable_columns())
    return [
        Table("agency_years", "机关年度", wide_columns, wide_rows(engine, items)),
        Table("cells", "单元格", CELL_COLUMNS, long_rows(engine, items)),
        Table("findings", "问题", FINDING_COLUMNS, finding_rows(engine, items)),
        Table("versions", "版本", VERSION_COLUMNS, version_rows(engine, items)),
        Table("codebook", "变量说明", CODEBOOK_COLUMNS, codebook_rows()),
    ], manifest


_FIELD_TYPE = {"str": "string", "int": "integer", "float": "number"}


def _fields(columns: tuple[Column, ...]) -> list[Field]:
    described = {r["name"]: r for r in codebook()}
    out = []
    for c in columns:
        about = described.get(c.name, {})
        unit = about.get("unit") or None
        out.append(Field(c.name, _FIELD_TYPE[c.kind], c.label, about.get("definition", ""), unit))  # type: ignore[arg-type]
    return out


def write_dataset(
    engine: Engine,
    folder: str | Path,
    fmt: DatasetFormat = "csv",
    *,
    dataset_version: str = "1.0.0",
    licence: str = "CC-BY-4.0",
) -> tuple[list[Path], Manifest]:
    """Write the dataset into ``folder`` (created when missing); the files written and the manifest."""
    if fmt not in DATASET_FORMATS:
        raise NianbaoError(E_DATA, f"不支持的数据集格式：{fmt}（可用：{'、'.join(DATASET_FORMATS)}）")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise NianbaoError(E_IO, f"无法建立输出目录：{e.strerror or e}", str(folder)) from None
    made, manifest = tables(engine)
    written: list[Path] = []
    if fmt == "xlsx":
        path = folder / "dataset.xlsx"
        write_workbook(path, made)
        written.append(path)
        resources = [Resource("dataset", path.name, "政府信息公开工作年度报告数据集（工作簿）")]
    else:
        resources = []
        for table in made:
            path = folder / f"{table.name}.{fmt}"
            write_table(fmt, path, table)
            written.append(path)
            resources.append(Resource(table.name, path.name, table.label, _fields(table.columns)))
    about = folder / "manifest.json"
    about.write_text(
        json.dumps({"rule": RULE, **manifest.__dict__}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written.append(about)
    written.append(write_package(folder, resources, dataset_version=dataset_version, licence=licence))
    return written, manifest
