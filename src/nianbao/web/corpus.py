"""The corpus as the web reads it: search by agency and year, one report with its findings, and
the statistics of ``nianbao corpus stats``. Only reads: the database is opened without running
migrations and an SQLite file that does not exist is not created."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar, cast

from sqlalchemy import Engine, case, func, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from nianbao.corpus.db import fetch_report, findings, make_engine, reports
from nianbao.corpus.stats import By, Stats, compute
from nianbao.errors import NianbaoError
from nianbao.report import Finding, Location, Report
from nianbao.web.errors import E_CORPUS, E_NOT_FOUND

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


@_reading
def search(engine: Engine, agency: str | None, year: int | None, limit: int, offset: int) -> Page:
    """Reports whose agency contains ``agency`` (as printed or normalised), of ``year``."""
    where = []
    if agency:
        like = "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", agency) + "%"
        where.append(or_(reports.c.agency.like(like, escape="\\"), reports.c.agency_norm.like(like, escape="\\")))
    if year is not None:
        where.append(reports.c.year == year)
    counts = (
        select(
            findings.c.report_id,
            func.sum(case((findings.c.severity == "error", 1), else_=0)).label("errors"),
            func.sum(case((findings.c.severity == "warning", 1), else_=0)).label("warnings"),
        )
        .group_by(findings.c.report_id)
        .subquery()
    )
    query = (
        select(
            reports.c.id,
            reports.c.agency,
            reports.c.year,
            reports.c.template,
            reports.c.region,
            func.coalesce(counts.c.errors, 0),
            func.coalesce(counts.c.warnings, 0),
        )
        .outerjoin(counts, counts.c.report_id == reports.c.id)
        .where(*where)
        .order_by(reports.c.agency_norm, reports.c.year.desc(), reports.c.id)
        .limit(min(limit, MAX_PAGE))
        .offset(offset)
    )
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(reports).where(*where)).scalar_one()
        items = [Hit(*row) for row in conn.execute(query)]
        years = [y for (y,) in conn.execute(select(reports.c.year).distinct().order_by(reports.c.year.desc())) if y]
    return Page(total=int(total), items=items, years=years)


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
