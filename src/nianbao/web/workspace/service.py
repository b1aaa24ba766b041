"""What a batch and a review do, on the database: add a file (a new report, or a new version of
one already in the batch), check the batch again (last year's report found by the library among
the batch and the corpus, or the one chosen by hand), decide on a finding, correct a cell, change
a status — each action one transaction with its row in the audit trail.

The findings of a report are those of ``nianbao.check`` on the report as read with the
corrections applied; a decision holds a finding by its identity (rule and cells), so it outlives
a check run again and a re-submission."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, and_, case, func, insert, select, update
from sqlalchemy.engine import Connection

from nianbao.errors import E_REQUEST, NianbaoError
from nianbao.report import Finding, Provenance, Report
from nianbao.web.errors import E_NOT_FOUND
from nianbao.web.workspace import db

STATUS_ZH = {"pending": "待审", "returned": "已退回", "fixed": "已整改", "passed": "通过"}
# the way a report goes: 待审 → 已退回 → 已整改 → 通过, with the steps back a reviewer needs
FLOW: dict[str, tuple[str, ...]] = {
    "pending": ("returned", "passed"),
    "returned": ("fixed", "pending"),
    "fixed": ("passed", "returned"),
    "passed": ("returned",),
}
DECISION_ZH = {"confirmed": "已确认", "dismissed": "已排除", "open": "待定"}
ABOUT_THE_CHECK = frozenset({"xyear.compared"})  # what the check covered, not a fault (review.rows)
MAX_REASON = 500
Sort = Literal["agency", "year", "format", "errors", "warnings", "gaps", "status", "id"]
_SORT_COLUMNS = {
    "agency": db.reports.c.agency,
    "year": db.reports.c.year,
    "format": db.reports.c.format,
    "errors": db.reports.c.errors,
    "warnings": db.reports.c.warnings,
    "gaps": db.reports.c.gaps,
    "status": db.reports.c.status,
    "id": db.reports.c.id,
}


def now() -> datetime:
    return datetime.now(UTC)


def local_time(t: datetime | None) -> str:
    """A stored time as the server's clock reads it (SQLite gives back naive UTC)."""
    if t is None:
        return ""
    aware = t if t.tzinfo is not None else t.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _reason(text: str | None, required: bool = True) -> str:
    reason = (text or "").strip()
    if required and not reason:
        raise NianbaoError(E_REQUEST, "请填写理由")
    if len(reason) > MAX_REASON:
        raise NianbaoError(E_REQUEST, f"理由过长（至多 {MAX_REASON} 个字符）")
    return reason


def _log(
    conn: Connection,
    batch_id: int | None,
    report_id: int | None,
    user: str,
    action: str,
    summary: str,
    before: Any = None,
    after: Any = None,
) -> None:
    conn.execute(
        insert(db.audit).values(
            batch_id=batch_id,
            report_id=report_id,
            user_name=user,
            at=now(),
            action=action,
            summary=summary,
            before=before,
            after=after,
        )
    )


# ---- findings: identity, counts ----------------------------------------------------------------


def finding_keys(findings: Iterable[Finding]) -> list[str]:
    """Each finding's identity: its rule and cells (the message changes with the numbers), with a
    number when one rule says it twice of the same cells."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        base = f"{f.rule}|{','.join(f.keys)}"[:380]
        seen[base] += 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


@dataclass(frozen=True)
class Decision:
    decision: str
    reason: str | None
    user: str
    at: str

    @property
    def zh(self) -> str:
        return DECISION_ZH.get(self.decision, self.decision)


def counts(findings: list[Finding], decided: dict[str, Decision]) -> tuple[int, int, int]:
    """Errors and warnings of the report's own faults, and the reading gaps — the dismissed left out."""
    errors = warnings = gaps = 0
    for f, key in zip(findings, finding_keys(findings), strict=True):
        d = decided.get(key)
        if d is not None and d.decision == "dismissed":
            continue
        if f.scope == "reading":
            gaps += 1
        elif f.rule in ABOUT_THE_CHECK:
            continue
        elif f.severity == "error":
            errors += 1
        elif f.severity == "warning":
            warnings += 1
    return errors, warnings, gaps


