"""The corpus as the web reads it: search by agency and year, one report with its findings, and
the statistics of ``nianbao corpus stats``. Only reads: the database is opened without running
migrations and an SQLite file that does not exist is not created."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar, cast

from sqlalchemy import Engine, case, func, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from nianbao.corpus.db import SCOPE_CROSSYEAR, fetch_report, files, findings, make_engine, reports
from nianbao.corpus.stats import By, Stats, compute
from nianbao.errors import NianbaoError
from nianbao.report import Finding, Location, Report
from nianbao.web.errors import E_CORPUS, E_NOT_FOUND
from nianbao.web.models import MEDIA_TYPES, Selection

MAX_PAGE = 100


@dataclass(frozen=True)
class Hit:
    id: int
    agency: str | None
    year: int | None
    template: str | None
    region: str | None
    errors: int
    warnings: int


@dataclass(frozen=True)
class Page:
    total: int
    items: list[Hit]
    years: list[int]  # every year in the corpus, for the search form
    regions: list[str] = field(default_factory=list)  # provinces and prefectures (region paths)
    templates: list[str] = field(default_factory=list)


P = ParamSpec("P")
_LIKE_SPECIAL = re.compile(r"[\\%_]")
T = TypeVar("T")


def open_engine(url: str) -> Engine:
    """An engine for reading, or E_CORPUS when there is no corpus at ``url``."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:") and not Path(u.database).is_file():
        raise NianbaoError(E_CORPUS, "年报库尚未建立（请先运行 nianbao corpus ingest）")
    return make_engine(url)


def _reading(fn: Callable[P, T]) -> Callable[P, T]:
    """Turn a database that cannot be read (missing tables, server down) into E_CORPUS."""

    @wraps(fn)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        except SQLAlchemyError as e:
            reason = f"无法读取年报库（{type(e).__name__}），请先运行 nianbao corpus ingest"
            raise NianbaoError(E_CORPUS, reason) from None

    return wrapped


def _counts() -> Any:
    return (
        select(
            findings.c.report_id,
            func.sum(case((findings.c.severity == "error", 1), else_=0)).label("errors"),
            func.sum(case((findings.c.severity == "warning", 1), else_=0)).label("warnings"),
        )
        .group_by(findings.c.report_id)
        .subquery()
    )


def _escape(text: str) -> str:
    return _LIKE_SPECIAL.sub(r"\\\g<0>", text)


def _selected(sel: Selection) -> Any:
    """The selection as a query of the listed columns, filtered and sorted (ties by id)."""
    counts = _counts()
    errors = func.coalesce(counts.c.errors, 0)
    warnings = func.coalesce(counts.c.warnings, 0)
    where: list[Any] = []
    if sel.agency:
        like = "%" + _escape(sel.agency) + "%"
        where.append(or_(reports.c.agency.like(like, escape="\\"), reports.c.agency_norm.like(like, escape="\\")))
    if sel.year is not None:
        where.append(reports.c.year == sel.year)
    if sel.region:
        # a whole segment of the path: 河南省 selects 河南省/洛阳市/…, never 河南省直
        prefix = sel.region.strip("/")
        where.append(or_(reports.c.region == prefix, reports.c.region.like(_escape(prefix) + "/%", escape="\\")))
    if sel.template:
        where.append(reports.c.template == sel.template)
    if sel.status == "errors":
        where.append(errors > 0)
    elif sel.status == "clean":
        where.append(errors == 0)
    columns = {
        "agency": reports.c.agency,
        "year": reports.c.year,
        "template": reports.c.template,  # in the order of Hit's fields
        "region": reports.c.region,
        "errors": errors,
        "warnings": warnings,
    }
    if sel.sort is None:
        order = [reports.c.agency_norm.asc().nulls_last(), reports.c.year.desc().nulls_last()]
    else:
        key = columns[sel.sort]
        order = [key.desc().nulls_last() if sel.desc else key.asc().nulls_last()]
    return (
        select(reports.c.id, *columns.values())
        .outerjoin(counts, counts.c.report_id == reports.c.id)
        .where(*where)
        .order_by(*order, reports.c.id)
    )


@_reading
def search(engine: Engine, sel: Selection, limit: int, offset: int) -> Page:
    """A page of the selection, its total, and the years, regions and templates to choose from."""
    query = _selected(sel)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
        items = [Hit(*row) for row in conn.execute(query.limit(min(limit, MAX_PAGE)).offset(offset))]
        years = [y for (y,) in conn.execute(select(reports.c.year).distinct().order_by(reports.c.year.desc())) if y]
        paths = [r for (r,) in conn.execute(select(reports.c.region).distinct()) if r]
        kinds = [t for (t,) in conn.execute(select(reports.c.template).distinct().order_by(reports.c.template)) if t]
    regions = sorted({"/".join(p.split("/")[:n]) for p in paths for n in (1, 2) if p.split("/")[:n]})
    return Page(total=int(total), items=items, years=years, regions=regions, templates=kinds)


