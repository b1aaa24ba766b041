"""Read the cells of a template's tables out of a Flow: a chain of small steps.

1. placement: find each row's label, in the template's order (labels.py, placement.py);
2. tokens: the value-like pieces between a label and the next (tokens.py);
3. readings: every way a row's pieces can be its cells (readings.py);
4. rows read as printed are taken; the rest are decided jointly by the table's equations
   (solver.py) — a value is taken only when every reading that fits gives it, otherwise the cell
   is ``unreadable`` with the candidate readings kept. Nothing is guessed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from nianbao.document import Loc
from nianbao.extract.cells import ARITHMETIC, CellRead, cells_from, missing_cells, unreadable_cells
from nianbao.extract.columns import anchors, place
from nianbao.extract.flow import Flow
from nianbao.extract.labels import Span, find_block, header_start, label_regex, row_regex
from nianbao.extract.memo import per_object
from nianbao.extract.normalize import norm_label
from nianbao.extract.placement import in_order, weights
from nianbao.extract.readings import Reading, readings, values_of
from nianbao.extract.settings import MAX_STRAY, MIN_NUMBERED_WIDTH, SHOWN_CANDIDATES
from nianbao.extract.solver import OpenSegment, Outcome, solve
from nianbao.extract.tokens import (
    NUMBERING,
    VALUE_KINDS,
    Piece,
    before_numbering,
    gap_pieces,
    printed_row,
    split_extra,
)
from nianbao.extract.wraps import rejoin
from nianbao.template import Equation, Table, Template


@dataclass(frozen=True)
class ExtraRow:
    """A row printed in a table that the national format does not have (kept, reported)."""

    table: str
    after: str  # the template row it follows
    label: str
    values: list[int | float | None]
    loc: Loc


@dataclass
class TableRead:
    """A table's cells, where its labels were found in Flow.norm (its first label, and the
    end of its last), and the rows it has beyond the format."""

    cells: dict[str, CellRead]
    first: int
    last: int
    extra_rows: list[ExtraRow] = field(default_factory=list)


@dataclass(slots=True)
class RowRead:
    keys: list[str]
    pieces: list[Piece]
    found: bool
    label_loc: Loc | None = None
    cells: dict[str, CellRead] = field(default_factory=dict)
    # the printed lines that hold part of the row's label (None for a table's one flat row)
    label_lines: set[tuple[int | None, int | None]] | None = None
    flow_lines: range | None = None  # the Flow lines its label stands on
    column_words: frozenset[str] = frozenset()  # the table's column labels, normalised
    cut: bool = False  # read by cutting a run of digits
    uncut: bool = False  # a run of digits that no cut fits (empty cells may have been dropped from it)
    by_column: list[Piece] | None = None  # its cells placed by the columns its numbers stand in
    shared_label: bool = False  # its label stands in one cell with another row's (numbers of either)


@dataclass
class _Open:
    """A row whose readings the table's equations must decide between."""

    row: RowRead
    readings: list[Reading]  # one per distinct value tuple
    note: str


def read_table(flow: Flow, table: Table, template: Template, start: int, end: int) -> TableRead:
    """The cells of one table found in Flow.norm[start:end], and where its labels are
    (the section's prose stops at the first; the next table is looked for after the last)."""
    eqs = _table_equations(template).get(table.key, ())
    if table.layout == "flat":
        rows, first_label, last = _flat_row(flow, table, start, end)
        _set_column_words(table, rows)
        _decide(rows, eqs)
        return TableRead(_cells(rows), first_label, last)
    rows, spans, block_spans, first_label = _find_rows(flow, table, start, end)
    last = max([sp[1] for sp in spans if sp], default=start)
    _gaps_after(flow, rows, spans, block_spans, end)
    _mark_shared_labels(flow, rows, spans)
    extra_rows = _cut_extra_rows(table, rows)
    _set_column_words(table, rows)
    before = _numbers_before_labels(flow, rows, spans, block_spans, start)
    if before is not None:
        _set_column_words(table, before)
    _rejoin_wrapped(flow, rows, eqs)
    _place_by_columns(flow, rows)
    _decide(rows, eqs)
    if before is not None:
        _decide(before, eqs)
        if _failures(before, eqs) <= _failures(rows, eqs) and _failures(rows, eqs) + _empty_rows(rows) > 0:
            rows, extra_rows = before, []
    cells = _cells(rows)
    if any(c.value is None for c in cells.values()):
        cells = _in_table_order(flow, rows, spans, first_label, end, eqs) or cells
    return TableRead(cells, first_label, last, extra_rows)


