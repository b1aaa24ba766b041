"""A 问题清单 per report, ready to send to the agency (Word and Excel), and one workbook of
everything for the reviewer. The agency's files hold only the report's own faults: what nianbao
could not read is the reviewer's business, in its own sheet of 全部问题.xlsx."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook

from nianbao.checks.base import SEVERITY_ZH
from nianbao.checks.render_findings import CheckResult
from nianbao.render.style import fonts
from nianbao.report import Finding, Report
from nianbao.review.rows import UNKNOWN_AGENCY, UNKNOWN_YEAR, Sheet, scope_sheet, summarize, summary_sheet, to_fix
from nianbao.review.write import fill_sheet, workbook

ALL_FINDINGS = "全部问题.xlsx"
LIST_HEADERS = ("序号", "严重程度", "位置", "问题说明")
_COLUMN_CM = (1.2, 2.0, 4.4, 8.4)  # A4 less 2.5 cm margins: 16 cm
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_NAME = 80
NOTHING_TO_FIX = "未发现需要修改的问题。"
NOTE = "说明：“位置”中的页码、行号指所报送文件中的页码、行号；表格的行、列以其栏目名称标明。"


def write_per_agency(results: list[CheckResult], directory: Path, checked: date) -> list[Path]:
    """``<机关>-<年度>-问题清单.docx`` and ``.xlsx`` for every report read, then ``全部问题.xlsx``
    (sheets 汇总, 报告问题, 读取问题); the paths written, in that order."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for r in results:
        if r.report is None:
            continue
        base = _file_base(r.report, r.source, taken)
        own = to_fix(r.findings)
        preamble = _preamble(r.report, r.source, own, checked)
        written.append(_write_docx(directory / f"{base}.docx", _title(r.report), preamble, own))
        written.append(_write_xlsx(directory / f"{base}.xlsx", preamble, own))
    everything = directory / ALL_FINDINGS
    sheets = [summary_sheet(summarize(results)), scope_sheet(results, "report"), scope_sheet(results, "reading")]
    workbook(sheets).save(everything)
    written.append(everything)
    return written


def safe_name(text: str) -> str:
    """A file name from an agency's name: no path separators or characters Windows refuses,
    no leading or trailing dots and spaces, not too long."""
    return _UNSAFE.sub("_", text).strip(" .")[:_MAX_NAME] or UNKNOWN_AGENCY


def _file_base(report: Report, source: str, taken: set[str]) -> str:
    """``<机关>-<年度>-问题清单``; a second report of the same agency and year (another file of
    it) gets its file's name added, so no list overwrites another."""
    base = safe_name(f"{report.agency or UNKNOWN_AGENCY}-{report.year or UNKNOWN_YEAR}-问题清单")
    if base in taken:
        base = safe_name(f"{base}（{Path(source).stem}）")
    n = 2
    unique = base
    while unique in taken:
        unique, n = f"{base}-{n}", n + 1
    taken.add(unique)
    return unique


def _title(report: Report) -> str:
    year = f"{report.year}年" if report.year else ""
    return f"{report.agency or UNKNOWN_AGENCY}{year}政府信息公开工作年度报告问题清单"


def _preamble(report: Report, source: str, own: list[Finding], checked: date) -> list[tuple[str, str]]:
    counts = "，".join(f"{zh} {sum(f.severity == sev for f in own)} 项" for sev, zh in SEVERITY_ZH.items())
    return [
        ("机关", report.agency or UNKNOWN_AGENCY),
        ("年度", str(report.year) if report.year else UNKNOWN_YEAR),
        ("文件", Path(source).name),
        ("检查日期", checked.isoformat()),
        ("问题", f"共 {len(own)} 项：{counts}" if own else NOTHING_TO_FIX),
    ]


def _rows(own: list[Finding]) -> list[tuple[object, ...]]:
    return [(i, SEVERITY_ZH[f.severity], f.where or "全文", f.message) for i, f in enumerate(own, 1)]


def _write_xlsx(path: Path, preamble: list[tuple[str, str]], own: list[Finding]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    fill_sheet(ws, Sheet("问题清单", LIST_HEADERS, _rows(own)), preamble)
    wb.save(path)
    return path


def titled_document(
    title: str, preamble: list[tuple[str, str]], *, body_pt: float = 11, landscape: bool = False
) -> docx.document.Document:
    """A reviewer's Word page up to its table: A4 (portrait, or landscape for wide tables), the body
    font, the title centred and bold, then the preamble as 「标签：值」 lines."""
    from docx.enum.section import WD_ORIENT

    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = fonts().body
    normal.font.size = Pt(body_pt)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts().body)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
    doc.core_properties.title = title
    doc.core_properties.author = "nianbao"
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.bold, run.font.size = True, Pt(15)
    for label, value in preamble:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(2)
        p.add_run(f"{label}：").bold = True
        p.add_run(value)
    return doc


def _write_docx(path: Path, title: str, preamble: list[tuple[str, str]], own: list[Finding]) -> Path:
    """A page to send: the title, who and what was checked and when, then the table of faults."""
    doc = titled_document(title, preamble)
    if own:
        _findings_table(doc, _rows(own))
        note = doc.add_paragraph().add_run(NOTE)
        note.font.size = Pt(9)
    doc.save(str(path))
    return path


def _findings_table(doc: docx.document.Document, rows: list[tuple[object, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(LIST_HEADERS))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on every page
    for cell, text in zip(header.cells, LIST_HEADERS, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(str(value))
    for column, cm in zip(table.columns, _COLUMN_CM, strict=True):
        column.width = Cm(cm)  # the grid, which LibreOffice reads
        for cell in column.cells:
            cell.width = Cm(cm)  # the cells, which Word reads
