"""Numbers that a narrow cell wrapped over two or three printed lines (1,20 over 6), put back
together by their columns: text laid out by position (pdftotext -layout) keeps each word's column,
so the pieces of one cell stand one under the other. A rejoined row is taken only when it is the
one way of joining that gives the row its width and keeps the row's own equations."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from nianbao.extract.flow import Flow, Token
from nianbao.extract.normalize import read_cell
from nianbao.extract.settings import WRAP_REACH
from nianbao.extract.tokens import Piece
from nianbao.template import Equation

Rejoined = tuple[list[Piece], frozenset[int]]
_LAID_OUT = "   "  # text laid out by position pads its columns with runs of spaces


def rejoin(
    flow: Flow, label_lines: range, keys: list[str], eqs: Sequence[Equation], other_labels: set[int]
) -> Rejoined | None:
    """The row's cells rejoined from the lines of its label and the numbers of the lines just above
    and below it (lines that hold no other row's label: a group label's fragment may stand there),
    with the lines it borrowed; None unless exactly one joining fits."""
    main = [t for line in label_lines for t in _tokens(flow, line) if _is_number(t)]
    if not main or any(t.x is None for t in main) or not any(_LAID_OUT in flow.lines[i] for i in label_lines):
        return None  # columns mean something only in text laid out by position
    above = _reach(flow, range(label_lines.start - 1, label_lines.start - 1 - WRAP_REACH, -1), other_labels)
    below = _reach(flow, range(label_lines.stop, label_lines.stop + WRAP_REACH), other_labels)
    found: dict[tuple[int | float | None, ...], Rejoined] = {}
    for up, down in itertools.product(range(len(above) + 1), range(len(below) + 1)):
        extra = [t for line in [*above[:up], *below[:down]] for t in line]
        cells = _columns([*main, *extra])
        if cells is None or len(cells) != len(keys) or not _holds(keys, cells, eqs):
            continue
        used = frozenset(t.line for t in extra)
        found.setdefault(tuple(p.value for p in cells), (cells, used))
    return next(iter(found.values())) if len(found) == 1 else None


def _tokens(flow: Flow, line: int) -> list[Token]:
    return flow.tokens_of_line(line) if 0 <= line < len(flow.lines) else []


def _is_number(t: Token) -> bool:
    return read_cell(t.text).kind == "number" or _fragment(t.text)


def _fragment(text: str) -> bool:
    """A piece of a wrapped number: digits with thousands commas cut short (1,20 or 14,4)."""
    return bool(text) and all(ch.isdigit() or ch in ",，" for ch in text) and text[0].isdigit()


def _reach(flow: Flow, lines: range, other_labels: set[int]) -> list[list[Token]]:
    """The numbers of each line going away from the label, up to a line of another row's label
    (or a line with none)."""
    out: list[list[Token]] = []
    for line in lines:
        numbers = [t for t in _tokens(flow, line) if _is_number(t)]
        if line in other_labels or not numbers or any(t.x is None for t in numbers):
            break
        out.append(numbers)
    return out


def _columns(tokens: list[Token]) -> list[Piece] | None:
    """Tokens grouped by overlapping columns, each group read top to bottom as one number."""
    groups: list[list[Token]] = []
    for t in sorted(tokens, key=lambda t: t.x or 0):
        x = t.x or 0
        if groups and any(_overlap(x, len(t.text), g.x or 0, len(g.text)) for g in groups[-1]):
            groups[-1].append(t)
        else:
            groups.append([t])
    out: list[Piece] = []
    for g in groups:
        if len({t.line for t in g}) != len(g):
            return None  # two words of one line in one column: not a wrapped cell
        g.sort(key=lambda t: t.line)
        raw = "".join(t.text for t in g)
        cell = read_cell(raw)
        if cell.kind != "number":
            return None
        out.append(Piece(raw, "number", cell.value, g[0].loc, split=len(g) > 1))
    return out


def _overlap(x1: int, n1: int, x2: int, n2: int) -> bool:
    return x1 <= x2 + n2 and x2 <= x1 + n1


def _holds(keys: list[str], cells: list[Piece], eqs: Sequence[Equation]) -> bool:
    values = {k: p.value for k, p in zip(keys, cells, strict=True)}
    for e in eqs:
        if any(values.get(k) is None for k in (*e.lhs, *e.rhs)):
            return False
        if abs(sum(values[k] or 0 for k in e.lhs) - sum(values[k] or 0 for k in e.rhs)) > 1e-6:
            return False
    return True
