"""XLSX: each worksheet's used range as Grids, merged ranges expanded.

For workbooks where an agency filled the tables in a spreadsheet. Formulas give their
cached values (what the author saw); empty rows and columns are dropped, so that they
do not pass for blank cells of a table.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from typing import Any

from nianbao.document import Block, Cell, Document, Grid, Loc, Paragraph
from nianbao.errors import E_CORRUPT, E_TOO_LARGE, NianbaoError
from nianbao.readers.layout import renumber
from nianbao.readers.limits import Limits
from nianbao.readers.zipsafe import open_zip, stream_part

MAX_CELLS = 2_000_000  # a used range larger than this is not a report


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    return str(v).strip()


def _sheet_blocks(ws: Any) -> list[Block]:
    """The used range, split at empty rows: a row with a single unmerged value is a line
    of text (a title, a heading), other runs of rows are Grids holding only the columns
    they use. Locs give the sheet's own row and column (0-based)."""
    rows_n, cols_n = ws.max_row or 0, ws.max_column or 0
    if rows_n * cols_n > MAX_CELLS:
        raise NianbaoError(E_TOO_LARGE, f"工作表“{ws.title}”过大（{rows_n}×{cols_n} 个单元格）")
    values = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    if not values:
        return []
    width = max(len(r) for r in values)
    values = [r + [""] * (width - len(r)) for r in values]
    owner: list[list[tuple[int, int]]] = [[(r, c) for c in range(width)] for r in range(len(values))]
    for rng in ws.merged_cells.ranges:
        r0, c0 = rng.min_row - 1, rng.min_col - 1
        if r0 >= len(values) or c0 >= width:
            continue
        for r in range(r0, min(rng.max_row, len(values))):
            for c in range(c0, min(rng.max_col, width)):
                values[r][c] = values[r0][c0]
                owner[r][c] = (r0, c0)
    blocks: list[Block] = []
    run: list[int] = []
    for r, row in enumerate([*values, [""] * width]):
        filled = [c for c, v in enumerate(row) if v]
        lone = len(filled) == 1 and sum(1 for c in range(width) if owner[r][c] == owner[r][filled[0]]) == 1
        if (not filled or lone) and run:
            blocks.append(_grid(values, owner, run))
            run = []
        if lone:
            blocks.append(Paragraph(row[filled[0]], Loc(row=r, col=filled[0])))
        elif filled:
            run.append(r)
    return blocks


def _grid(values: list[list[str]], owner: list[list[tuple[int, int]]], rows: list[int]) -> Grid:
    cols = [c for c in range(len(values[0])) if any(values[r][c] for r in rows)]
    seen: set[tuple[int, int]] = set()
    cells: list[list[Cell]] = []
    origins: list[list[bool]] = []
    for r in rows:
        cells.append([Cell(values[r][c], Loc(row=r, col=c)) for c in cols])
        flags = []
        for c in cols:
            flags.append(owner[r][c] not in seen)
            seen.add(owner[r][c])
        origins.append(flags)
    return Grid(rows=cells, loc=Loc(row=rows[0], col=cols[0]), origins=origins)


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def count_cells(zf: zipfile.ZipFile, limits: Limits) -> int:
    """The workbook's cells, counted in its sheets' XML streams chunk by chunk (openpyxl would
    hold them all before the cap could be checked). Over ``max_sheets`` or ``max_cells``:
    E_TOO_LARGE."""
    sheets = [n for n in zf.namelist() if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")]
    if len(sheets) > limits.max_sheets:
        raise NianbaoError(E_TOO_LARGE, f"工作簿的工作表过多（{len(sheets)} 个，上限 {limits.max_sheets} 个）")
    total = 0
    for name in sheets:
        tail = b""
        for block in stream_part(zf, name, limits):
            text = tail + block
            cut = max(0, len(text) - 64)  # a tag cut between two chunks is counted with the next
            total += sum(1 for m in _CELL.finditer(text) if m.start() < cut)
            tail = text[cut:]
            if total > limits.max_cells:
                raise NianbaoError(E_TOO_LARGE, f"工作簿的单元格过多（超过 {limits.max_cells} 个）")
        total += len(_CELL.findall(tail))
    if total > limits.max_cells:
        raise NianbaoError(E_TOO_LARGE, f"工作簿的单元格过多（超过 {limits.max_cells} 个）")
    return total


def read(data: bytes, limits: Limits) -> Document:
    import openpyxl

    zf = open_zip(data, limits)  # size and ratio checks before openpyxl unpacks anything
    try:
        count_cells(zf, limits)  # and the sheets and cells, counted in the XML before it is loaded
    finally:
        zf.close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False, keep_links=False)
    except NianbaoError:
        raise
    except Exception as e:  # openpyxl raises many kinds on broken files
        raise NianbaoError(E_CORRUPT, f"XLSX 文件已损坏或不完整（{type(e).__name__}）") from None
    blocks: list[Block] = []
    try:
        for ws in wb.worksheets:
            blocks.extend(_sheet_blocks(ws))
        names = ",".join(ws.title for ws in wb.worksheets)
    finally:
        wb.close()
    return Document(blocks=renumber(blocks), format="xlsx", meta={"sheets": names})
