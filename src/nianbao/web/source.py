"""The source text behind a finding: the lines of an uploaded file around a location.

A finding's or a cell's ``loc`` uses the reader's own coordinates (a line of a text file, a
page and a table row of a PDF), so the lines are the reader's blocks again, one per
paragraph and one per table row, each keeping its location. The workbook of ``nianbao render
--template-xlsx`` is shown as its sheets' rows (``sheet`` and ``line`` = the row number), each
cell by its address, since its findings point at a sheet and cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nianbao.readers.limits import Limits

MAX_LINES = 120


@dataclass(frozen=True)
class SourceLine:
    """One line of a source file as the reader saw it: a paragraph, or one row of a table."""

    text: str
    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    sheet: str | None = None


def workbook_lines(data: bytes) -> list[SourceLine]:
    """Every row of the workbook's visible sheets that holds something: ``D29 99 │ E29 2 …``
    (a formula as written), ``line`` the row's number on its sheet."""
    import io

    from openpyxl import load_workbook

    out: list[SourceLine] = []
    book = load_workbook(io.BytesIO(data))
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            cells = [f"{c.coordinate} {c.value}" for c in row if c.value is not None and str(c.value).strip()]
            if cells:
                out.append(SourceLine(" │ ".join(cells), line=row[0].row, sheet=ws.title))
    return out


def source_lines(data: bytes, limits: Limits) -> list[SourceLine]:
    """Every paragraph and table row of a file, in reading order."""
    from nianbao.document import Grid
    from nianbao.readers import read
    from nianbao.render.workbook import is_render_workbook

    if is_render_workbook(data, limits):
        return workbook_lines(data)
    out: list[SourceLine] = []
    for block in read(data, limits).blocks:
        if isinstance(block, Grid):
            for r, row in enumerate(block.rows):
                cells = [c for k, c in enumerate(row) if block.is_origin(r, k) and c.text.strip()]
                loc = cells[0].loc if cells else block.loc
                text = " | ".join(c.text.strip() for c in cells)
                out.append(
                    SourceLine(
                        text,
                        line=loc.line if loc.line is not None else block.loc.line,
                        page=loc.page if loc.page is not None else block.loc.page,
                        table=loc.table if loc.table is not None else block.loc.table,
                        row=loc.row if loc.row is not None else r,
                    )
                )
        else:
            loc = block.loc
            for k, text in enumerate(block.text.split("\n")):
                line = loc.line + k if loc.line is not None else None
                out.append(SourceLine(text, line=line, page=loc.page, table=loc.table, row=loc.row))
    return out


@dataclass(frozen=True)
class Excerpt:
    lines: list[SourceLine]
    focus: list[bool]  # per line: is it the place the location names


def _is_focus(s: SourceLine, loc: dict[str, Any]) -> bool:
    if loc.get("sheet") is not None:  # a workbook's cell: its row on its sheet
        digits = re.sub(r"^[A-Za-z]+", "", str(loc.get("cell") or ""))
        return s.sheet == loc["sheet"] and digits.isdigit() and s.line == int(digits)
    wanted: list[object] = [loc.get(k) for k in ("line", "page", "table", "row")]
    line, page, table, row = wanted
    if page is not None and s.page is not None and s.page != page:
        return False
    if line is not None:
        return s.line == line
    if table is not None and row is not None:
        return s.table == table and s.row == row
    return False


def excerpt(lines: list[SourceLine], loc: dict[str, Any], context: int) -> Excerpt:
    """The lines the location names with ``context`` lines either side; a bare page gives
    the page's first lines. Empty when the location is not in the file."""
    focus = [i for i, s in enumerate(lines) if _is_focus(s, loc)]
    if focus:
        first, last = max(0, focus[0] - context), min(len(lines), focus[-1] + context + 1)
        last = min(last, first + MAX_LINES)
    elif loc.get("page") is not None:
        on_page = [i for i, s in enumerate(lines) if s.page == loc["page"]]
        if not on_page:
            return Excerpt([], [])
        first, last = on_page[0], min(on_page[-1] + 1, on_page[0] + MAX_LINES)
    else:
        return Excerpt([], [])
    chosen = set(focus)
    return Excerpt(lines[first:last], [i in chosen for i in range(first, last)])
