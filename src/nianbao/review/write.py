"""The summary and the findings in the format a reviewer asks for: a table on the terminal,
JSON for programs, CSV (with a BOM, so Excel reads the Chinese), an Excel sheet ready to filter,
or one self-contained HTML page."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from nianbao.checks.render_findings import CheckResult, print_results, to_json
from nianbao.review.rows import SUMMARY_HEADERS, Sheet, SummaryRow, findings_sheet, summary_sheet

_SUFFIX_FORMAT = {".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
# columns of long text: wrapped in Excel, at these widths (characters)
WRAPPED = {"说明": 60, "问题说明": 60, "位置": 36, "文件无法读取": 30}
_MAX_WIDTH = 50
_LINE_POINTS = 15  # a line of 11-point text
_SEVERITY_FONT = {"错误": Font(bold=True, color="C00000"), "警告": Font(color="B45F06")}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def format_for(fmt: str | None, out: str | None) -> str:
    """The format asked for; else the one the output file's suffix names; else text."""
    if fmt:
        return fmt
    return _SUFFIX_FORMAT.get(Path(out).suffix.lower(), "text") if out else "text"


def write_summary(rows: list[SummaryRow], fmt: str, out: Path | None = None) -> None:
    """The summary: JSON objects with English keys for programs, a table with Chinese headers otherwise."""
    if fmt == "json":
        _emit(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) + "\n", out)
    elif fmt == "text":
        _emit_console(lambda console: print_summary(rows, console), out)
    else:
        _write_sheet(summary_sheet(rows), fmt, out, "政府信息公开工作年度报告检查汇总")


def write_findings(results: list[CheckResult], fmt: str, out: Path | None = None) -> None:
    """Every finding: the list grouped by report (text), the JSON of `check --json`, or one row per finding."""
    if fmt == "json":
        _emit(json.dumps(to_json(results), ensure_ascii=False, indent=2) + "\n", out)
    elif fmt == "text":
        _emit_console(lambda console: print_results(results, console), out)
    else:
        _write_sheet(findings_sheet(results), fmt, out, "政府信息公开工作年度报告检查结果")


def print_summary(rows: list[SummaryRow], console: Console) -> None:
    """The summary as a table (a file that could not be read shows why in place of its agency),
    then the counts a reviewer plans the day with."""
    headers = SUMMARY_HEADERS[:-1]
    table = Table(show_edge=False, header_style="bold")
    for i, h in enumerate(headers):
        if i < 2:  # file and agency: long, folded
            table.add_column(h, overflow="fold", ratio=1, min_width=10)
        else:  # short values; on a narrow terminal their headers wrap
            table.add_column(h, justify="right" if i >= 5 else "left", min_width=8 if h == "格式" else 4)
    for r in rows:
        cells = ["" if c is None else str(c) for c in r.cells()[: len(headers)]]
        if r.failure:
            cells[1] = f"无法读取：{r.failure}"
        table.add_row(*map(rich_escape, cells), style="red" if r.failure or r.errors else None)
    console.print(table)
    with_errors = sum(bool(r.errors) for r in rows)
    unread = sum(bool(r.failure) for r in rows)
    console.print(f"共 {len(rows)} 份报告：有错误的 {with_errors} 份，无法读取的 {unread} 份。")


def to_csv(sheet: Sheet) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(sheet.headers)
    writer.writerows(["" if c is None else c for c in row] for row in sheet.rows)
    return buf.getvalue()


def to_html(sheet: Sheet, title: str) -> str:
    """One page with its own style and nothing to fetch; every text escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in sheet.headers)
    body = (
        "\n".join("<tr>" + "".join(_html_cell(c) for c in row) + "</tr>" for row in sheet.rows)
        or f'<tr><td colspan="{len(sheet.headers)}">未发现问题</td></tr>'
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1.5em; }}
table {{ border-collapse: collapse; font-size: 14px; }}
th, td {{ border: 1px solid #bbb; padding: 4px 8px; vertical-align: top; text-align: left; }}
th {{ background: #ddebf7; position: sticky; top: 0; }}
td.n {{ text-align: right; }}
td.s-错误 {{ color: #c00000; font-weight: bold; }}
td.s-警告 {{ color: #b45f06; }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def _html_cell(value: Any) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    text = escape(str(value))
    return f'<td class="s-{text}">{text}</td>' if text in _SEVERITY_FONT else f"<td>{text}</td>"


def workbook(sheets: Iterable[Sheet]) -> Workbook:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for sheet in sheets:
        fill_sheet(wb.create_sheet(sheet.name), sheet)
    return wb


def fill_sheet(ws: Worksheet, sheet: Sheet, preamble: Sequence[tuple[str, str]] = ()) -> None:
    """A sheet to filter and read: ``preamble`` lines (label, value) above the table, the header
    row frozen with an autofilter, columns as wide as their text, long text wrapped."""
    for label, value in preamble:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = _HEADER_FONT
    if preamble:
        ws.append([])
    ws.append(list(sheet.headers))
    header = ws.max_row
    for cell in ws[header]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in sheet.rows:
        ws.append(list(row))
    ws.freeze_panes = ws.cell(header + 1, 1).coordinate
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(sheet.headers))}{max(ws.max_row, header)}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    page_setup = ws.sheet_properties.pageSetUpPr
    assert page_setup is not None  # openpyxl gives every new sheet its PageSetupProperties
    page_setup.fitToPage = True  # printed: every column on the page's width
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    widths: list[float] = []
    for i, name in enumerate(sheet.headers, 1):
        texts = [name, *("" if row[i - 1] is None else str(row[i - 1]) for row in sheet.rows)]
        if i == 1:
            texts += [label for label, _ in preamble]
        widths.append(WRAPPED.get(name, min(max(_width(t) for t in texts) + 2, _MAX_WIDTH)))
        ws.column_dimensions[get_column_letter(i)].width = widths[-1]
        for (cell,) in ws.iter_rows(min_row=header + 1, max_row=header + len(sheet.rows), min_col=i, max_col=i):
            cell.alignment = wrap if name in WRAPPED else top
            if name == "严重程度" and cell.value in _SEVERITY_FONT:
                cell.font = _SEVERITY_FONT[str(cell.value)]
    for r, row in enumerate(sheet.rows, header + 1):
        # heights set, not left to the reader: LibreOffice does not fit rows to wrapped text
        lines = [
            math.ceil(_width(str(value)) / widths[i])
            for i, (name, value) in enumerate(zip(sheet.headers, row, strict=True))
            if name in WRAPPED and value
        ]
        if max(lines, default=1) > 1:
            ws.row_dimensions[r].height = _LINE_POINTS * max(lines)


def _width(text: str) -> int:
    """Columns a text takes in Excel: two for a Chinese character, one for a Latin one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_sheet(sheet: Sheet, fmt: str, out: Path | None, title: str) -> None:
    if fmt == "csv":
        _emit(to_csv(sheet), out, bom=True)
    elif fmt == "html":
        _emit(to_html(sheet, title), out)
    elif fmt == "xlsx":
        if out is None:
            raise ValueError("xlsx needs an output file")
        workbook([sheet]).save(out)
    else:
        raise ValueError(f"unknown format {fmt}")


def _emit(text: str, out: Path | None, bom: bool = False) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if bom else "utf-8")


def _emit_console(draw: Callable[[Console], None], out: Path | None) -> None:
    if out is None:
        draw(Console(highlight=False))
        return
    with out.open("w", encoding="utf-8") as fh:
        draw(Console(file=fh, highlight=False, width=160, color_system=None))
