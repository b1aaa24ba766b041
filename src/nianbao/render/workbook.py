"""The Excel workbook a person fills in: one sheet of prose and one sheet per table, each
table laid out with the official merged cells (the same layout as every output), values in
the white cells. ``write`` makes it (empty, or filled from a draft); ``read`` takes it back,
checking the labels are where the layout puts them."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.errors import E_DATA, NianbaoError
from nianbao.extract.normalize import norm_label
from nianbao.render.content import format_value
from nianbao.render.inputs import Draft
from nianbao.render.layout import TableLayout, layout
from nianbao.render.validate import coerce, raise_if
from nianbao.report import Source
from nianbao.template import available, load

MARKER_SHEET = "_nianbao"
MARKER = "nianbao.render.workbook/1"
INFO_SHEET = "基本信息"
INFO_ROWS = ("机关名称", "年度", "模板版本", "前言")
TABLE_TOP = 3  # the layout's first row sits on this sheet row (1: heading, 2: hint)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP_LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")


def is_render_workbook(data: bytes) -> bool:
    """True for a workbook made by ``write`` (a hidden marker sheet), without a full load."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return MARKER_SHEET.encode() in z.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError):
        return False


def _info_sheet(ws: Worksheet, draft: Draft | None, version: str) -> None:
    template = load(version)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    rows: list[tuple[str, object]] = [
        (INFO_ROWS[0], draft.agency if draft else None),
        (INFO_ROWS[1], draft.year if draft else None),
        (INFO_ROWS[2], version),
        (INFO_ROWS[3], draft.preface if draft else None),
    ]
    plan = layout(version)
    rows += [(s.heading, draft.sections.get(s.no) if draft else None) for s in plan.sections]
    for r, (label, value) in enumerate(rows, start=1):
        a, b = ws.cell(r, 1, label), ws.cell(r, 2, value)
        a.font = Font(bold=True)
        a.fill = _LABEL_FILL
        a.alignment = _WRAP_LEFT
        b.alignment = Alignment(wrap_text=True, vertical="top")
        a.border = b.border = _BORDER
        if r > len(INFO_ROWS):
            ws.row_dimensions[r].height = 120
    ws.cell(len(rows) + 2, 1, f"{template.name}（{template.basis}）。表格在后面的工作表中；未填写的单元格按0计。")


def _table_sheet(ws: Worksheet, t: TableLayout, heading: str, draft: Draft | None) -> None:
    total = sum(t.weights)
    for i, w in enumerate(t.weights, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6.0, 110 * w / total)
    ws.cell(1, 1, heading).font = Font(bold=True, size=14)
    ws.cell(2, 1, "在白色单元格中填写数值；灰色为表头，请勿改动。")
    for c in t.cells():
        top, left = TABLE_TOP + c.row, 1 + c.col
        for r in range(top, top + c.rowspan):
            for k in range(left, left + c.colspan):
                ws.cell(r, k).border = _BORDER
        cell = ws.cell(top, left)
        if c.kind == "value":
            value = draft.values.get(c.key) if draft and c.key else None
            cell.value = value
            cell.alignment = _WRAP
            cell.number_format = "0.####" if isinstance(value, float) else "0"
        else:
            cell.value = c.text
            cell.fill = _LABEL_FILL
            cell.alignment = _WRAP_LEFT if c.kind in ("label", "note") else _WRAP
            for r in range(top, top + c.rowspan):
                for k in range(left, left + c.colspan):
                    ws.cell(r, k).fill = _LABEL_FILL
        if c.rowspan > 1 or c.colspan > 1:
            bottom, right = top + c.rowspan - 1, left + c.colspan - 1
            ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    for r in range(TABLE_TOP, TABLE_TOP + len(t.rows)):
        ws.row_dimensions[r].height = 30


def write(version: str, draft: Draft | None = None) -> bytes:
    """The workbook for a template version, empty or filled from a draft."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    _info_sheet(info, draft, version)
    plan = layout(version)
    for s in plan.sections:
        for t in s.tables:
            _table_sheet(wb.create_sheet(s.heading[:31]), t, s.heading, draft)
    marker = wb.create_sheet(MARKER_SHEET)
    marker["A1"], marker["A2"] = MARKER, version
    marker.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_value(value)
    text = str(value).strip()
    return text or None


def read(data: bytes, source: Source) -> Draft:
    """A Draft from a filled workbook; E_DATA naming the sheet cell and the field."""
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise NianbaoError(E_DATA, f"无法读取工作簿：{e}") from None
    version = str(wb[MARKER_SHEET]["A2"].value)
    if version not in available():
        raise NianbaoError(E_DATA, f"工作簿的模板版本“{version}”未知")
    template = load(version)
    plan = layout(version)
    problems: list[str] = []
    draft = Draft(source=source, template=version)
    if INFO_SHEET not in wb.sheetnames:
        raise NianbaoError(E_DATA, f"工作簿缺少工作表“{INFO_SHEET}”")
    info = wb[INFO_SHEET]
    by_label = {norm_label(str(info.cell(r, 1).value or "")): info.cell(r, 2).value for r in range(1, info.max_row + 1)}
    draft.agency = _text(by_label.get(INFO_ROWS[0]))
    year = _text(by_label.get(INFO_ROWS[1]))
    if year is not None and not year.isdigit():
        problems.append(f"工作表“{INFO_SHEET}”中的年度“{year}”不是整数")
    draft.year = int(year) if year and year.isdigit() else None
    draft.preface = _text(by_label.get(INFO_ROWS[3]))
    for s in plan.sections:
        text = _text(by_label.get(norm_label(s.heading)))
        if text:
            draft.sections[s.no] = text
    for s in plan.sections:
        for t in s.tables:
            name = s.heading[:31]
            if name not in wb.sheetnames:
                problems.append(f"工作簿缺少工作表“{name}”")
                continue
            ws = wb[name]
            for c in t.cells():
                where = f"工作表“{name}”单元格{get_column_letter(1 + c.col)}{TABLE_TOP + c.row}"
                raw = ws.cell(TABLE_TOP + c.row, 1 + c.col).value
                if c.kind != "value" or c.key is None:
                    if norm_label(str(raw or "")) != norm_label(c.text):
                        problems.append(f"{where}应为“{c.text}”，实为“{raw or ''}”（请勿改动表格结构）")
                    continue
                if _text(raw) is None:
                    continue
                number, why = coerce(template, c.key, raw)
                if why:
                    problems.append(f"{where}：{why}")
                elif number is not None:
                    draft.values[c.key] = number
    raise_if(problems)
    return draft