_NUMBERS = re.compile(r"\d+")
_OTHER_LABEL = re.compile(r"\d{1,2}\.[\u4e00-\u9fff]{2}")


def _in_table_order(
    flow: Flow, rows: list[RowRead], spans: list[Span | None], start: int, end: int, eqs: Sequence[Equation]
) -> dict[str, CellRead] | None:
    """The table's numbers taken in order as its cells, for text that pulled labels out of the
    table (converters' Markdown: wrapped labels as loose lines, rows of numbers without a label).
    Taken only when the numbers are exactly as many as the cells, no label stands after numbers
    that would be its own, every cell takes part in an equation, every equation holds, and every
    cell already read by its label agrees."""
    keys = [k for r in rows for k in r.keys]
    covered = {k for e in eqs for k in (*e.lhs, *e.rhs)}
    if not all(k in covered for k in keys):
        return None
    pieces = gap_pieces(flow, start, end, stop_at_prose=False)
    if any(p.kind == "text" and not NUMBERING.match(p.raw) for p in pieces):
        return None
    values = [p for p in pieces if p.kind in ("number", "dash")]
    if len(values) != len(keys):
        return None
    seen = 0
    for row, span in zip(rows, spans, strict=True):
        if span is not None:
            before = gap_pieces(flow, start, span[0], stop_at_prose=False)
            if sum(1 for p in before if p.kind in ("number", "dash")) > seen:
                return None
        seen += len(row.keys)
    reading = cells_from(keys, values, "标签与数字在文本中分离，按表格顺序对应，勾稽关系全部成立", ARITHMETIC)
    as_values = {k: c.value for k, c in reading.items() if c.value is not None}
    if len(as_values) != len(keys) or not _satisfies(as_values, eqs):
        return None
    old = _cells(rows)
    if any(c.value is not None and c.value != reading[k].value for k, c in old.items()):
        return None
    return {k: old[k] if old[k].value is not None else reading[k] for k in keys}


def _set_column_words(table: Table, rows: list[RowRead]) -> None:
    words = _column_words(table)
    for row in rows:
        row.column_words = words


@per_object
def _column_words(table: Table) -> frozenset[str]:
    """A table's column and column-group labels, normalised (worked out once per template table)."""
    return frozenset(
        norm_label(w)
        for b in table.blocks
        for c in b.columns
        for w in (*c.labels, *((table.column_header,) if table.column_header else ()))
        if len(norm_label(w)) >= 2
    ) | frozenset(norm_label(g.label) for g in table.column_groups)


@per_object
def _table_equations(template: Template) -> dict[str, tuple[Equation, ...]]:
    """Each table's equations (worked out once per template)."""
    out: dict[str, list[Equation]] = {}
    for e in template.equations():
        out.setdefault(e.table, []).append(e)
    return {table: tuple(found) for table, found in out.items()}


def _cells(rows: list[RowRead]) -> dict[str, CellRead]:
    cells: dict[str, CellRead] = {}
    for row in rows:
        cells.update(row.cells)
    return cells


def _find_rows(
    flow: Flow, table: Table, start: int, end: int
) -> tuple[list[RowRead], list[Span | None], list[Span | None], int]:
    """Each row's label, one match per row in the template's order; and where the table begins."""
    block_spans: list[Span | None] = []
    cursor = start
    for block in table.blocks:
        found = find_block(flow, block, cursor, end)
        block_spans.append(found)
        if found:
            cursor = found[1]
    rows: list[RowRead] = []
    spans: list[Span | None] = []
    cursor = start
    for i, block in enumerate(table.blocks):
        b_start = block_spans[i][1] if block_spans[i] else cursor  # type: ignore[index]
        b_end = next((sp[0] for sp in block_spans[i + 1 :] if sp and sp[0] >= b_start), end)
        cands = [[(m.start(), m.end()) for m in row_regex(r).finditer(flow.norm, b_start, b_end)] for r in block.rows]
        chosen = in_order(cands, weights(flow, cands, b_end))
        for row, span in zip(block.rows, chosen, strict=True):
            keys = [table.cell_key(row, c) for c in block.columns]
            loc = flow.tokens[flow.token_at(span[0])].loc if span else None
            tokens = _tokens_in(flow, span) if span else range(0)
            lines = {_line_of(flow.tokens[t].loc) for t in tokens} if span else None
            flow_lines = range(flow.tokens[tokens[0]].line, flow.tokens[tokens[-1]].line + 1) if tokens else None
            rows.append(RowRead(keys, [], span is not None, loc, label_lines=lines, flow_lines=flow_lines))
            spans.append(span)
            if span:
                cursor = span[1]
    found_spans = [sp for sp in spans if sp]
    first_label = min([sp[0] for sp in found_spans] + [sp[0] for sp in block_spans if sp] + [end])
    if table.note or table.column_header:
        words = [table.note or "", table.column_header or ""] + [c.label for b in table.blocks for c in b.columns]
        first_label = min(first_label, header_start(flow, label_regex(tuple(w for w in words if w)), start, end))
    return rows, spans, block_spans, first_label


