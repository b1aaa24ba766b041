"""The official table layout, derived once from the template data.

Every renderer draws the same grid: a table is a list of rows, each row the cells that
start in it, with their row and column spans (spec/formats.md §2.3–2.5, §7). Labels come
from the template; only the geometry is computed here:

- a ``rows`` table with several blocks (T2) stacks them in one grid: each block's label
  row spans the whole width, then a header row, then its rows; a block with fewer value
  columns than the widest one lets its last value column span the rest;
- a ``rows`` table with one block (T3) gets one label column per level of ``Row.group``
  nesting plus one for the row's own label, and a header of up to three rows:
  ``column_header`` over all value columns, then ``column_groups`` over their columns;
  the note sits in the top-left corner over all header rows and label columns;
- a ``flat`` table (T4) prints its rows side by side: each row becomes a group of its
  columns in the header, ``column_groups`` gather rows under one more header level, and the
  values fill one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from nianbao.numbering import cn_numeral
from nianbao.packaged import load_yaml
from nianbao.template import Block, Row, Table, Template, load

CellKind = Literal["header", "label", "note", "value"]


@dataclass(frozen=True)
class LayoutCell:
    """One (possibly merged) cell: where it starts, how far it spans, and what it holds."""

    row: int
    col: int
    kind: CellKind
    text: str = ""  # the label; empty for value cells
    key: str | None = None  # the cell key of a value cell
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class TableLayout:
    key: str
    section: int
    width: int
    header_rows: int  # rows at the top that are column headers (repeated on a new page)
    rows: tuple[tuple[LayoutCell, ...], ...]  # per grid row, the cells that start in it
    weights: tuple[float, ...]  # relative column widths

    def cells(self) -> list[LayoutCell]:
        return [c for row in self.rows for c in row]

    def value_cells(self) -> list[LayoutCell]:
        return [c for c in self.cells() if c.kind == "value"]

    def grid(self) -> list[list[LayoutCell]]:
        """Every grid position mapped to the cell that covers it."""
        out: list[list[LayoutCell | None]] = [[None] * self.width for _ in self.rows]
        for c in self.cells():
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if out[r][k] is not None:
                        raise ValueError(f"layout of {self.key}: cells overlap at row {r}, column {k}")
                    out[r][k] = c
        for r, row in enumerate(out):
            for k, cell in enumerate(row):
                if cell is None:
                    raise ValueError(f"layout of {self.key}: no cell at row {r}, column {k}")
        return out  # type: ignore[return-value]


@dataclass(frozen=True)
class SectionLayout:
    no: int
    heading: str  # numbered official title, e.g. 一、总体情况
    tables: tuple[TableLayout, ...]


@dataclass(frozen=True)
class ReportLayout:
    template: Template
    sections: tuple[SectionLayout, ...]
    texts: RenderTexts

    def tables(self) -> list[TableLayout]:
        return [t for s in self.sections for t in s.tables]

    def section(self, no: int) -> SectionLayout:
        return next(s for s in self.sections if s.no == no)


@dataclass(frozen=True)
class RenderTexts:
    """Fixed wording of the rendered report that is not a table label (assets/texts.yaml)."""

    title: str
    preface: str
    row_header: dict[str, str]


@cache
def texts() -> RenderTexts:
    raw = load_yaml(__package__, "assets/texts.yaml")
    return RenderTexts(title=raw["title"], preface=raw["preface"], row_header=dict(raw["row_header"]))


def numbered(no: int, title: str) -> str:
    return f"{cn_numeral(no)}、{title}"


@cache
def layout(version: str) -> ReportLayout:
    """The layout of a template version, built once per process."""
    template = load(version)
    sections = tuple(
        SectionLayout(
            no=s.no,
            heading=numbered(s.no, s.title),
            tables=tuple(table_layout(t, texts()) for t in template.tables if t.section == s.no),
        )
        for s in template.sections
    )
    return ReportLayout(template=template, sections=sections, texts=texts())


def table_layout(table: Table, wording: RenderTexts) -> TableLayout:
    if table.layout == "flat":
        cells, width, header = _flat(table)
    elif len(table.blocks) > 1 or table.blocks[0].label is not None:
        cells, width, header = _stacked(table, wording.row_header.get(table.key, ""))
    else:
        cells, width, header = _nested(table)
    height = max(c.row + c.rowspan for c in cells)
    rows = tuple(tuple(sorted((c for c in cells if c.row == r), key=lambda c: c.col)) for r in range(height))
    out = TableLayout(table.key, table.section, width, header, rows, _weights(cells, width))
    out.grid()  # proves the cells tile the grid exactly
    return out


def _stacked(table: Table, row_header: str) -> tuple[list[LayoutCell], int, int]:
    """Blocks one under another (T2): label row, header row, data rows."""
    values = max(len(b.columns) for b in table.blocks)
    width = 1 + values
    cells: list[LayoutCell] = []
    r = 0
    for block in table.blocks:
        if block.label is not None:
            cells.append(LayoutCell(r, 0, "header", block.label, colspan=width))
            r += 1
        cells.append(LayoutCell(r, 0, "header", row_header))
        for i, label, span in _spread(block, values):
            cells.append(LayoutCell(r, 1 + i, "header", label, colspan=span))
        r += 1
        for row in block.rows:
            cells.append(LayoutCell(r, 0, "label", row.label))
            for i, (col, (_, _, span)) in enumerate(zip(block.columns, _spread(block, values), strict=True)):
                cells.append(LayoutCell(r, 1 + i, "value", key=table.cell_key(row, col), colspan=span))
            r += 1
    return cells, width, 0 if table.blocks[0].label is not None else 1


def _spread(block: Block, width: int) -> list[tuple[int, str, int]]:
    """(position, label, span) of a block's value columns; the last one takes what is left."""
    n = len(block.columns)
    return [(i, c.label, 1 if i < n - 1 else width - n + 1) for i, c in enumerate(block.columns)]


