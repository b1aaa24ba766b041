"""The Excel workbook a person fills in: one sheet of prose and one sheet per table (表二 表三
表四), each table laid out with the official merged cells (the same layout as every output),
values in the white cells. ``write`` makes it (empty, or filled from a draft); ``read`` takes it
back, checking the labels are where the layout puts them.

What makes it safe to fill in: every total the format defines as a sum (总计 columns, （七）总计,
表四's group totals) is a formula, so it is right by construction; every value cell accepts only
what its column allows (a whole number ≥ 0, 万元 with decimals); the label cells are protected
(no password: the protection stops slips, not people); the sheet 校验 lists the format's
equations, each computed live, and the rules ``nianbao check`` applies. A total typed over its
formula is read as typed, so that the check reports it at its cell."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.errors import E_DATA, NianbaoError
from nianbao.extract.normalize import norm_label
from nianbao.numbering import cn_numeral
from nianbao.readers.limits import Limits
from nianbao.readers.zipsafe import open_zip, read_part
from nianbao.render.content import format_value
from nianbao.render.inputs import Draft
from nianbao.render.layout import TableLayout, layout
from nianbao.render.validate import coerce, raise_if
from nianbao.report import Source
from nianbao.template import Template, available, load

MARKER_SHEET = "_nianbao"
MARKER = "nianbao.render.workbook/1"
INFO_SHEET = "基本信息"
INFO_ROWS = ("机关名称", "年度", "模板版本", "前言")
TABLE_TOP = 3  # the layout's first row sits on this sheet row (1: heading, 2: hint)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="EDEDED")
_FORMULA_FILL = PatternFill("solid", fgColor="FFF2CC")
CHECK_SHEET = "校验"
_UNLOCKED = Protection(locked=False)
_SUM = re.compile(r"^=SUM\(([A-Z0-9:,$]+)\)$")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_WRAP_LEFT = Alignment(wrap_text=True, vertical="center", horizontal="left")


def is_render_workbook(data: bytes, limits: Limits | None = None) -> bool:
    """True for a workbook made by ``write`` (a hidden marker sheet), without a full load: only
    xl/workbook.xml is read, within ``limits`` (a ZIP bomb or a damaged file is no workbook of
    ours; the readers then say what it is)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    limits = limits or Limits()
    try:
        with open_zip(data, limits) as z:
            part = read_part(z, "xl/workbook.xml", limits)
    except NianbaoError:
        return False
    return part is not None and MARKER_SHEET.encode() in part


def sheet_name(section: int) -> str:
    """The sheet of the table of a section: 表二 for section 二, as reviewers name the tables."""
    return f"表{cn_numeral(section)}"