def _mark_shared_labels(flow: Flow, rows: list[RowRead], spans: list[Span | None]) -> None:
    """Rows whose labels stand together in the same cell of a grid, nothing between them (a converter
    merged two rows' label cells): the numbers that follow may be either row's."""
    starts = [flow.token_at(sp[0]) if sp else None for sp in spans]
    for row, span, t in zip(rows, spans, starts, strict=True):
        # another numbered label before this one in the same cell (a label the text garbled)
        if span is not None and t is not None and flow.tokens[t].cell:
            before = flow.norm[flow.token_start[t] : span[0]]
            if _OTHER_LABEL.search(before):
                row.shared_label = True
    for i in range(1, len(rows)):
        a, b = starts[i - 1], starts[i]
        together = not any(p.kind in VALUE_KINDS for p in rows[i - 1].pieces)
        if a is not None and a == b and flow.tokens[a].cell and together:
            rows[i - 1].shared_label = rows[i].shared_label = True


def _gaps_after(
    flow: Flow, rows: list[RowRead], spans: list[Span | None], block_spans: list[Span | None], end: int
) -> None:
    """Each row's pieces: from its label to the next thing found after it, a row or block label."""
    marks = sorted({sp[0] for sp in spans if sp} | {sp[0] for sp in block_spans if sp} | {end})
    for row, span in zip(rows, spans, strict=True):
        if span is not None:
            stop = next(m for m in marks if m >= span[1])
            row.pieces = before_numbering(gap_pieces(flow, span[1], stop))


def _numbers_before_labels(
    flow: Flow, rows: list[RowRead], spans: list[Span | None], block_spans: list[Span | None], start: int
) -> list[RowRead] | None:
    """The rows read the other way round, for PDF text that prints a row's numbers on the line
    before its label: only where the text looks so (numbers stand before the first label and none
    after the last); which of the two readings is the table's, the equations say (read_table)."""
    found = [(row, span) for row, span in zip(rows, spans, strict=True) if span is not None]
    if len(found) < 2 or any(p.kind in VALUE_KINDS for p in found[-1][0].pieces):
        return None
    ends = sorted({sp[1] for sp in spans if sp} | {sp[1] for sp in block_spans if sp} | {start})
    out = [RowRead(r.keys, [], r.found, r.label_loc) for r in rows]
    for row, span in zip(out, spans, strict=True):
        if span is not None:
            begin = max(e for e in ends if e <= span[0])
            row.pieces = [p for p in gap_pieces(flow, begin, span[0]) if p.kind != "break"]
    first = next(r for r in out if r.found)
    if not any(p.kind in VALUE_KINDS for p in first.pieces):
        return None
    return out


def _place_by_columns(flow: Flow, rows: list[RowRead]) -> None:
    """Rows that print fewer numbers than cells, in text laid out by position: each number goes to
    the column it stands in, the columns taken from the rows of the same width that print them all."""
    by_width: dict[int, list[RowRead]] = {}
    for row in rows:
        if row.found and not row.cells and row.label_lines is not None:
            by_width.setdefault(len(row.keys), []).append(row)
    for width, group in by_width.items():
        lined = {id(r): v for r in group if (v := _on_label_line(r)) is not None}
        full = [v for v in lined.values() if len(v) == width]
        found = anchors(flow, full) if width > 1 else []
        if not found:
            continue
        for row in group:
            values = lined.get(id(row))
            if values and len(values) < width:
                row.by_column = place(flow, values, found)


def _on_label_line(row: RowRead) -> list[Piece] | None:
    """The row's numbers when they all stand on its label's line(s), in text with no cell marks."""
    values = [p for p in row.pieces if p.kind not in ("blank", "break")]
    if not values or any(p.in_cell or p.kind != "number" for p in values) or row.label_lines is None:
        return None
    return values if all(_line_of(p.loc) in row.label_lines for p in values) else None