def _group_ranges(rows: tuple[Row, ...]) -> dict[str, tuple[int, int]]:
    """First and last row index of each group."""
    ranges: dict[str, tuple[int, int]] = {}
    for i, row in enumerate(rows):
        if row.group is not None:
            first, _ = ranges.get(row.group, (i, i))
            ranges[row.group] = (first, i)
    return ranges


def _chain(group: str | None, ranges: dict[str, tuple[int, int]]) -> list[str]:
    """The groups enclosing a row, outermost first: a group lies inside every group whose
    row range strictly contains its own."""
    if group is None:
        return []
    first, last = ranges[group]
    outer = [g for g, (a, b) in ranges.items() if g != group and a <= first and last <= b and (a, b) != (first, last)]
    outer.sort(key=lambda g: ranges[g][0] - ranges[g][1])  # widest range first
    return [*outer, group]


def _nested(table: Table) -> tuple[list[LayoutCell], int, int]:
    """One block with grouped rows (T3)."""
    block = table.blocks[0]
    ranges = _group_ranges(block.rows)
    chains = [_chain(r.group, ranges) for r in block.rows]
    labels = 1 + max(len(c) for c in chains)
    width = labels + len(block.columns)
    cells: list[LayoutCell] = []

    # header
    grouped = {c: g for g in table.column_groups for c in g.columns}
    header = (1 if table.column_header else 0) + (2 if grouped else 1)
    r = 0
    if table.column_header:
        cells.append(LayoutCell(0, labels, "header", table.column_header, colspan=len(block.columns)))
        r = 1
    seen: set[str] = set()
    for i, col in enumerate(block.columns):
        col_group = grouped.get(col.key)
        if col_group is None:
            cells.append(LayoutCell(r, labels + i, "header", col.label, rowspan=header - r))
        else:
            if col_group.label not in seen:
                seen.add(col_group.label)
                cells.append(LayoutCell(r, labels + i, "header", col_group.label, colspan=len(col_group.columns)))
            cells.append(LayoutCell(r + 1, labels + i, "header", col.label))
    cells.append(LayoutCell(0, 0, "note", table.note or "", rowspan=header, colspan=labels))

    # rows
    opened: set[str] = set()
    for i, row in enumerate(block.rows):
        r = header + i
        for depth, group in enumerate(chains[i]):
            if group not in opened:
                opened.add(group)
                first, last = ranges[group]
                cells.append(LayoutCell(r, depth, "label", group, rowspan=last - first + 1))
        depth = len(chains[i])
        cells.append(LayoutCell(r, depth, "label", row.label, colspan=labels - depth))
        for k, col in enumerate(block.columns):
            cells.append(LayoutCell(r, labels + k, "value", key=table.cell_key(row, col)))
    return cells, width, header


def _flat(table: Table) -> tuple[list[LayoutCell], int, int]:
    """Rows side by side (T4): header levels row group → row → column, then one line of values."""
    block = table.blocks[0]
    n = len(block.columns)
    grouped = {r: g for g in table.column_groups for r in g.columns}
    header = 3 if grouped else 2
    cells: list[LayoutCell] = []
    seen: set[str] = set()
    for i, row in enumerate(block.rows):
        col0 = i * n
        group = grouped.get(row.key)
        if group is None:
            cells.append(LayoutCell(0, col0, "header", row.label, colspan=n))
            label_row, col_rowspan = 1, header - 1
        else:
            if group.label not in seen:
                seen.add(group.label)
                cells.append(LayoutCell(0, col0, "header", group.label, colspan=n * len(group.columns)))
            cells.append(LayoutCell(1, col0, "header", row.label, colspan=n))
            label_row, col_rowspan = 2, 1
        for k, col in enumerate(block.columns):
            cells.append(LayoutCell(label_row, col0 + k, "header", col.label, rowspan=col_rowspan))
            cells.append(LayoutCell(header, col0 + k, "value", key=table.cell_key(row, col)))
    return cells, n * len(block.rows), header


def _weights(cells: list[LayoutCell], width: int) -> tuple[float, ...]:
    """Relative column widths: about half the length of the longest label that sits in a
    column alone; a tall group label is written three characters a line, as in （三）."""
    out = [2.0] * width
    for c in cells:
        if c.colspan == 1 and c.kind in ("header", "label"):
            wanted = min(len(c.text) / 2, 9.0) if c.rowspan < 3 else 2.5
            out[c.col] = max(out[c.col], wanted)
    return tuple(out)
