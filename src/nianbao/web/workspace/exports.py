"""The exports of a batch, made by the writers of ``nianbao check --per-agency`` and ``--summary``
(``nianbao.review``) from the reviewed findings: a dismissed finding is left out, a confirmed one
is marked 【已确认】. The batch summary adds each report's review status."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select

from nianbao.checks.render_findings import CheckResult
from nianbao.errors import NianbaoError
from nianbao.report import Finding, Report
from nianbao.web.errors import E_NOT_FOUND
from nianbao.web.workspace import db
from nianbao.web.workspace.service import STATUS_ZH, Decision, _decisions, finding_keys

CONFIRMED = "【已确认】"
SUMMARY_EXTRA = ("审核状态", "版本")


@dataclass(frozen=True)
class Reviewed:
    """One report of a batch with its findings as the review left them."""

    report_id: int
    source: str
    report: Report | None
    findings: list[Finding]
    status: str
    versions: int
    error_code: str | None
    error: str | None

    def result(self) -> CheckResult:
        if self.report is None:
            return CheckResult(self.source, error=NianbaoError(self.error_code or "E_READ", self.error or "无法读取"))
        return CheckResult(self.source, self.report, self.findings)


def reviewed(findings: list[Finding], decided: dict[str, Decision]) -> list[Finding]:
    """The findings less the dismissed, the confirmed marked in their message."""
    out = []
    for f, key in zip(findings, finding_keys(findings), strict=True):
        d = decided.get(key)
        if d is not None and d.decision == "dismissed":
            continue
        if d is not None and d.decision == "confirmed":
            f = f.model_copy(update={"message": CONFIRMED + f.message})
        out.append(f)
    return out


def load(engine: Engine, batch_id: int, report_id: int | None = None) -> tuple[str, list[Reviewed]]:
    """The batch's name and its reports (or the one), reviewed."""
    with engine.connect() as conn:
        name = conn.execute(select(db.batches.c.name).where(db.batches.c.id == batch_id)).scalar()
        if name is None:
            raise NianbaoError(E_NOT_FOUND, f"没有编号为 {batch_id} 的批次")
        where = [db.reports.c.batch_id == batch_id]
        if report_id is not None:
            where.append(db.reports.c.id == report_id)
        rows = conn.execute(select(db.reports).where(*where).order_by(db.reports.c.id)).all()
        if report_id is not None and not rows:
            raise NianbaoError(E_NOT_FOUND, f"批次 {batch_id} 中没有编号为 {report_id} 的报告")
        decided = _decisions(conn, [r.id for r in rows])
        out = []
        for r in rows:
            versions = conn.execute(
                select(db.versions.c.checked).where(db.versions.c.report_id == r.id).order_by(db.versions.c.number)
            ).all()
            checked = versions[-1].checked if versions else None
            report = Report.model_validate(checked) if checked else None
            found = reviewed(list(report.findings), decided[r.id]) if report is not None else []
            out.append(Reviewed(r.id, r.file_name, report, found, r.status, len(versions), r.error_code, r.error))
    return str(name), out


def issue_list(engine: Engine, batch_id: int, report_id: int, fmt: str) -> tuple[str, bytes]:
    """The 问题清单 of one report, to send to its agency (``xlsx`` or ``docx``): name and bytes."""
    from nianbao.review import write_per_agency

    _, (item,) = load(engine, batch_id, report_id)
    if item.report is None:
        raise NianbaoError(E_NOT_FOUND, "该文件无法读取，没有问题清单")
    with tempfile.TemporaryDirectory(prefix="nianbao-export-") as tmp:
        written = write_per_agency([item.result()], Path(tmp), date.today())
        path = next(p for p in written if p.suffix == f".{fmt}")
        return path.name, path.read_bytes()


def issue_lists_zip(engine: Engine, batch_id: int) -> tuple[str, bytes]:
    """Every report's 问题清单 (DOCX and XLSX) and 全部问题.xlsx, in one ZIP."""
    from nianbao.review import write_per_agency

    name, items = load(engine, batch_id)
    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="nianbao-export-") as tmp:
        written = write_per_agency([i.result() for i in items], Path(tmp), date.today())
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for path in written:
                z.write(path, path.name)
    return f"{name}-问题清单.zip", out.getvalue()


def _summary_rows(items: list[Reviewed]) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    from nianbao.review.rows import SUMMARY_HEADERS, summarize

    rows = []
    for item in items:
        (row,) = summarize([item.result()])
        rows.append((row, item))
    rows.sort(key=lambda p: (p[0].error_code is None, -(p[0].errors or 0), -(p[0].warnings or 0), p[0].file))
    headers = (*SUMMARY_HEADERS, *SUMMARY_EXTRA)
    return headers, [(*row.cells(), STATUS_ZH.get(item.status, item.status), item.versions) for row, item in rows]


def summary(engine: Engine, batch_id: int, fmt: str) -> tuple[str, bytes]:
    """The batch summary, one row per report with its review status (``xlsx`` or ``docx``)."""
    from nianbao.review.rows import Sheet
    from nianbao.review.write import workbook

    name, items = load(engine, batch_id)
    headers, rows = _summary_rows(items)
    title = f"{name}-审核汇总"
    if fmt == "xlsx":
        out = io.BytesIO()
        workbook([Sheet("汇总", headers, rows)]).save(out)
        return f"{title}.xlsx", out.getvalue()
    return f"{title}.docx", _summary_docx(name, headers, rows, items)


def _summary_docx(name: str, headers: tuple[str, ...], rows: list[tuple[object, ...]], items: list[Reviewed]) -> bytes:
    from docx.oxml import OxmlElement

    from nianbao.review.agency import titled_document

    keep = [i for i, h in enumerate(headers) if h not in ("推算单元格", "无法读取单元格", "模板")]
    by_status = {zh: sum(i.status == s for i in items) for s, zh in STATUS_ZH.items()}
    facts = [
        ("日期", date.today().isoformat()),
        ("报告", f"共 {len(items)} 份：" + "，".join(f"{zh} {n}" for zh, n in by_status.items())),
        ("说明", "错误、警告不含审核中已排除的问题；读取问题是 nianbao 未能读出的内容，不是报送机关的问题。"),
    ]
    doc = titled_document(f"{name} 审核汇总", facts, body_pt=10, landscape=True)
    table = doc.add_table(rows=1, cols=len(keep))
    table.style = "Table Grid"
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, i in zip(header.cells, keep, strict=True):
        cell.paragraphs[0].add_run(headers[i]).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, i in zip(cells, keep, strict=True):
            cell.paragraphs[0].add_run("" if values[i] is None else str(values[i]))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