def _rejoin_wrapped(flow: Flow, rows: list[RowRead], eqs: Sequence[Equation]) -> None:
    """Rows whose numbers a narrow cell wrapped (the row does not read as printed) rejoined by
    column; a line of numbers that two rows would both need is given to neither."""
    joined: list[tuple[RowRead, list[Piece], frozenset[int]]] = []
    label_lines = {line: i for i, row in enumerate(rows) for line in (row.flow_lines or ())}
    for i, row in enumerate(rows):
        own = _row_equations(row.keys, eqs)
        if row.flow_lines is None or not _covered(row.keys, own) or _reads_as_printed(row, own):
            continue
        others = {line for line, owner in label_lines.items() if owner != i}
        found = rejoin(flow, row.flow_lines, row.keys, own, others)
        if found is not None:
            joined.append((row, *found))
    claimed: dict[int, int] = {}
    for _, _, used in joined:
        for line in used:
            claimed[line] = claimed.get(line, 0) + 1
    for row, cells, used in joined:
        if all(claimed[line] == 1 for line in used):
            row.cells = cells_from(row.keys, cells, "数字在窄单元格中折行，按列位置拼接，且符合勾稽关系", ARITHMETIC)


def _reads_as_printed(row: RowRead, eqs: Sequence[Equation]) -> bool:
    values = [p for p in row.pieces if p.kind not in ("blank", "break")]
    return (
        len(values) == len(row.keys)
        and all(p.kind != "text" for p in values)
        and not _wrapped(values)
        and _satisfies(values_of(row.keys, values), eqs)
    )


def _empty_rows(rows: list[RowRead]) -> int:
    return sum(1 for r in rows if r.found and not any(p.kind in VALUE_KINDS for p in r.pieces))


def _failures(rows: list[RowRead], eqs: Sequence[Equation]) -> int:
    """Equations that the certain cells break (a sign of a reading shifted by a row), plus cells left
    without a value."""
    cells = _cells(rows)
    values = {k: c.value for k, c in cells.items() if c.value is not None}
    broken = sum(
        1
        for e in eqs
        if all(k in values for k in (*e.lhs, *e.rhs))
        and abs(sum(values[k] for k in e.lhs) - sum(values[k] for k in e.rhs)) > 1e-6
    )
    return broken + sum(1 for c in cells.values() if c.value is None)


def _tokens_in(flow: Flow, span: Span) -> range:
    return range(flow.token_at(span[0]), min(flow.token_at(max(span[1] - 1, span[0])) + 1, len(flow.tokens)))


def _line_of(loc: Loc) -> tuple[int | None, int | None]:
    return (loc.page, loc.line)


def _printed_line(loc: Loc) -> tuple[int | None, int | None]:
    """The line a cell was printed on: its line of text, or its row of a grid (a PDF's or a
    document's table, whose cells have no line)."""
    return _line_of(loc) if loc.line is not None or loc.row is None else (loc.table, loc.row)


def _flat_row(flow: Flow, table: Table, start: int, end: int) -> tuple[list[RowRead], int, int]:
    """A table whose cells all sit in one row after its header labels (T4)."""
    block = table.blocks[0]
    keys = [table.cell_key(r, c) for r in block.rows for c in block.columns]
    labels = [x for r in block.rows for x in r.labels] + [x for c in block.columns for x in c.labels]
    labels += [g.label for g in table.column_groups]
    header = label_regex(tuple(labels))
    opening = header_start(flow, header, start, end)
    first_label = end
    last_end = None
    for m in header.finditer(flow.norm, opening, end):
        if last_end is not None and any(p.kind != "blank" for p in gap_pieces(flow, last_end, m.start())):
            break  # values came before this label: it is prose after the table
        first_label = min(first_label, m.start())
        last_end = m.end()
    row = RowRead(keys, [], last_end is not None)
    if last_end is not None:
        at = flow.token_at(last_end)
        row.label_loc = flow.tokens[at].loc if at < len(flow.tokens) else None
        row.pieces = gap_pieces(flow, last_end, end)
    return [row], first_label, last_end if last_end is not None else start


def _cut_extra_rows(table: Table, rows: list[RowRead]) -> list[ExtraRow]:
    out: list[ExtraRow] = []
    for row in rows:
        row.pieces, extra = split_extra(row.pieces, len(row.keys))
        out += [ExtraRow(table.key, row.keys[0].rsplit(".", 1)[0], label, vals, loc) for label, vals, loc in extra]
    return out


# ---- deciding the cells --------------------------------------------------------------------------


def _decide(rows: list[RowRead], eqs: Sequence[Equation]) -> None:
    """Rows read as printed first; the rest by the table's equations, jointly."""
    for row in rows:
        row.pieces = _without_column_numbers(row.pieces, len(row.keys))
    _spread_displaced(rows, eqs)
    unprinted = _drops_empty_cells(rows)
    orderly = _orderly(rows)
    open_rows: list[_Open] = []
    for row in rows:
        if not row.cells:
            found = _resolve_row(row, _row_equations(row.keys, eqs), unprinted, orderly)
            if found is not None:
                open_rows.append(found)
    if any(r.uncut for r in rows):
        open_rows = _distrust_cuts(rows, open_rows)
    if open_rows:
        _solve_open(rows, open_rows, eqs)


