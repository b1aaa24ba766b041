"""The corpus database: SQLAlchemy 2 models of the four tables (files, reports, cells, findings),
the engine for a URL, and the two translations between a parsed Report and its rows (store and
load).

The schema is created and upgraded only by the Alembic migrations in ``migrations/``, applied
when a database is opened; the models here must match them (a test compares the two).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from nianbao.corpus import DEFAULT_URL as DEFAULT_URL  # re-exported: the URL every corpus function defaults to
from nianbao.corpus.cells import Cell, decode, fixable, stored_object
from nianbao.corpus.worker import (
    FINDING_FIELDS,
    REPORT_FIELDS,
    SCOPE_CROSSYEAR,
    SCOPE_REPORT,
    Parsed,
    StoredReport,
    finding_rows,
    parsed_of,
)
from nianbao.corpus.worker import cell_order as cell_order  # re-exported: export and web read it here
from nianbao.errors import E_DB, NianbaoError
from nianbao.report import Finding, Report, Source

__all__ = ["SCOPE_CROSSYEAR", "SCOPE_REPORT"]

# an autoincrementing 64-bit key; SQLite autoincrements only a column declared INTEGER
BigId = BigInteger().with_variant(Integer(), "sqlite")
# named constraints, so that later migrations can alter them on SQLite too (batch mode); the
# workspace's tables in the same database name theirs the same way
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class FileRow(Base):
    """Every file the ingest has seen once (by content): ingested (``ok``) or ``failed`` with why."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportRow(Base):
    """One parsed report. ``previous_id`` and ``linked`` belong to the linking across years."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    agency: Mapped[str | None] = mapped_column(Text)
    agency_norm: Mapped[str | None] = mapped_column(String(200), index=True)
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    template: Mapped[str | None] = mapped_column(String(16))
    published: Mapped[str | None] = mapped_column(String(32))
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    linked: Mapped[bool] = mapped_column(Boolean, index=True)


class CellsRow(Base):
    """Every cell of one report, in one JSON object (``nianbao.corpus.cells``: cell key → its
    number and provenance — why it is not ok, the readings a run of digits allows, kept so that
    another year's report can still choose among them, how the value was fixed). ``fixable``
    says whether another year may fix one of them (``cells.fixable``), for the linking to find
    such reports without reading their cells."""

    __tablename__ = "cells"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    fixable: Mapped[bool] = mapped_column(Boolean)


class FindingRow(Base):
    """A finding on a report; ``scope`` is ``crossyear`` for those made against last year's report."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    keys: Mapped[list[str]] = mapped_column(JSON)
    loc: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)  # Finding.scope: report | reading
    place: Mapped[str | None] = mapped_column(Text, nullable=True)  # Finding.where


files = cast(Table, FileRow.__table__)
reports = cast(Table, ReportRow.__table__)
cells = cast(Table, CellsRow.__table__)
findings = cast(Table, FindingRow.__table__)