def export_selection(engine: Engine, sel: Selection, fmt: Literal["csv", "xlsx", "parquet"], out: Path) -> None:
    """The selection as ``corpus export --wide`` writes the corpus: one row per report, the same
    columns (every cell key of the corpus's templates); XLSX adds the selection's findings."""
    from nianbao.corpus import export

    ids = _selected(sel).with_only_columns(reports.c.id).order_by(None)
    where = reports.c.id.in_(ids.scalar_subquery())

    @_reading
    def write() -> None:
        with engine.connect() as conn:
            cells = export.cell_columns(export.corpus_templates(conn))
        main = export.Table("reports", "报告", (*export.REPORT_COLUMNS, *cells), export.wide_rows(engine, cells, where))
        if fmt != "xlsx":
            export.write_table(fmt, out, main)
        else:
            found = export.Table("findings", "检查发现", export.FINDING_COLUMNS, export.finding_rows(engine, where))
            export.write_workbook(out, [main, found])

    write()


@dataclass(frozen=True)
class CrossFinding:
    rule: str
    severity: str
    message: str


@dataclass(frozen=True)
class YearLink:
    """One report of the agency: its year, as it names itself, and its cross-year findings."""

    id: int
    year: int | None
    agency: str | None
    current: bool
    crossyear: list[CrossFinding]


@_reading
def agency_years(engine: Engine, report_id: int) -> list[YearLink]:
    """Every report of the same agency (the same ``agency_norm``, the registry's stable id), this
    one included, by year, each with its findings made against the year before."""
    with engine.connect() as conn:
        row = conn.execute(select(reports.c.agency_norm).where(reports.c.id == report_id)).first()
        if row is None:
            raise NianbaoError(E_NOT_FOUND, f"年报库中没有编号为 {report_id} 的报告")
        same = reports.c.id == report_id if row.agency_norm is None else reports.c.agency_norm == row.agency_norm
        rows = conn.execute(
            select(reports.c.id, reports.c.year, reports.c.agency)
            .where(same)
            .order_by(reports.c.year.asc().nulls_last(), reports.c.id)
        ).all()
        cross: dict[int, list[CrossFinding]] = {r.id: [] for r in rows}
        for f in conn.execute(
            select(findings.c.report_id, findings.c.rule, findings.c.severity, findings.c.message)
            .where(findings.c.report_id.in_(list(cross)), findings.c.scope == SCOPE_CROSSYEAR)
            .order_by(findings.c.id)
        ):
            cross[f.report_id].append(CrossFinding(f.rule, f.severity, f.message))
    return [YearLink(r.id, r.year, r.agency, r.id == report_id, cross[r.id]) for r in rows]


@dataclass(frozen=True)
class Original:
    """The report's file where the corpus recorded it: ``path`` is None when it is no longer there
    as it was ingested (gone, not a regular file, or changed since)."""

    path: Path | None
    name: str
    media_type: str


@_reading
def original(engine: Engine, report_id: int) -> Original:
    """Only the path the corpus recorded for this report's file is ever looked at, and it is
    served only when it is a regular file with the size and SHA-256 recorded."""
    with engine.connect() as conn:
        row = conn.execute(
            select(files.c.path, files.c.size, files.c.sha256)
            .join(reports, reports.c.file_id == files.c.id)
            .where(reports.c.id == report_id)
        ).first()
    if row is None:
        raise NianbaoError(E_NOT_FOUND, f"年报库中没有编号为 {report_id} 的报告")
    path = Path(row.path)
    media = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return Original(path if _same_file(path, row.size, row.sha256) else None, path.name, media)


def _same_file(path: Path, size: int, sha256: str) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != size:
            return False
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == sha256


@dataclass(frozen=True)
class Detail:
    id: int
    report: Report
    findings: list[Finding]  # this report's and those against last year's
    previous_id: int | None


@_reading
def detail(engine: Engine, report_id: int) -> Detail:
    with engine.connect() as conn:
        row = conn.execute(select(reports.c.id, reports.c.previous_id).where(reports.c.id == report_id)).first()
        if row is None:
            raise NianbaoError(E_NOT_FOUND, f"年报库中没有编号为 {report_id} 的报告")
        report = fetch_report(conn, report_id).report()
        found = [
            Finding(
                rule=f.rule,
                severity=f.severity,
                message=f.message,
                keys=f.keys or [],
                loc=cast(Location, f.loc or {}),  # validated by Finding
                scope=f.kind or "report",
                where=f.place,
            )
            for f in conn.execute(select(findings).where(findings.c.report_id == report_id).order_by(findings.c.id))
        ]
    order = {"error": 0, "warning": 1, "info": 2}
    found.sort(key=lambda f: order.get(f.severity, 3))
    return Detail(report_id, report.model_copy(update={"findings": found}), found, row.previous_id)


@_reading
def stats(engine: Engine, by: By | None) -> Stats:
    """The statistics, grouped ``by`` year, region or agency (or all together)."""
    return compute(engine, by)