def _orderly(rows: list[RowRead]) -> bool:
    """Whether the numbers stand where their rows are: no row found without numbers of its own
    (labels heaped apart from their numbers) and none holding far more or fewer than its cells
    (rows run together). Out of order, a row that happens to hold its width may hold another row's
    numbers; a number or two too many or too few (a wrapped or dropped cell) is not that."""
    for row in rows:
        if not row.found or row.cells:
            continue
        pieces = _own_line_cells([p for p in row.pieces if p.kind != "break"], row, len(row.keys))
        count = len(pieces) if any(p.in_cell for p in pieces) else len([p for p in pieces if p.kind != "blank"])
        if count == 0 or abs(count - len(row.keys)) > MAX_STRAY:
            return False
    return True


def _distrust_cuts(rows: list[RowRead], open_rows: list[_Open]) -> list[_Open]:
    """A run of digits that no cut fits says the text dropped empty cells from its runs: then a cut
    that fits another row may fit by chance, and no cut of this table is taken."""
    note = "表中另有连在一起的数字无法按勾稽关系拆分（可能有空白单元格未印出），此行的拆分不可靠"
    for row in rows:
        if row.cut:
            pieces = [p for p in row.pieces if p.kind != "break"]
            row.cells = unreadable_cells(row.keys, pieces, note)
    kept = []
    for o in open_rows:
        if any(p.split and not p.joined for r in o.readings for p in r):
            pieces = [p for p in o.row.pieces if p.kind != "break"]
            o.row.cells = unreadable_cells(o.row.keys, pieces, note)
        else:
            kept.append(o)
    return kept


def _without_column_numbers(pieces: list[Piece], width: int) -> list[Piece]:
    """Drop the column numbers (1 2 3 … width) that a table prints under its header and that the
    text repeats in front of a row's own numbers: a row holding them and then exactly a row's worth."""
    values = [p for p in pieces if p.kind not in ("blank", "break")]
    if width < MIN_NUMBERED_WIDTH or len(values) != 2 * width:
        return pieces
    head = values[:width]
    if [p.value for p in head] != list(range(1, width + 1)) or any(p.raw != str(p.value) for p in head):
        return pieces
    numbering = {id(p) for p in values[:width]}
    return [p for p in pieces if id(p) not in numbering]


def _drops_empty_cells(rows: list[RowRead]) -> bool:
    """Whether the text may have left empty cells unprinted, and what it printed can be placed among
    them: it does not mark cells (PDF text, not a grid or tabs), no row holds more numbers than cells,
    and either every number stands on a line of its own row's label (text laid out by position) or
    every number of the table is 0. Where nonzero numbers stand on lines of their own, a row's
    numbers may sit under another row's label and equations cannot tell rows of one sum apart;
    where all are 0, whichever row a 0 belongs to, the cells it leaves are 0."""
    aligned = True
    zeros = True
    for row in rows:
        values = [p for p in row.pieces if p.kind != "blank" and p.kind != "break"]
        if any(p.in_cell for p in row.pieces) or len(values) > len(row.keys):
            return False
        zeros = zeros and all(p.kind == "number" and p.value == 0 for p in values)
        if row.label_lines is not None and any(_line_of(p.loc) not in row.label_lines for p in values):
            aligned = False
        if row.label_lines is None and len({_line_of(p.loc) for p in values}) > 1:
            aligned = False  # a table's one flat row: its numbers must stand on one line
    return aligned or zeros


def _row_equations(keys: list[str], eqs: Sequence[Equation]) -> list[Equation]:
    """The equations all of whose cells are among ``keys`` (worked out once per row of a template)."""
    within = _rows_within(eqs)
    found = within.get(tuple(keys))
    if found is None:
        ks = set(keys)
        found = within[tuple(keys)] = tuple(e for e in eqs if set(e.lhs) | set(e.rhs) <= ks)
    return list(found)


@per_object
def _rows_within(eqs: Sequence[Equation]) -> dict[tuple[str, ...], tuple[Equation, ...]]:
    """A table's equations that lie within a row, by the row's cells (filled as rows are met)."""
    return {}


def _covered(keys: list[str], eqs: Sequence[Equation]) -> bool:
    """Every cell of the row takes part in one of its own equations."""
    inside = {k for e in eqs for k in (*e.lhs, *e.rhs)}
    return bool(eqs) and all(k in inside for k in keys)