def _decisions(conn: Connection, report_ids: Iterable[int]) -> dict[int, dict[str, Decision]]:
    ids = list(report_ids)
    out: dict[int, dict[str, Decision]] = {i: {} for i in ids}
    if not ids:
        return out
    rows = conn.execute(select(db.decisions).where(db.decisions.c.report_id.in_(ids)).order_by(db.decisions.c.id))
    for r in rows:
        if r.decision == "open":
            out[r.report_id].pop(r.finding, None)
        else:
            out[r.report_id][r.finding] = Decision(r.decision, r.reason, r.user_name, local_time(r.at))
    return out


# ---- corrections -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    key: str
    label: str
    before: float | None
    value: float
    reason: str
    user: str
    at: str


def _number(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


def _label(template: str | None, key: str) -> str:
    from nianbao.template import available, load

    if template in available():
        try:
            return load(template).describe(key)
        except (KeyError, ValueError):
            return key
    return key


def _corrections(conn: Connection, version_id: int, template: str | None) -> list[Correction]:
    rows = conn.execute(
        select(db.corrections).where(db.corrections.c.version_id == version_id).order_by(db.corrections.c.id)
    )
    return [
        Correction(r.key, _label(template, r.key), r.before, r.value, r.reason, r.user_name, local_time(r.at))
        for r in rows
    ]


def corrected(report: Report, fixes: list[Correction]) -> Report:
    """The report with each cell's latest correction as its value (marked in its provenance)."""
    if not fixes:
        return report
    values = dict(report.values)
    provenance = dict(report.provenance)
    for c in fixes:
        values[c.key] = _number(c.value)
        old = provenance.get(c.key)
        provenance[c.key] = Provenance(
            raw=old.raw if old is not None else None,
            status="ok",
            loc=old.loc if old is not None else {},
            note=f"人工更正：{c.reason}（{c.user}，{c.at}）",
        )
    return report.model_copy(update={"values": values, "provenance": provenance})


# ---- batches -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchInfo:
    id: int
    name: str
    created_at: str
    created_by: str | None
    reports: int
    with_errors: int
    by_status: dict[str, int]


def create_batch(engine: Engine, name: str, user: str) -> int:
    name = (name or "").strip()[:200] or f"批次 {datetime.now().strftime('%Y-%m-%d %H:%M')}"
    with engine.begin() as conn:
        key = conn.execute(insert(db.batches).values(name=name, created_at=now(), created_by=user)).inserted_primary_key
        assert key is not None
        batch_id = int(key[0])
        _log(conn, batch_id, None, user, "batch.create", f"建立批次“{name}”", None, {"name": name})
    return batch_id


def list_batches(engine: Engine) -> list[BatchInfo]:
    with engine.connect() as conn:
        rows = conn.execute(select(db.batches).order_by(db.batches.c.id.desc())).all()
        stats = conn.execute(
            select(
                db.reports.c.batch_id,
                db.reports.c.status,
                func.count(),
                func.sum(case((db.reports.c.errors > 0, 1), else_=0)),
            ).group_by(db.reports.c.batch_id, db.reports.c.status)
        ).all()
    per: dict[int, dict[str, int]] = {}
    errors: Counter[int] = Counter()
    for batch_id, status, n, with_errors in stats:
        per.setdefault(batch_id, {})[status] = int(n)
        errors[batch_id] += int(with_errors or 0)
    return [
        BatchInfo(
            r.id,
            r.name,
            local_time(r.created_at),
            r.created_by,
            sum(per.get(r.id, {}).values()),
            errors[r.id],
            per.get(r.id, {}),
        )
        for r in rows
    ]


def batch_info(engine: Engine, batch_id: int) -> BatchInfo:
    found = next((b for b in list_batches(engine) if b.id == batch_id), None)
    if found is None:
        raise NianbaoError(E_NOT_FOUND, f"没有编号为 {batch_id} 的批次")
    return found


@dataclass(frozen=True)
class Row:
    """One report of a batch as its dashboard shows it."""

    id: int
    agency: str | None
    year: int | None
    format: str | None
    template: str | None
    file_name: str
    status: str
    errors: int
    warnings: int
    gaps: int
    error_code: str | None
    error: str | None
    previous_label: str | None
    versions: int
    updated_at: str

    @property
    def status_zh(self) -> str:
        return STATUS_ZH.get(self.status, self.status)


def batch_rows(
    engine: Engine,
    batch_id: int,
    sort: Sort = "id",
    descending: bool = False,
    only_errors: bool = False,
    status: str | None = None,
    agency: str | None = None,
) -> list[Row]:
    r = db.reports
    where = [r.c.batch_id == batch_id]
    if only_errors:
        where.append(r.c.errors > 0)
    if status in STATUS_ZH:
        where.append(r.c.status == status)
    if agency:
        where.append(r.c.agency.contains(agency, autoescape=True))
    column = _SORT_COLUMNS[sort]
    order = [column.desc() if descending else column.asc(), r.c.id.asc()]
    if sort == "status":  # the way of the flow, not the alphabet
        rank = {s: i for i, s in enumerate(STATUS_ZH)}
        whens = [(r.c.status == s, i) for s, i in rank.items()]
        ranked = case(*whens, else_=len(rank))
        order = [ranked.desc() if descending else ranked.asc(), r.c.id.asc()]
    count = select(func.count()).where(db.versions.c.report_id == r.c.id).scalar_subquery()
    with engine.connect() as conn:
        rows = conn.execute(select(r, count.label("versions")).where(*where).order_by(*order)).all()
    return [
        Row(
            x.id,
            x.agency,
            x.year,
            x.format,
            x.template,
            x.file_name,
            x.status,
            x.errors,
            x.warnings,
            x.gaps,
            x.error_code,
            x.error,
            x.previous_label,
            int(x.versions),
            local_time(x.updated_at),
        )
        for x in rows
    ]


# ---- adding files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    report_id: int
    version: int
    resubmitted: bool
    duplicate: bool = False


def add_file(
    engine: Engine,
    batch_id: int,
    file_name: str,
    data: bytes,
    sha256: str,
    parsed: Report | NianbaoError,
    upload: str | None,
    user: str,
) -> Added:
    """A file into the batch: a new report; or, when the batch has the same agency's report of the
    same year, its new version (compared with the one before; a report sent back becomes 已整改);
    a file the batch has already is not added twice. The batch is checked again."""
    from nianbao.extract.history import same_agency

    with engine.begin() as conn:
        if conn.execute(select(db.batches.c.id).where(db.batches.c.id == batch_id)).first() is None:
            raise NianbaoError(E_NOT_FOUND, f"没有编号为 {batch_id} 的批次")
        at = now()
        existing = None
        if isinstance(parsed, Report) and parsed.agency and parsed.year is not None:
            candidates = conn.execute(
                select(db.reports).where(
                    db.reports.c.batch_id == batch_id,
                    db.reports.c.year == parsed.year,
                    db.reports.c.error_code.is_(None),
                )
            ).all()
            existing = next((c for c in candidates if same_agency(c.agency, parsed.agency)), None)
        if existing is not None:
            current = _current_version(conn, existing.id)
            if current is not None and current.sha256 == sha256:
                return Added(existing.id, current.number, resubmitted=False, duplicate=True)
            number = (current.number if current is not None else 0) + 1
            assert isinstance(parsed, Report)
            conn.execute(
                insert(db.versions).values(
                    report_id=existing.id,
                    number=number,
                    file_name=file_name,
                    sha256=sha256,
                    size=len(data),
                    data=data,
                    upload=upload,
                    parsed=parsed.to_json_dict(),
                    created_at=at,
                    created_by=user,
                )
            )
            changes: dict[str, Any] = {
                "file_name": file_name,
                "format": parsed.source.format,
                "template": parsed.template,
                "updated_at": at,
            }
            _log(
                conn,
                batch_id,
                existing.id,
                user,
                "report.resubmit",
                f"重新报送：{file_name}（第 {number} 版，替代第 {number - 1} 版）",
                {"version": number - 1, "file": existing.file_name},
                {"version": number, "file": file_name},
            )
            if existing.status == "returned":
                changes["status"] = "fixed"
                _log(
                    conn,
                    batch_id,
                    existing.id,
                    user,
                    "status.change",
                    "状态：已退回 → 已整改（重新报送）",
                    {"status": "returned"},
                    {"status": "fixed"},
                )
            conn.execute(update(db.reports).where(db.reports.c.id == existing.id).values(**changes))
            report_id, resubmitted = int(existing.id), True
        else:
            number = 1
            if isinstance(parsed, Report):
                values: dict[str, Any] = {
                    "agency": parsed.agency,
                    "year": parsed.year,
                    "format": parsed.source.format,
                    "template": parsed.template,
                }
            else:
                values = {"error_code": parsed.code, "error": parsed.reason}
            key = conn.execute(
                insert(db.reports).values(
                    batch_id=batch_id,
                    file_name=file_name,
                    status="pending",
                    errors=0,
                    warnings=0,
                    gaps=0,
                    previous_mode="auto",
                    created_at=at,
                    updated_at=at,
                    **values,
                )
            ).inserted_primary_key
            assert key is not None
            report_id, resubmitted = int(key[0]), False
            conn.execute(
                insert(db.versions).values(
                    report_id=report_id,
                    number=1,
                    file_name=file_name,
                    sha256=sha256,
                    size=len(data),
                    data=data,
                    upload=upload,
                    parsed=parsed.to_json_dict() if isinstance(parsed, Report) else None,
                    created_at=at,
                    created_by=user,
                )
            )
            if isinstance(parsed, Report):
                who = f"{parsed.agency or '机关未识别'} {parsed.year or '年度未识别'}"
                _log(
                    conn,
                    batch_id,
                    report_id,
                    user,
                    "report.upload",
                    f"上传：{file_name}（{who}）",
                    None,
                    {"file": file_name, "agency": parsed.agency, "year": parsed.year},
                )
            else:
                _log(
                    conn,
                    batch_id,
                    report_id,
                    user,
                    "report.upload",
                    f"上传：{file_name}（无法读取：{parsed.reason}）",
                    None,
                    {"file": file_name, "error": parsed.code},
                )
        recheck(conn, batch_id, [report_id])
    return Added(report_id, number, resubmitted)


def _current_version(conn: Connection, report_id: int) -> Any:
    return conn.execute(
        select(db.versions).where(db.versions.c.report_id == report_id).order_by(db.versions.c.number.desc()).limit(1)
    ).first()


# ---- checking ----------------------------------------------------------------------------------


@dataclass
class _Item:
    row: Any  # the ws_reports row
    version: Any  # its current version
    report: Report  # as read, with the corrections
    link: tuple[str, int] = ("batch", 0)
    findings: list[Finding] = field(default_factory=list)


def _corpus_history(conn: Connection, wanted: Iterable[Report]) -> dict[int, Report]:
    """The corpus's reports of the year before of these reports' agencies (by the corpus's key)."""
    from sqlalchemy import inspect

    from nianbao.corpus.db import fetch_report
    from nianbao.corpus.db import reports as corpus_reports
    from nianbao.corpus.names import normalize

    pairs = {(normalize(r.agency), r.year - 1) for r in wanted if r.agency and r.year is not None}
    pairs = {(n, y) for n, y in pairs if n}
    if not pairs or not inspect(conn).has_table("reports"):
        return {}
    ids = conn.execute(
        select(corpus_reports.c.id).where(
            corpus_reports.c.agency_norm.in_({n for n, _ in pairs}), corpus_reports.c.year.in_({y for _, y in pairs})
        )
    ).scalars()
    return {int(i): fetch_report(conn, int(i)).report() for i in ids}


def _label_of(kind: str, ref: int, report: Report, batch_id: int) -> tuple[str, str]:
    who = f"{report.agency or '机关未识别'} {report.year or ''}年"
    if kind == "corpus":
        return f"年报库：{who}", f"/corpus/reports/{ref}"
    return f"本批次：{who}（{report.source.path}）", f"/batches/{batch_id}/reports/{ref}"


_SPACE = re.compile(r"[\s\u3000\u00a0]+")


def _agency_key(name: str | None) -> str | None:
    """An agency as ``same_agency`` compares them (white space ignored)."""
    return _SPACE.sub("", name) if name else None


def recheck(conn: Connection, batch_id: int, only: Iterable[int] | None = None) -> None:
    """Check reports of the batch again, as read with their corrections: last year's report the
    one chosen by hand, or (``auto``) the one the library finds among the batch and the corpus
    (``nianbao.check_many``). Each version keeps its findings; each report its counts.

    ``only``: these reports and the batch's other reports of their agencies (whose cross-year
    checks read them) — the rest cannot have changed; None: every report."""
    from nianbao import check, check_many
    from nianbao.checks.crossyear import pick_previous
    from nianbao.corpus.db import fetch_report
    from nianbao.render.located import relocate

    rows = conn.execute(
        select(db.reports).where(db.reports.c.batch_id == batch_id, db.reports.c.error_code.is_(None))
    ).all()
    if only is None:
        targets = {r.id for r in rows}
        wanted = set(targets)
    else:
        given = set(only)
        agencies = {_agency_key(r.agency) for r in rows if r.id in given} - {None}
        targets = {r.id for r in rows if r.id in given or _agency_key(r.agency) in agencies}
        # the pool last year's report is picked from: the same agencies', those of no known agency,
        # and the reports chosen by hand
        wanted = targets | {r.id for r in rows if r.agency is None}
        wanted |= {r.previous_ref for r in rows if r.id in targets and r.previous_mode == "batch"}
        if any(r.agency is None for r in rows if r.id in targets):  # the library may take any agency's then
            wanted = {r.id for r in rows}
    items: dict[int, _Item] = {}
    for row in rows:
        if row.id not in wanted:
            continue
        version = _current_version(conn, row.id)
        if version is None or version.parsed is None:
            continue
        read = Report.model_validate(version.parsed)
        items[row.id] = _Item(row, version, corrected(read, _corrections(conn, version.id, read.template)))
    checking = [rid for rid in items if rid in targets]
    corpus = _corpus_history(conn, (items[rid].report for rid in checking))
    origin: dict[int, tuple[str, int]] = {id(i.report): ("batch", rid) for rid, i in items.items()}
    origin.update({id(r): ("corpus", cid) for cid, r in corpus.items()})
    previous: dict[int, Report | None] = {}
    auto = [rid for rid in checking if items[rid].row.previous_mode == "auto"]
    for rid in checking:
        item = items[rid]
        mode, ref = item.row.previous_mode, item.row.previous_ref
        if mode == "batch":
            chosen = items.get(ref)
            previous[rid] = chosen.report if chosen is not None else None
        elif mode == "corpus":
            try:
                previous[rid] = fetch_report(conn, int(ref)).report()
                origin[id(previous[rid])] = ("corpus", int(ref))
            except Exception:  # gone from the corpus: checked alone, and said so
                previous[rid] = None
        if mode in ("batch", "corpus", "none"):
            item.findings = check(item.report, previous=previous.get(rid))
    if auto:
        others = [i.report for rid, i in items.items() if rid not in auto]
        history = [*others, *corpus.values()]
        for rid, (_, found) in zip(auto, check_many([items[r].report for r in auto], history=history), strict=True):
            item = items[rid]
            item.findings = found
            pool = [*[items[r].report for r in auto], *history]
            previous[rid] = pick_previous(
                item.report, [p for p in pool if p.source.sha256 != item.report.source.sha256]
            )
    items = {rid: items[rid] for rid in checking}
    decided = _decisions(conn, items)
    at = now()
    for rid, item in items.items():
        found = relocate(item.report, item.findings)
        errors, warnings, gaps = counts(found, decided[rid])
        last = previous.get(rid)
        label = link = None
        if last is not None and id(last) in origin:
            kind, ref = origin[id(last)]
            label, link = _label_of(kind, ref, last, batch_id)
        elif item.row.previous_mode in ("batch", "corpus"):
            label = "（所选的上年报告已不在，未做跨年度核对）"
        conn.execute(
            update(db.versions)
            .where(db.versions.c.id == item.version.id)
            .values(
                checked=item.report.model_copy(update={"findings": found}).to_json_dict(),
                findings=[f.model_dump(mode="json") for f in found],
            )
        )
        conn.execute(
            update(db.reports)
            .where(db.reports.c.id == rid)
            .values(
                errors=errors,
                warnings=warnings,
                gaps=gaps,
                previous_label=label,
                previous_link=link,
                agency=item.report.agency,
                year=item.report.year,
                updated_at=at,
            )
        )


def _recount(conn: Connection, report_id: int) -> tuple[int, int, int]:
    version = _current_version(conn, report_id)
    found = [Finding.model_validate(f) for f in (version.findings or [])] if version is not None else []
    result = counts(found, _decisions(conn, [report_id])[report_id])
    errors, warnings, gaps = result
    conn.execute(
        update(db.reports).where(db.reports.c.id == report_id).values(errors=errors, warnings=warnings, gaps=gaps)
    )
    return result


# ---- one report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    file_name: str
    sha256: str
    size: int
    created_at: str
    created_by: str | None


@dataclass(frozen=True)
class CellChange:
    key: str
    label: str
    before: int | float | None
    after: int | float | None


@dataclass(frozen=True)
class Comparison:
    """A re-submitted report against the version before it."""

    before: int
    after: int
    cells: list[CellChange]
    fixed: list[Finding]
    new: list[Finding]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    report_id: int | None
    user: str
    at: str
    action: str
    summary: str
    before: Any
    after: Any


@dataclass
class Detail:
    id: int
    batch_id: int
    batch_name: str
    row: Row
    versions: list[VersionInfo]
    upload: str | None
    report: Report | None
    findings: list[Finding]
    keys: list[str]
    decisions: dict[str, Decision]
    corrections: list[Correction]
    comparison: Comparison | None
    audit: list[AuditEntry]
    previous_mode: str
    previous_ref: int | None
    previous_link: str | None
    version_id: int | None

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [(s, STATUS_ZH[s]) for s in FLOW.get(self.row.status, ())]


def _row(engine_or_conn: Connection, batch_id: int, report_id: int) -> Any:
    row = engine_or_conn.execute(
        select(db.reports).where(db.reports.c.id == report_id, db.reports.c.batch_id == batch_id)
    ).first()
    if row is None:
        raise NianbaoError(E_NOT_FOUND, f"批次 {batch_id} 中没有编号为 {report_id} 的报告")
    return row


def audit_trail(conn: Connection, batch_id: int, report_id: int | None = None) -> list[AuditEntry]:
    where = [db.audit.c.batch_id == batch_id]
    if report_id is not None:
        where.append(db.audit.c.report_id == report_id)
    rows = conn.execute(select(db.audit).where(*where).order_by(db.audit.c.id.desc()))
    return [
        AuditEntry(r.id, r.report_id, r.user_name, local_time(r.at), r.action, r.summary, r.before, r.after)
        for r in rows
    ]


def _compare(old: Any, new: Any, template: str | None) -> Comparison:
    before = Report.model_validate(old.parsed) if old.parsed else None
    after = Report.model_validate(new.parsed) if new.parsed else None
    cells = []
    if before is not None and after is not None:
        for key in dict.fromkeys([*before.values, *after.values]):
            a, b = before.values.get(key), after.values.get(key)
            if a != b:
                cells.append(CellChange(key, _label(template, key), a, b))
    old_found = [Finding.model_validate(f) for f in (old.findings or [])]
    new_found = [Finding.model_validate(f) for f in (new.findings or [])]
    old_keys, new_keys = finding_keys(old_found), finding_keys(new_found)
    fixed = [f for f, k in zip(old_found, old_keys, strict=True) if k not in set(new_keys)]
    added = [f for f, k in zip(new_found, new_keys, strict=True) if k not in set(old_keys)]
    return Comparison(old.number, new.number, cells, fixed, added)


def detail(engine: Engine, batch_id: int, report_id: int) -> Detail:
    with engine.connect() as conn:
        batch = conn.execute(select(db.batches.c.name).where(db.batches.c.id == batch_id)).scalar()
        if batch is None:
            raise NianbaoError(E_NOT_FOUND, f"没有编号为 {batch_id} 的批次")
        row = _row(conn, batch_id, report_id)
        all_versions = conn.execute(
            select(db.versions).where(db.versions.c.report_id == report_id).order_by(db.versions.c.number)
        ).all()
        current = all_versions[-1] if all_versions else None
        report = Report.model_validate(current.checked) if current is not None and current.checked else None
        found = list(report.findings) if report is not None else []
        fixes = _corrections(conn, current.id, row.template) if current is not None else []
        comparison = _compare(all_versions[-2], all_versions[-1], row.template) if len(all_versions) > 1 else None
        trail = audit_trail(conn, batch_id, report_id)
        decided = _decisions(conn, [report_id])[report_id]
    count = len(all_versions)
    return Detail(
        id=report_id,
        batch_id=batch_id,
        batch_name=batch,
        row=Row(
            row.id,
            row.agency,
            row.year,
            row.format,
            row.template,
            row.file_name,
            row.status,
            row.errors,
            row.warnings,
            row.gaps,
            row.error_code,
            row.error,
            row.previous_label,
            count,
            local_time(row.updated_at),
        ),
        versions=[
            VersionInfo(v.id, v.number, v.file_name, v.sha256, v.size, local_time(v.created_at), v.created_by)
            for v in all_versions
        ],
        upload=current.upload if current is not None else None,
        report=report,
        findings=found,
        keys=finding_keys(found),
        decisions=decided,
        corrections=fixes,
        comparison=comparison,
        audit=trail,
        previous_mode=row.previous_mode,
        previous_ref=row.previous_ref,
        previous_link=row.previous_link,
        version_id=current.id if current is not None else None,
    )


def original(engine: Engine, batch_id: int, report_id: int) -> tuple[str, bytes, int]:
    """The current version's file as uploaded: its name, bytes and version id."""
    with engine.connect() as conn:
        _row(conn, batch_id, report_id)
        version = _current_version(conn, report_id)
    if version is None:
        raise NianbaoError(E_NOT_FOUND, "该报告没有文件")
    return version.file_name, bytes(version.data), int(version.id)


def set_upload(engine: Engine, version_id: int, upload: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(db.versions).where(db.versions.c.id == version_id).values(upload=upload))


# ---- the review's actions ----------------------------------------------------------------------


def decide(
    engine: Engine, batch_id: int, report_id: int, finding: str, decision: str, reason: str | None, user: str
) -> None:
    """Confirm or dismiss a finding of the report's current check (or take the decision back: ``open``)."""
    if decision not in DECISION_ZH:
        raise NianbaoError(E_REQUEST, f"未知的审核结论“{decision}”（可用：confirmed、dismissed、open）")
    text = _reason(reason, required=decision == "dismissed")
    with engine.begin() as conn:
        _row(conn, batch_id, report_id)
        version = _current_version(conn, report_id)
        found = [Finding.model_validate(f) for f in (version.findings or [])] if version is not None else []
        keys = finding_keys(found)
        if finding not in keys:
            raise NianbaoError(E_NOT_FOUND, "当前检查结果中没有该问题（可能已随更正消失，请刷新页面）")
        which = found[keys.index(finding)]
        before = _decisions(conn, [report_id])[report_id].get(finding)
        conn.execute(
            insert(db.decisions).values(
                report_id=report_id, finding=finding, decision=decision, reason=text or None, user_name=user, at=now()
            )
        )
        errors, warnings, _ = _recount(conn, report_id)
        verb = {"confirmed": "确认问题", "dismissed": "排除问题", "open": "撤销对问题的结论"}[decision]
        summary = f"{verb}：{which.message}" + (f"（理由：{text}）" if text else "")
        _log(
            conn,
            batch_id,
            report_id,
            user,
            f"finding.{decision}",
            summary,
            {
                "finding": finding,
                "decision": before.decision if before else None,
                "reason": before.reason if before else None,
            },
            {"finding": finding, "decision": decision, "reason": text or None, "errors": errors, "warnings": warnings},
        )
        conn.execute(update(db.reports).where(db.reports.c.id == report_id).values(updated_at=now()))


def parse_value(text: str) -> float:
    cleaned = (text or "").strip().replace(",", "").replace("，", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise NianbaoError(E_REQUEST, f"更正值“{text[:50]}”不是数字") from None
    if value != value or abs(value) > 1e15:
        raise NianbaoError(E_REQUEST, f"更正值“{text[:50]}”超出范围")
    return value


def correct(engine: Engine, batch_id: int, report_id: int, key: str, value: float, reason: str, user: str) -> None:
    """A cell's value set by hand (who, when, why); the batch is checked again."""
    from nianbao.template import available, load

    text = _reason(reason)
    with engine.begin() as conn:
        row = _row(conn, batch_id, report_id)
        version = _current_version(conn, report_id)
        if version is None or version.checked is None:
            raise NianbaoError(E_REQUEST, "该文件无法读取，没有可更正的单元格")
        if row.template not in available() or key not in load(row.template).cell_keys():
            raise NianbaoError(E_REQUEST, f"该报告的表格中没有单元格“{key[:100]}”")
        before = version.checked["values"].get(key)
        errors_before = (row.errors, row.warnings)
        conn.execute(
            insert(db.corrections).values(
                version_id=version.id, key=key, before=before, value=value, reason=text, user_name=user, at=now()
            )
        )
        recheck(conn, batch_id, [report_id])
        after = conn.execute(
            select(db.reports.c.errors, db.reports.c.warnings).where(db.reports.c.id == report_id)
        ).one()
        label = _label(row.template, key)
        _log(
            conn,
            batch_id,
            report_id,
            user,
            "cell.correct",
            f"更正单元格 {label}：{_shown(before)} → {_shown(value)}（理由：{text}）；"
            f"重新检查：错误 {errors_before[0]} → {after.errors}，警告 {errors_before[1]} → {after.warnings}",
            {"key": key, "value": before, "errors": errors_before[0], "warnings": errors_before[1]},
            {"key": key, "value": _number(value), "errors": after.errors, "warnings": after.warnings},
        )


def _shown(v: float | None) -> str:
    n = _number(v)
    return "（空）" if n is None else str(n)


def set_status(engine: Engine, batch_id: int, report_id: int, status: str, note: str | None, user: str) -> None:
    text = _reason(note, required=False)
    with engine.begin() as conn:
        row = _row(conn, batch_id, report_id)
        if status not in STATUS_ZH:
            raise NianbaoError(E_REQUEST, f"未知的状态“{status[:20]}”")
        if status not in FLOW.get(row.status, ()):
            raise NianbaoError(
                E_REQUEST, f"状态不能从“{STATUS_ZH.get(row.status, row.status)}”改为“{STATUS_ZH[status]}”"
            )
        conn.execute(update(db.reports).where(db.reports.c.id == report_id).values(status=status, updated_at=now()))
        summary = f"状态：{STATUS_ZH.get(row.status, row.status)} → {STATUS_ZH[status]}" + (
            f"（{text}）" if text else ""
        )
        _log(
            conn,
            batch_id,
            report_id,
            user,
            "status.change",
            summary,
            {"status": row.status},
            {"status": status, "note": text or None},
        )


def set_previous(engine: Engine, batch_id: int, report_id: int, choice: str, user: str) -> None:
    """Last year's report: ``auto`` (found by the library), ``none``, ``batch:ID`` or ``corpus:ID``."""
    from nianbao.corpus.db import reports as corpus_reports

    kind, _, ref_text = choice.partition(":")
    if kind not in ("auto", "none", "batch", "corpus") or (kind in ("batch", "corpus") and not ref_text.isdigit()):
        raise NianbaoError(E_REQUEST, "上年报告的选择无效（auto、none、batch:编号 或 corpus:编号）")
    ref = int(ref_text) if ref_text.isdigit() and kind in ("batch", "corpus") else None
    with engine.begin() as conn:
        row = _row(conn, batch_id, report_id)
        if kind == "batch" and (
            ref == report_id
            or conn.execute(
                select(db.reports.c.id).where(and_(db.reports.c.id == ref, db.reports.c.batch_id == batch_id))
            ).first()
            is None
        ):
            raise NianbaoError(E_NOT_FOUND, f"本批次中没有可作上年报告的编号 {ref}")
        if (
            kind == "corpus"
            and conn.execute(select(corpus_reports.c.id).where(corpus_reports.c.id == ref)).first() is None
        ):
            raise NianbaoError(E_NOT_FOUND, f"年报库中没有编号为 {ref} 的报告")
        conn.execute(
            update(db.reports).where(db.reports.c.id == report_id).values(previous_mode=kind, previous_ref=ref)
        )
        recheck(conn, batch_id, [report_id])
        label = conn.execute(select(db.reports.c.previous_label).where(db.reports.c.id == report_id)).scalar()
        said = {"auto": "自动匹配", "none": "不做跨年度核对"}.get(kind, label or choice)
        _log(
            conn,
            batch_id,
            report_id,
            user,
            "previous.set",
            f"上年报告：{said}",
            {"mode": row.previous_mode, "ref": row.previous_ref, "label": row.previous_label},
            {"mode": kind, "ref": ref, "label": label},
        )


def previous_choices(engine: Engine, batch_id: int, report_id: int) -> list[tuple[str, str]]:
    """What a reviewer may pick as last year's report: the batch's other reports (of an earlier
    year) and the corpus's reports of the same agency."""
    from nianbao.corpus.db import reports as corpus_reports
    from nianbao.corpus.names import normalize

    out: list[tuple[str, str]] = []
    with engine.connect() as conn:
        row = _row(conn, batch_id, report_id)
        others = conn.execute(
            select(db.reports.c.id, db.reports.c.agency, db.reports.c.year, db.reports.c.file_name)
            .where(db.reports.c.batch_id == batch_id, db.reports.c.id != report_id, db.reports.c.error_code.is_(None))
            .order_by(db.reports.c.agency, db.reports.c.year)
        ).all()
        for o in others:
            if row.year is None or o.year is None or o.year < row.year:
                out.append((f"batch:{o.id}", f"本批次：{o.agency or '机关未识别'} {o.year or ''}年（{o.file_name}）"))
        norm = normalize(row.agency)
        if norm:
            from sqlalchemy import inspect

            if inspect(conn).has_table("reports"):
                for c in conn.execute(
                    select(corpus_reports.c.id, corpus_reports.c.agency, corpus_reports.c.year)
                    .where(corpus_reports.c.agency_norm == norm)
                    .order_by(corpus_reports.c.year.desc())
                    .limit(50)
                ):
                    out.append((f"corpus:{c.id}", f"年报库：{c.agency} {c.year or ''}年（编号 {c.id}）"))
    return out