def engine_url(url: str) -> str:
    """The URL as SQLAlchemy needs it: plain ``postgresql://`` goes through psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    engine = create_engine(engine_url(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Cascading deletes need foreign keys on; WAL lets readers work during an ingest and,
    with synchronous=NORMAL, still keeps every committed report through a crash of the process."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def open_db(url: str = DEFAULT_URL, *, create: bool = True) -> Engine:
    """An engine on the database at ``url``, its schema brought up to date first.

    ``create=False`` is for the read paths (export, statistics): a database that does not
    exist, or holds no corpus, is an error there, never a new empty database left behind."""
    from nianbao.corpus.migrations import upgrade

    try:
        engine = make_engine(url)
        if not create:
            _must_hold_corpus(engine, url)
        upgrade(engine)
    except (ArgumentError, OperationalError, NoSuchModuleError) as e:
        raise NianbaoError(E_DB, f"无法打开数据库 {url}：{str(e).splitlines()[0]}") from None
    return engine


def _must_hold_corpus(engine: Engine, url: str) -> None:
    u = make_url(engine_url(url))
    on_disk = u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:")
    if on_disk and not Path(str(u.database)).is_file():
        raise NianbaoError(E_DB, f"数据库不存在：{u.database}（请先用 corpus ingest 建立语料库）")
    if not inspect(engine).has_table("reports"):
        engine.dispose()
        raise NianbaoError(E_DB, f"数据库 {url} 中没有语料库（请先用 corpus ingest 建立）")


def now() -> datetime:
    return datetime.now(UTC)


def insert_file(
    conn: Connection, source: Source, status: str, error_code: str | None = None, error: str | None = None
) -> int:
    return Writer(conn).file(source, status, error_code, error)


def insert_report(conn: Connection, file_id: int, report: Report, agency_norm: str | None, region: str | None) -> int:
    """The report, its cells and its own findings (scope ``report``), as the ingest stores them
    (``agency_norm`` and ``region`` as the worker names them: ``names.agency``)."""
    parsed = parsed_of(report.source, report, report.findings, stored=False)
    row = dict(zip(REPORT_FIELDS, parsed.report, strict=True))
    row.update(agency_norm=agency_norm, region=region, linked=agency_norm is None or report.year is None)
    writer = Writer(conn)
    report_id = writer.report(file_id, replace(parsed, report=tuple(row.values())))
    writer.flush()
    return report_id


def insert_findings(conn: Connection, report_id: int, found: list[Finding], scope: str) -> None:
    writer = Writer(conn)
    writer.findings(report_id, finding_rows(found, scope))
    writer.flush()


class Writer:
    """Rows written the quick way, in the caller's transaction: statements in the driver's own
    SQL with the values as the worker encoded them (no per-row work of SQLAlchemy's), the cells
    and findings of many reports gathered into one ``executemany`` each (``flush``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self._stamp = files.c.ingested_at.type._cached_bind_processor(conn.dialect)  # SQLite: its text form

        def sql(table: Table, names: tuple[str, ...], tail: str = "") -> str:
            return f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) ' + (
                f"VALUES ({', '.join([mark] * len(names))}){tail}"
            )

        self._file = sql(files, FILE_FIELDS, " RETURNING id")
        self._report = sql(reports, ("file_id", *REPORT_FIELDS), " RETURNING id")
        self._cell = sql(cells, ("report_id", "data", "fixable"))
        self._finding = sql(findings, ("report_id", *FINDING_FIELDS))
        self._link = f"UPDATE reports SET previous_id = {mark}, linked = {mark} WHERE id = {mark}"
        self._cells: list[tuple[Any, ...]] = []
        self._findings: list[tuple[Any, ...]] = []
        self._links: list[tuple[Any, ...]] = []

    def file(self, source: Source, status: str, error_code: str | None = None, error: str | None = None) -> int:
        stamp = now()
        row = (
            source.sha256,
            source.path,
            source.format or None,
            source.size or 0,
            status,
            error_code,
            error,
            self._stamp(stamp) if self._stamp else stamp,
        )
        return int(self.conn.exec_driver_sql(self._file, row).scalar_one())

    def report(self, file_id: int, parsed: Parsed) -> int:
        """The report's row at once (its id is wanted); its cells and findings at ``flush``."""
        report_id = int(self.conn.exec_driver_sql(self._report, (file_id, *parsed.report)).scalar_one())
        self._cells.append((report_id, parsed.cells, parsed.fixable))
        self.findings(report_id, parsed.findings)
        return report_id

    def findings(self, report_id: int, rows: list[tuple[Any, ...]]) -> None:
        self._findings.extend((report_id, *f) for f in rows)

    def link(self, report_id: int, previous_id: int | None) -> None:
        """A report linked to its previous (at ``flush``)."""
        self._links.append((previous_id, True, report_id))

    def flush(self) -> None:
        if self._links:
            self.conn.exec_driver_sql(self._link, self._links)
        if self._cells:
            self.conn.exec_driver_sql(self._cell, self._cells)
        if self._findings:
            self.conn.exec_driver_sql(self._finding, self._findings)
        self._cells, self._findings, self._links = [], [], []


FILE_FIELDS = ("sha256", "path", "format", "size", "status", "error_code", "error", "ingested_at")


def fetch_cells(conn: Connection, report_ids: list[int]) -> dict[int, list[Cell]]:
    """The cells of each report in the order stored (the template's; by key for cells carried
    over from the rows of revisions before 0005), for reading many reports at once."""
    out: dict[int, list[Cell]] = {i: [] for i in report_ids}
    query = select(cells.c.report_id, cells.c.data).where(cells.c.report_id.in_(report_ids))
    for report_id, data in conn.execute(query):
        out[report_id] = decode(data)
    return out


def store_cells(conn: Connection, report_id: int, stored: list[Cell]) -> None:
    """A report's cells written again (its cells fixed by another year)."""
    conn.execute(
        update(cells).where(cells.c.report_id == report_id).values(data=stored_object(stored), fixable=fixable(stored))
    )


def delete_file(conn: Connection, sha256: str) -> None:
    """Forget a file (``--force``): its report, cells and findings go with it (cascade), and the
    other reports of its agency are marked for linking again."""
    file_id = conn.execute(select(files.c.id).where(files.c.sha256 == sha256)).scalar()
    if file_id is None:
        return
    norm = conn.execute(select(reports.c.agency_norm).where(reports.c.file_id == file_id)).scalar()
    if norm is not None:
        conn.execute(update(reports).where(reports.c.agency_norm == norm).values(linked=False))
    conn.execute(delete(files).where(files.c.id == file_id))


def fetch_report(conn: Connection, report_id: int) -> StoredReport:
    """A stored report, its cells in its template's order."""
    r = conn.execute(
        select(reports, files.c.path, files.c.sha256, files.c.format, files.c.size)
        .join(files, files.c.id == reports.c.file_id)
        .where(reports.c.id == report_id)
    ).one()
    data = conn.execute(select(cells.c.data).where(cells.c.report_id == report_id)).scalar()
    order = cell_order(r.template)
    stored = sorted(decode(data), key=lambda c: (order.get(c.key, len(order)), c.key))
    return StoredReport(
        path=r.path,
        sha256=r.sha256,
        format=r.format or "",
        size=r.size,
        title=r.title,
        agency=r.agency,
        year=r.year,
        template=r.template,
        published=r.published,
        sections=list(r.sections or []),
        cells=stored,
    )