def _satisfies(values: dict[str, int | float], eqs: Sequence[Equation]) -> bool:
    for e in eqs:
        if (
            all(k in values for k in (*e.lhs, *e.rhs))
            and abs(sum(values[k] for k in e.lhs) - sum(values[k] for k in e.rhs)) > 1e-6
        ):
            return False
    return True


def _distinct(rs: list[Reading]) -> list[Reading]:
    seen: dict[tuple[int | float | None, ...], Reading] = {}
    for r in rs:
        seen.setdefault(tuple(p.value for p in r), r)
    return list(seen.values())


def _resolve_row(row: RowRead, eqs: Sequence[Equation], unprinted: bool, orderly: bool) -> _Open | None:
    """Decide a row on its own where it can be; else hand its readings to the table."""
    width = len(row.keys)
    if not row.found:
        row.cells = missing_cells(row.keys, None, "未找到该行")
        return None
    pieces = _own_line_cells([p for p in row.pieces if p.kind != "break"], row, width)
    may_drop = unprinted and _covered(row.keys, eqs)
    if not any(p.kind != "blank" for p in pieces) and len(pieces) != width and not (may_drop and not pieces):
        row.cells = missing_cells(row.keys, row.label_loc, "该行未找到数值")
        return None
    if row.by_column is not None:
        rs = [row.by_column]
    else:
        rs = readings(pieces, row.keys, eqs, (row.label_loc or Loc()) if may_drop else None)
    placed = any(p.unprinted for r in rs for p in r)
    values = [p for p in pieces if p.kind != "blank"]
    shown = " ".join(p.raw for p in values) or "无"
    if len(values) > width and len(_distinct(rs)) > 1:
        if not eqs:
            row.cells = unreadable_cells(
                row.keys,
                pieces,
                f"该行应有{width}个数，读到{len(values)}个（{shown}），有多种读法，没有勾稽关系可以确定",
                _candidates(row.keys, _distinct([r for r in rs if all(p.kind != "text" for p in r)])),
            )
            return None
        if not orderly:
            # out of order, a number too many may be another row's: only joinings of wrapped
            # numbers, which take no number away, are tried
            rs = [r for r in rs if any(p.split for p in r)]
    fitting = (
        rs
        if len(rs) == 1 and not placed
        # a reading is chosen by the arithmetic only when every cell of it is a number
        else [r for r in rs if all(p.kind != "text" for p in r) and _satisfies(values_of(row.keys, r), eqs)]
    )
    distinct = _distinct(fitting)
    if len(distinct) == 1:
        _take_single(row, pieces, distinct[0], eqs, len(rs) > 1, shown, orderly)
        return None
    if len(distinct) > 1:
        if len(values) > width:
            why = f"多出{len(values) - width}个数，无法确定哪些属于该行"
        else:
            why = "有多种读法都符合该行的勾稽关系" if eqs else "数字连在一起，有多种拆分方式"
        return _Open(row, distinct, f"该行应有{width}个数，读到{len(values)}个（{shown}），{why}")
    row.uncut = bool(values) and len(values) < width and all(p.kind == "number" and p.raw.isdigit() for p in values)
    row.cells = unreadable_cells(
        row.keys,
        pieces,
        f"该行应有{width}个数，读到{len(values)}个（{shown}），无法确定各数对应的列",
        _candidates(row.keys, _distinct(rs)),
    )
    return None


def _own_line_cells(pieces: list[Piece], row: RowRead, width: int) -> list[Piece]:
    """In a grid (or a grid drawn as text: w3m, lynx, Markdown), the empty lead cells of the next
    printed line (a group label's column), or the empty cells of a header, stand beside a row's
    cells: when one printed line (a grid's row) holds exactly the row's width of cells and every
    number of the gap, those are its cells (the row's own label line first). Without this, a row
    whose cells are all empty had more pieces than cells and was not read."""
    if len(pieces) == width or not any(p.in_cell for p in pieces):
        return pieces
    lines: dict[tuple[int | None, int | None], list[Piece]] = {}
    for p in pieces:
        lines.setdefault(_printed_line(p.loc), []).append(p)
    values = {id(p) for p in pieces if p.kind != "blank"}
    order = sorted(lines, key=lambda k: row.label_lines is None or k not in row.label_lines)
    for key in order:
        own = lines[key]
        if len(own) == width and values <= {id(p) for p in own}:
            return own
    return pieces