def _info_sheet(ws: Worksheet, draft: Draft | None, version: str) -> None:
    template = load(version)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    rows: list[tuple[str, str | int | None]] = [
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
        if label != INFO_ROWS[2]:
            b.protection = _UNLOCKED
        if r > len(INFO_ROWS):
            ws.row_dimensions[r].height = 120
    ws.cell(len(rows) + 2, 1, f"{template.name}（{template.basis}）。表格在后面的工作表中；未填写的单元格按0计。")
    ws.protection.sheet = True


def formulas(template: Template) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Cell key → (rule, the keys it sums) for every cell the format defines as a sum of others."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for eq in template.equations():
        if len(eq.lhs) == 1 and eq.lhs[0] not in out:
            out[eq.lhs[0]] = (eq.rule, eq.rhs)
    return out


def addresses(t: TableLayout) -> dict[str, str]:
    """Cell key → its address on the table's sheet (C12)."""
    return {c.key: f"{get_column_letter(1 + c.col)}{TABLE_TOP + c.row}" for c in t.cells() if c.key}


def _sum_formula(cells: list[str]) -> str:
    """=SUM(D6:I6) when the cells run along one row or column, else =SUM(D6,D8,…)."""
    parsed = [coordinate_from_string(a) for a in cells]
    cols = [c for c, _ in parsed]
    rows = [r for _, r in parsed]
    idx = [column_index_from_string(c) for c in cols]
    if len(set(rows)) == 1 and idx == list(range(idx[0], idx[0] + len(idx))):
        return f"=SUM({cells[0]}:{cells[-1]})"
    if len(set(cols)) == 1 and rows == list(range(rows[0], rows[0] + len(rows))):
        return f"=SUM({cells[0]}:{cells[-1]})"
    return f"=SUM({','.join(cells)})"


def _validation(kind: str) -> DataValidation:
    if kind == "decimal":
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "请填写不小于0的数字（可有小数）。"
    elif kind == "signed":
        dv = DataValidation(type="whole", operator="between", formula1="-1000000000", formula2="1000000000")
        dv.error = "请填写整数（可为负数）。"
    else:
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = "请填写不小于0的整数。"
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorTitle = "数值不符合要求"
    return dv


def _table_sheet(ws: Worksheet, t: TableLayout, heading: str, draft: Draft | None, template: Template) -> None:
    total = sum(t.weights)
    for i, w in enumerate(t.weights, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(6.0, 110 * w / total)
    ws.cell(1, 1, heading).font = Font(bold=True, size=14)
    ws.cell(2, 1, "在白色单元格中填写数值；浅黄色为合计公式，自动计算；灰色为表头，已保护。")
    at = addresses(t)
    sums = formulas(template)
    checks: dict[str, DataValidation] = {}
    for c in t.cells():
        top, left = TABLE_TOP + c.row, 1 + c.col
        for r in range(top, top + c.rowspan):
            for k in range(left, left + c.colspan):
                ws.cell(r, k).border = _BORDER
        cell = ws.cell(top, left)
        if c.kind == "value" and c.key:
            value = draft.values.get(c.key) if draft else None
            rule = sums.get(c.key)
            parts = rule[1] if rule and all(k in at for k in rule[1]) else None
            expected = sum(draft.values.get(k, 0) for k in parts) if draft and parts else 0
            if parts is not None and (value if value is not None else 0) == expected:
                cell.value = _sum_formula([at[k] for k in parts])
                cell.fill = _FORMULA_FILL
            else:
                cell.value = value
            cell.alignment = _WRAP
            cell.protection = _UNLOCKED
            kind = template.column(c.key).kind
            cell.number_format = "0.####" if kind == "decimal" else "0"
            checks.setdefault(kind, _validation(kind)).add(cell.coordinate)
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
    for dv in checks.values():
        ws.add_data_validation(dv)
    for r in range(TABLE_TOP, TABLE_TOP + len(t.rows)):
        ws.row_dimensions[r].height = 30
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False


def _check_sheet(ws: Worksheet, version: str) -> None:
    """The format's equations, each computed from the table sheets, then the rules of ``nianbao check``."""
    from nianbao.checks import RULES

    template = load(version)
    plan = layout(version)
    where = {k: f"{sheet_name(s.no)}!{a}" for s in plan.sections for t in s.tables for k, a in addresses(t).items()}
    sheet_of = {k: w.split("!")[0] for k, w in where.items()}
    head = ("规则", "说明", "单元格", "左边", "右边", "结果")
    for i, (text, width) in enumerate(zip(head, (18, 44, 40, 10, 10, 10), strict=True), start=1):
        cell = ws.cell(1, i, text)
        cell.font = Font(bold=True)
        cell.fill = _LABEL_FILL
        ws.column_dimensions[get_column_letter(i)].width = width
    r = 1
    for eq in template.equations():
        if not all(k in where for k in (*eq.lhs, *eq.rhs)):
            continue
        r += 1
        first = eq.lhs[0]
        ws.cell(r, 1, eq.rule)
        ws.cell(r, 2, eq.description)
        along = template.column(first) if first.endswith(f".{eq.along}") else template.row(first)
        ws.cell(r, 3, template.describe(first) if len(eq.lhs) == 1 else f"{sheet_of[first]}“{along.label}”")
        ws.cell(r, 4, "=" + "+".join(where[k] for k in eq.lhs))
        ws.cell(r, 5, "=" + "+".join(where[k] for k in eq.rhs))
        ws.cell(r, 6, f'=IF(D{r}=E{r},"相符","不相符")')
    r += 2
    title = "nianbao check 对本工作簿适用的全部规则（在命令行运行：nianbao check 本文件.xlsx）"
    ws.cell(r, 1, title).font = Font(bold=True)
    for rule in RULES:
        r += 1
        ws.cell(r, 1, rule.id)
        ws.cell(r, 2, rule.description_zh)
        ws.cell(r, 3, {"error": "错误", "warning": "警告", "info": "提示"}.get(rule.severity, rule.severity))
    ws.freeze_panes = "A2"
    ws.protection.sheet = True


def write(version: str, draft: Draft | None = None) -> bytes:
    """The workbook for a template version, empty or filled from a draft."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = INFO_SHEET
    _info_sheet(info, draft, version)
    plan = layout(version)
    template = load(version)
    for s in plan.sections:
        for t in s.tables:
            _table_sheet(wb.create_sheet(sheet_name(s.no)), t, s.heading, draft, template)
    _check_sheet(wb.create_sheet(CHECK_SHEET), version)
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


def _evaluate(ws: Worksheet, cached: Worksheet, address: str, seen: frozenset[str] = frozenset()) -> Any:
    """A cell's value: the value Excel or LibreOffice saved with a formula, else the formula
    computed here (only the ``=SUM(…)`` this module writes); None when every cell it sums is empty."""
    raw = ws[address].value
    if not (isinstance(raw, str) and raw.startswith("=")):
        return raw
    saved = cached[address].value
    if saved is not None:
        return saved
    m = _SUM.match(raw.replace(" ", "").upper())
    if m is None or address in seen:
        return raw  # not ours: read as text, and reported as not a number
    refs: list[str] = []
    for arg in m.group(1).replace("$", "").split(","):
        lo_col, lo_row, hi_col, hi_row = range_boundaries(arg if ":" in arg else f"{arg}:{arg}")
        assert lo_col is not None and lo_row is not None and hi_col is not None and hi_row is not None
        refs += [f"{get_column_letter(c)}{r}" for r in range(lo_row, hi_row + 1) for c in range(lo_col, hi_col + 1)]
    parts = [_evaluate(ws, cached, a, seen | {address}) for a in refs]
    if all(p is None for p in parts):
        return None
    total: Any = 0
    for p in parts:
        if p is None:
            continue
        number, why = coerce_any(p)
        if why:
            return raw
        total += number
    return total


def coerce_any(raw: object) -> tuple[float | int, bool]:
    """A summed cell as a number; True when it is not one."""
    if isinstance(raw, bool):
        return 0, True
    if isinstance(raw, int | float):
        return raw, False
    try:
        text = str(raw).strip()
        return (float(text) if "." in text else int(text)), False
    except ValueError:
        return 0, True


def read(data: bytes, source: Source) -> Draft:
    """A Draft from a filled workbook; E_DATA naming the sheet cell and the field. Every value
    remembers its cell (``Draft.where``), so that the checks point at it."""
    try:
        wb = load_workbook(io.BytesIO(data))
        values_wb = load_workbook(io.BytesIO(data), data_only=True)
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
    info = values_wb[INFO_SHEET]
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
            name = next((n for n in (sheet_name(s.no), s.heading[:31]) if n in wb.sheetnames), None)
            if name is None:
                problems.append(f"工作簿缺少工作表“{sheet_name(s.no)}”")
                continue
            ws, cached = wb[name], values_wb[name]
            for c in t.cells():
                address = f"{get_column_letter(1 + c.col)}{TABLE_TOP + c.row}"
                where = f"工作表“{name}”单元格{address}"
                raw = _evaluate(ws, cached, address)
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
                    draft.where[c.key] = {"sheet": name, "cell": address}
    raise_if(problems)
    return draft
