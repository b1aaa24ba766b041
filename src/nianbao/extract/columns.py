"""Cells placed by their column in text laid out by position (pdftotext -layout, w3m and lynx tables
without rules): where empty cells print nothing, the column a number stands in says which cell it is.
The columns come from the table's own rows that print every cell: their numbers must line up (in
characters or in display width, by their left or right edge or centre), else nothing is placed."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence

from nianbao.extract.flow import Flow, Token
from nianbao.extract.settings import COLUMN_TOLERANCE
from nianbao.extract.tokens import Piece

Edge = Callable[[Token, bool], float]


def _pos(t: Token, wide: bool) -> int:
    return (t.dx if wide else t.x) or 0


# numbers are ASCII: as wide as their characters in either measure
EDGES: dict[str, Edge] = {
    "left": lambda t, w: _pos(t, w),
    "right": lambda t, w: _pos(t, w) + len(t.text),
    "centre": lambda t, w: _pos(t, w) + len(t.text) / 2,
}


Found = tuple[list[float], bool, Edge]


def anchors(flow: Flow, full_rows: Sequence[Sequence[Piece]]) -> list[Found]:
    """The columns' positions from rows printing every cell, in each measure (characters or display
    width) and edge in which those rows line up within the tolerance; none when too few rows."""
    rows = [[flow.tokens[p.token] for p in r if p.token is not None] for r in full_rows]
    rows = [r for r, full in zip(rows, full_rows, strict=True) if len(r) == len(full)]
    if len(rows) < 2:
        return []
    out: list[Found] = []
    for wide in (False, True):
        for edge in EDGES.values():
            cols = list(zip(*[[edge(t, wide) for t in r] for r in rows], strict=True))
            where = [statistics.median(c) for c in cols]
            if any(b - a <= 2 * COLUMN_TOLERANCE for a, b in itertools.pairwise(where)):
                continue
            if max(max(c) - min(c) for c in cols) <= COLUMN_TOLERANCE:
                out.append((where, wide, edge))
    return out


def place(flow: Flow, values: Sequence[Piece], found: list[Found]) -> list[Piece] | None:
    """A row's printed numbers put in the columns they stand in, the other cells empty; None unless,
    in every measure and edge the full rows line up in, every number stands clearly in one column,
    each in its own, in order, and all of them give the same placing."""
    placings = {_columns_of(flow, values, f) for f in found}
    if len(placings) != 1 or None in placings:
        return None
    (at,) = placings
    assert at is not None
    cells: list[Piece] = [Piece("", "blank", 0, values[0].loc, unprinted=True) for _ in found[0][0]]
    for p, col in zip(values, at, strict=True):
        cells[col] = p
    return cells


def _columns_of(flow: Flow, values: Sequence[Piece], found: Found) -> tuple[int, ...] | None:
    where, wide, edge = found
    out: list[int] = []
    for p in values:
        if p.token is None:
            return None
        x = edge(flow.tokens[p.token], wide)
        col = min(range(len(where)), key=lambda i: abs(where[i] - x))
        if abs(where[col] - x) > COLUMN_TOLERANCE or (out and col <= out[-1]):
            return None
        out.append(col)
    return tuple(out)