def _holds_its_cells(pieces: list[Piece], width: int) -> bool:
    """Exactly a row's cells: its width of pieces, or its width of numbers with empty cells only
    before or after them (a label cell's empty neighbour), never between them."""
    if len(pieces) == width:
        return True
    at = [i for i, p in enumerate(pieces) if p.kind != "blank"]
    return len(at) == width and at[-1] - at[0] + 1 == width


def _words_first(pieces: list[Piece]) -> bool:
    """Words (another label, a header) between a row's label and its first number."""
    first = next((i for i, p in enumerate(pieces) if p.kind in VALUE_KINDS), None)
    return first is not None and any(p.kind == "break" for p in pieces[:first])


def _take_single(
    row: RowRead, pieces: list[Piece], chosen: Reading, eqs: Sequence[Equation], chose: bool, shown: str, orderly: bool
) -> None:
    """The one reading of a row: taken, unless nothing verifies a reading that needed verifying.
    A row read as printed whose own equations fail is the report's fault only where the text is in
    order and the row holds exactly its cells; otherwise the numbers may be another row's."""
    width = len(row.keys)
    values_read = values_of(row.keys, chosen)
    checked = bool(eqs) and len(values_read) == width and _satisfies(values_read, eqs)
    if eqs and not checked and not (orderly and _holds_its_cells(pieces, width)):
        reason = f"该行的数字（{shown}）不符合勾稽关系，且表格原文排列不规整，可能读到了别处的数字"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if row.shared_label:
        reason = f"该行的标签与别的行的标签在同一格中，数字（{shown}）属于哪一行无法确定"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if not eqs and _words_first(row.pieces):
        reason = f"该行标签与数字（{shown}）之间夹有其他文字，且没有勾稽关系可以验证，可能是别处的数字"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if _interrupted(row.pieces, chosen, row.column_words) and len({p.value for p in chosen}) > 1:
        reason = f"该行的数字与表头文字交错（{shown}），各数的先后不可靠，无法确定各数对应的列"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    merged = next((p.raw for p in chosen if p.kind == "text" and len(_NUMBERS.findall(p.raw)) >= 2), None)
    if merged is not None:
        reason = f"一格中有几个数（“{merged}”），可能是单元格合并或错位，该行各数对应的列不可靠"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if not eqs and _wrapped(chosen):
        reason = f"该行的数字分在几行（{shown}），且没有勾稽关系可以验证，可能有单元格错位"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if _interrupted(row.pieces, chosen) and not (eqs and _satisfies(values_read, eqs)):
        reason = f"该行的数字之间夹有文字（{shown}），且不符合勾稽关系，无法确定各数对应的列"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if eqs and not checked and _wrapped(chosen):
        reason = f"该行的数字分在几行（{shown}），且不符合勾稽关系，可能有数字被折行拆开"
        row.cells = unreadable_cells(row.keys, pieces, reason)
        return
    if any(p.split and p.raw != "0" for p in chosen) and not checked:
        reason = f"该行应有{width}个数，读到连在一起的数字（{shown}），没有勾稽关系可以验证拆分"
        row.cells = unreadable_cells(row.keys, pieces, reason, _candidates(row.keys, [chosen]))
        return
    note = None
    row.cut = any(p.split and not p.joined for p in chosen)
    if any(p.split for p in chosen):
        note = "由表格勾稽关系确定数字的拆分"
    elif any(p.unprinted for p in chosen):
        note = f"该行印出{len([p for p in chosen if not p.unprinted])}个数（{shown}），按表格勾稽关系确定对应的列"
    elif chose:
        note = f"该行读到{len([p for p in pieces if p.kind != 'blank'])}个数（{shown}），按表格勾稽关系确定对应的列"
    row.cells = cells_from(row.keys, chosen, note, ARITHMETIC if chose else "printed")


def _candidates(keys: list[str], rs: list[Reading]) -> list[dict[str, int | float]]:
    return [values_of(keys, r) for r in rs[:SHOWN_CANDIDATES]]


def _wrapped(reading: Reading) -> bool:
    """A row printed on one line but with part of it on another: the sign of a number that a
    narrow cell wrapped (12429 printed as 1242 over 9). One cell per line is not that."""
    places: dict[tuple[int | None, ...], int] = {}
    for p in reading:
        if not p.unprinted:
            places[printed_row(p.loc)] = places.get(printed_row(p.loc), 0) + 1
    return len(places) > 1 and max(places.values()) > 1


def _interrupted(pieces: list[Piece], reading: Reading, words: frozenset[str] | None = None) -> bool:
    """Whether words stand between the cells a reading takes (a sign of text out of order); with
    ``words``, only those words (a table's column labels: numbers printed among the header)."""
    if all(p.kind != "break" for p in pieces):
        return False  # no words at all (most rows)
    index = {id(p): i for i, p in enumerate(pieces)}
    at = sorted(index[id(p)] for p in reading if id(p) in index)
    if words is None:
        return bool(at) and any(p.kind == "break" for p in pieces[at[0] : at[-1] + 1])
    # header words between the numbers at two places or more: numbers printed among the header's
    # columns, in no dependable order (one block of them is a header repeated over a page break)
    gaps = [pieces[a + 1 : b] for a, b in itertools.pairwise(at)]
    return sum(1 for g in gaps if any(p.kind == "break" and _is_column_word(p.raw, words) for p in g)) >= 2


def _is_column_word(text: str, words: frozenset[str]) -> bool:
    t = norm_label(text)
    return len(t) >= 2 and any(t in w or w in t for w in words)


def _solve_open(rows: list[RowRead], open_rows: list[_Open], eqs: Sequence[Equation]) -> None:
    """Rows with several readings: every cell on which all joint solutions agree is taken. Rows
    that no equation links are solved apart, so that one row's choices do not multiply another's."""
    fixed = {k: c.value for r in rows for k, c in r.cells.items() if c.value is not None}
    for component in _linked(open_rows, eqs):
        segments = [OpenSegment(o.row.keys, [tuple(p.value for p in r) for r in o.readings]) for o in component]  # type: ignore[misc]
        outcome = solve(segments, fixed, eqs)
        for o, seg, used in zip(component, segments, outcome.used, strict=True):
            _settle(o, seg, [o.readings[i] for i in sorted(used)], outcome)


def _linked(open_rows: list[_Open], eqs: Sequence[Equation]) -> list[list[_Open]]:
    """The open rows in groups that equations link (directly or through one another)."""
    owner = {k: i for i, o in enumerate(open_rows) for k in o.row.keys}
    parent = list(range(len(open_rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for e in eqs:
        members = {owner[k] for k in (*e.lhs, *e.rhs) if k in owner}
        first = min(members, default=None)
        for m in members:
            parent[find(m)] = find(first)  # type: ignore[arg-type]
    groups: dict[int, list[_Open]] = {}
    for i, o in enumerate(open_rows):
        groups.setdefault(find(i), []).append(o)
    return list(groups.values())


def _settle(o: _Open, seg: OpenSegment, solutions: list[Reading], outcome: Outcome) -> None:
    pieces = [p for p in o.row.pieces if p.kind != "break"]
    if not outcome.complete or not solutions:
        o.row.cells = unreadable_cells(o.row.keys, pieces, o.note, _candidates(o.row.keys, o.readings))
        return
    first = solutions[0]
    shown = solutions if len(solutions) <= SHOWN_CANDIDATES else None
    cells: dict[str, CellRead] = {}
    for i, key in enumerate(seg.keys):
        if len(outcome.values[key]) == 1 and key in outcome.covered:
            cells.update(cells_from([key], [first[i]], "由表格勾稽关系确定", ARITHMETIC))
        else:
            note = o.note if shown else f"{o.note}（符合的读法超过{SHOWN_CANDIDATES}种，未列出）"
            cand = _candidates(o.row.keys, shown) if shown else None
            cells.update(unreadable_cells([key], pieces, note, cand, complete=bool(shown)))
    o.row.cells = cells


def _spread_displaced(rows: list[RowRead], eqs: Sequence[Equation]) -> None:
    """Rows whose labels text extraction printed elsewhere leave their numbers behind the
    previous row's: when that row holds exactly the numbers of it and of the label-less rows
    after it, and each row's share adds up by its own arithmetic, give each row its share."""
    i = 0
    while i < len(rows):
        j = i + 1
        while j < len(rows) and not rows[j].found and len(rows[j].keys) == len(rows[i].keys):
            j += 1
        group = rows[i:j]
        width = len(rows[i].keys)
        values = [p for p in rows[i].pieces if p.kind != "blank" and p.kind != "break"]
        if rows[i].found and len(group) > 1 and len(values) == width * len(group):
            chunks = [values[k * width : (k + 1) * width] for k in range(len(group))]
            row_eqs = [_row_equations(r.keys, eqs) for r in group]
            if (
                all(row_eqs)
                and all(p.kind != "text" for p in values)
                and all(_satisfies(values_of(r.keys, c), e) for r, c, e in zip(group, chunks, row_eqs, strict=True))
            ):
                for r, c in zip(group, chunks, strict=True):
                    r.cells = cells_from(r.keys, c, "行标签与数字在文本中分离，按表格行序对应", ARITHMETIC)
                    r.found = True
        i = j
