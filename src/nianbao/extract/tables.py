"""Read the cells of a template's tables out of a Flow.

Row labels are found in order; the cells of a row are the value tokens between its
label and the next row's label. When the count of values does not match the row's
width, the table's own arithmetic (the template's equations) decides between the
possible readings: a reading is taken only when exactly one fits, otherwise the
cells are ``unreadable`` with the candidate readings kept. Nothing is guessed.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import cache

from nianbao.document import LOW_CONFIDENCE, Loc
from nianbao.extract.flow import SEP, Flow
from nianbao.extract.normalize import norm_label, read_cell
from nianbao.template import Block, Equation, Row, Table, Template

_CN = "一二三四五六七八九十"
_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}\.)")
_SEPS = f"{SEP}*"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d")
_RUNS = re.compile(r"[+\-−－]?\d[\d,，.]*(?:万元|元)?|[^\d]+")
MAX_CANDIDATES = 50_000
_PREFIX_LENGTHS = (8, 5)
_VALUE_KINDS = ("number", "dash", "text")
_MAX_STRAY = (
    2  # surplus numbers in a row that may be stray cells  # label beginnings accepted when the whole label is not found
)


@dataclass
class CellRead:
    value: int | float | None
    status: str  # ok | blank | missing | unreadable
    raw: str | None
    loc: Loc
    note: str | None = None
    candidates: list[dict[str, int | float]] | None = None
    confidence: float | None = None


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


@dataclass
class Piece:
    """One value-like token of a gap: a cell's text (possibly a run of several cells)."""

    raw: str
    kind: str  # number | dash | blank | text | break (words between cells: not a cell)
    value: int | float | None
    loc: Loc
    unit: str | None = None
    split: bool = False  # cut out of a run of digits by the table's arithmetic
    confidence: float | None = None  # OCR confidence of the token it was read from


@dataclass
class RowRead:
    keys: list[str]
    pieces: list[Piece]
    found: bool
    label_loc: Loc | None = None
    cells: dict[str, CellRead] = field(default_factory=dict)
    options: list[list[Piece]] | None = None  # several readings left for the table to decide


def _prefix_alternatives(prefix: str) -> str:
    core = prefix.strip("、（）.")
    if core.isdigit():
        return rf"(?:{core}[.、．]?|（{core}）)"
    return rf"(?:{core}、|（{core}）|{core}[.．]|{core}(?=[\u4e00-\u9fff]))"


@cache
def label_regex(labels: tuple[str, ...], head: str | None = None) -> re.Pattern[str]:
    """A pattern that finds a row label in Flow.norm, whatever the breaks inside it.

    Besides the whole label it accepts the label's first words: PDF text laid out
    by position often prints a wrapped label's second line after the row's numbers."""
    whole: list[str] = []
    beginnings: list[str] = []
    for label in sorted({*labels, *([head] if head else [])}, key=len, reverse=True):
        n = norm_label(label)
        m = _PREFIX.match(n)
        prefix, core = (m.group(0), n[m.end() :]) if m else ("", n)
        whole.append(_alternative(prefix, core, mandatory=len(core) <= 3))
        beginnings += [_alternative(prefix, core[:k], mandatory=True) for k in _PREFIX_LENGTHS if len(core) > k + 2]
    alts = whole + beginnings
    return re.compile("|".join(f"(?:{a})" for a in alts))


def _alternative(prefix: str, core: str, mandatory: bool) -> str:
    body = _SEPS.join(re.escape(ch) for ch in core)
    if not prefix:
        return body
    if mandatory:
        return f"{_prefix_alternatives(prefix)}{_SEPS}{body}"
    return f"(?:{_prefix_alternatives(prefix)}{_SEPS})?{body}"


def _row_regex(row: Row) -> re.Pattern[str]:
    return label_regex(row.labels, row.head)


def _gap_pieces(flow: Flow, start: int, end: int) -> list[Piece]:
    """Value-like pieces of Flow.norm[start:end], stopping at prose once values began."""
    pieces: list[Piece] = []
    pos = start
    while pos < end:
        if flow.norm[pos] == SEP:
            blank = flow.blank_at.get(pos)
            if blank is not None:
                pieces.append(Piece("", "blank", 0, flow.tokens[blank].loc))
            pos += 1
            continue
        t_index = flow.owner[pos]
        stop = pos
        while stop < end and flow.norm[stop] != SEP:
            stop += 1
        tok = flow.tokens[t_index]
        offsets = flow.char_offsets[t_index]
        first = offsets[pos - flow.token_start[t_index]]
        last = offsets[stop - 1 - flow.token_start[t_index]]
        raw = tok.text[first : last + 1]
        if _add_pieces(pieces, raw, tok.loc, tok.confidence):
            break
        pos = stop
    return pieces


def _add_pieces(pieces: list[Piece], raw: str, loc: Loc, confidence: float | None = None) -> bool:
    """Add the value-like parts of one token's text; True when it is prose that ends the table."""
    cell = read_cell(raw)
    if cell.kind in ("number", "dash"):
        pieces.append(Piece(raw, cell.kind, cell.value, loc, cell.unit, confidence=confidence))
        return False
    cjk = len(_CJK.findall(raw))
    if cjk >= 2 and _DIGITS.search(raw):
        # numbers run into a label ("0000000三、本年度办理结果"): read each run on its own
        return any(_add_pieces(pieces, part, loc, confidence) for part in _RUNS.findall(raw))
    if _DIGITS.search(raw) and len(raw) <= 12:
        pieces.append(Piece(raw, "text", None, loc))
        return False
    if _is_prose(raw, cjk) and any(p.kind in _VALUE_KINDS for p in pieces):
        return True
    if cjk >= 2:
        pieces.append(Piece(raw, "break", None, loc))
    return False


def _is_prose(text: str, cjk: int) -> bool:
    """A sentence (the text after a table), as opposed to a label or a heading fragment."""
    return cjk >= 20 or (cjk >= 8 and any(ch in text for ch in "。，；！？"))


def _row_equations(keys: list[str], equations: list[Equation]) -> list[Equation]:
    ks = set(keys)
    return [e for e in equations if set(e.lhs) | set(e.rhs) <= ks]


def _satisfies(values: dict[str, int | float], eqs: list[Equation]) -> bool:
    for e in eqs:
        if all(k in values for k in (*e.lhs, *e.rhs)) and sum(values[k] for k in e.lhs) != sum(
            values[k] for k in e.rhs
        ):
            return False
    return True


def _splits(digits: str, k: int) -> list[list[str]]:
    """Ways to cut a run of digits into k numbers without leading zeros."""
    if k == 1:
        return [[digits]] if digits == "0" or not digits.startswith("0") else []
    out = []
    for i in range(1, len(digits) - k + 2):
        head = digits[:i]
        if head != "0" and head.startswith("0"):
            break
        out.extend([head, *rest] for rest in _splits(digits[i:], k - 1))
    return out


def _split_readings(values: list[Piece], width: int) -> list[list[Piece]]:
    """Readings of runs of digits flattened together, e.g. "230 000023" as 7 cells."""
    digit_runs = [p for p in values if p.kind == "number" and isinstance(p.value, int) and p.raw.isdigit()]
    if len(digit_runs) != len(values):
        return []
    extra = width - len(values)
    lengths = [len(p.raw) for p in values]
    allocations = _allocations(extra, [n - 1 for n in lengths])
    count = sum(math.prod(math.comb(n - 1, a) for n, a in zip(lengths, alloc, strict=True)) for alloc in allocations)
    if count > MAX_CANDIDATES:
        return []  # too many ways to cut: unreadable, and no time spent trying
    readings: list[list[Piece]] = []
    # distribute the extra cells over the runs
    for alloc in allocations:
        per_piece = [_splits(p.raw, 1 + a) for p, a in zip(values, alloc, strict=True)]
        if any(not s for s in per_piece):
            continue
        for combo in itertools.product(*per_piece):
            reading = [
                Piece(s, "number", int(s), p.loc, split=len(parts) > 1, confidence=p.confidence)
                for p, parts in zip(values, combo, strict=True)
                for s in parts
            ]
            readings.append(reading)
            if len(readings) > MAX_CANDIDATES:
                return readings
    return readings


def _allocations(total: int, caps: list[int]) -> list[list[int]]:
    if not caps:
        return [[]] if total == 0 else []
    out = []
    for a in range(min(total, caps[0]) + 1):
        out.extend([a, *rest] for rest in _allocations(total - a, caps[1:]))
    return out


def _readings(pieces: list[Piece], width: int) -> list[list[Piece]]:
    """Every way the pieces of a gap can be the ``width`` cells of a row."""
    values = [p for p in pieces if p.kind != "blank"]
    if len(values) == width:
        return [values]
    if len(values) > width:
        if len(values) > width + _MAX_STRAY:
            return []  # far more numbers than cells: rows run together, not a stray cell
        return [values[i : i + width] for i in range(len(values) - width + 1)]
    readings: list[list[Piece]] = []
    if any(p.kind == "blank" for p in pieces) and values:
        first = pieces.index(values[0])
        last = pieces.index(values[-1])
        for s in range(max(0, last - width + 1), first + 1):
            window = pieces[s : s + width]
            if len(window) == width:
                readings.append(window)
    elif not values and len(pieces) == width:
        readings.append(pieces)
    if not readings and values:
        readings = _split_readings(values, width)
    return readings


def _cells_from(keys: list[str], reading: list[Piece], note: str | None = None) -> dict[str, CellRead]:
    out = {}
    for key, p in zip(keys, reading, strict=True):
        if p.kind == "number" and p.confidence is not None and p.confidence < LOW_CONFIDENCE:
            out[key] = CellRead(None, "unreadable", p.raw, p.loc, f"OCR 识别置信度低（{p.confidence:.2f}）")
        elif p.kind == "number" and p.confidence is not None:
            out[key] = CellRead(
                p.value, "ocr", p.raw, p.loc, note or f"OCR 识别，置信度 {p.confidence:.2f}", confidence=p.confidence
            )
        elif p.kind == "number":
            out[key] = CellRead(p.value, "ok", p.raw, p.loc, note)
        elif p.kind in ("blank", "dash"):
            out[key] = CellRead(0, "blank", p.raw, p.loc, "单元格为空" if p.kind == "blank" else f"以“{p.raw}”填写")
        else:
            out[key] = CellRead(None, "unreadable", p.raw, p.loc, f"无法识别为数字：“{p.raw}”")
    return out


def _unreadable(
    keys: list[str], pieces: list[Piece], note: str, options: list[list[Piece]] | None
) -> dict[str, CellRead]:
    raw = " ".join(p.raw for p in pieces if p.kind != "blank") or None
    loc = pieces[0].loc if pieces else Loc()
    cands = None
    if options:
        cands = [{k: p.value for k, p in zip(keys, o, strict=True) if p.value is not None} for o in options[:20]]
    return {k: CellRead(None, "unreadable", raw, loc, note, cands) for k in keys}


def _resolve_row(row: RowRead, eqs: list[Equation]) -> None:
    width = len(row.keys)
    if not row.found:
        row.cells = {k: CellRead(None, "missing", None, Loc(), "未找到该行") for k in row.keys}
        return
    pieces = [p for p in row.pieces if p.kind != "break"]
    if not any(p.kind != "blank" for p in pieces) and len(pieces) != width:
        row.cells = {k: CellRead(None, "missing", None, row.label_loc or Loc(), "该行未找到数值") for k in row.keys}
        return
    readings = _readings(pieces, width)
    fitting = (
        readings
        if len(readings) == 1
        # a reading is chosen by the arithmetic only when every cell of it is a number
        else [r for r in readings if all(p.kind != "text" for p in r) and _satisfies(_as_values(row.keys, r), eqs)]
    )
    values = [p for p in pieces if p.kind != "blank"]
    shown = " ".join(p.raw for p in values)
    if len({tuple(p.value for p in r) for r in fitting}) == 1:
        chosen = fitting[0]
        if _interrupted(row.pieces, chosen) and not (eqs and _satisfies(_as_values(row.keys, chosen), eqs)):
            reason = f"该行的数字之间夹有文字（{shown}），且不符合勾稽关系，无法确定各数对应的列"
            row.cells = _unreadable(row.keys, pieces, reason, None)
            return
        values_read = _as_values(row.keys, chosen)
        checked = bool(eqs) and len(values_read) == width and _satisfies(values_read, eqs)
        if eqs and not checked and _wrapped(chosen):
            reason = f"该行的数字分在几行（{shown}），且不符合勾稽关系，可能有数字被折行拆开"
            row.cells = _unreadable(row.keys, pieces, reason, None)
            return
        if any(p.split and p.raw != "0" for p in chosen) and not checked:
            reason = f"该行应有{width}个数，读到连在一起的数字（{shown}），没有勾稽关系可以验证拆分"
            row.cells = _unreadable(row.keys, pieces, reason, fitting)
            return
        note = None
        if any(p.split for p in chosen):
            note = "由表格勾稽关系确定数字的拆分"
        elif len(readings) > 1:
            note = f"该行读到{len(values)}个数（{shown}），按表格勾稽关系确定对应的列"
        row.cells = _cells_from(row.keys, chosen, note)
        return
    if len(fitting) > 1:
        row.options = fitting
        why = "有多种读法都符合表格勾稽关系" if eqs else "数字连在一起，有多种拆分方式"
    else:
        why = "无法确定各数对应的列"
    reason = f"该行应有{width}个数，读到{len(values)}个（{shown}），{why}"
    row.cells = _unreadable(row.keys, pieces, reason, fitting or readings)


def _row_place(loc: Loc) -> tuple[int | None, ...]:
    """The printed row a cell sits in: a grid's row, or a text line."""
    return (loc.table, loc.row) if loc.table is not None else (loc.page, loc.line)


def _wrapped(reading: list[Piece]) -> bool:
    """A row printed on one line but with part of it on another: the sign of a number that a
    narrow cell wrapped (12429 printed as 1242 over 9). One cell per line is not that."""
    places: dict[tuple[int | None, ...], int] = {}
    for p in reading:
        places[_row_place(p.loc)] = places.get(_row_place(p.loc), 0) + 1
    return len(places) > 1 and max(places.values()) > 1


def _interrupted(pieces: list[Piece], reading: list[Piece]) -> bool:
    """Whether words stand between the cells a reading takes (a sign of text out of order)."""
    index = {id(p): i for i, p in enumerate(pieces)}
    at = [index[id(p)] for p in reading if id(p) in index]
    return bool(at) and any(p.kind == "break" for p in pieces[min(at) : max(at) + 1])


def _as_values(keys: list[str], reading: list[Piece]) -> dict[str, int | float]:
    return {k: p.value for k, p in zip(keys, reading, strict=True) if p.value is not None}


def _resolve_table(rows: list[RowRead], eqs: list[Equation]) -> None:
    """Rows with several readings that fit their own arithmetic: let the columns decide."""
    open_rows = [r for r in rows if r.options]
    if not open_rows:
        return
    fixed: dict[str, int | float] = {}
    for r in rows:
        if not r.options:
            fixed.update({k: c.value for k, c in r.cells.items() if c.value is not None})
    total = 1
    for r in open_rows:
        total *= len(r.options or [])
    if total > MAX_CANDIDATES:
        return
    survivors = []
    for combo in itertools.product(*(r.options or [] for r in open_rows)):
        values = dict(fixed)
        for r, reading in zip(open_rows, combo, strict=True):
            values.update(_as_values(r.keys, reading))
        if _satisfies(values, eqs):
            survivors.append(combo)
    for i, r in enumerate(open_rows):
        distinct = {tuple(p.value for p in combo[i]) for combo in survivors}
        if len(distinct) == 1:
            r.cells = _cells_from(r.keys, survivors[0][i], "由表格勾稽关系确定数字的拆分")
            r.options = None


def read_table(flow: Flow, table: Table, template: Template, start: int, end: int) -> TableRead:
    """The cells of one table found in Flow.norm[start:end], and where its labels are
    (the section's prose stops at the first; the next table is looked for after the last)."""
    eqs = [e for e in template.equations() if e.table == table.key]
    if table.layout == "flat":
        return _read_flat(flow, table, eqs, start, end)
    block_spans: list[tuple[int, int] | None] = []
    cursor = start
    for block in table.blocks:
        found = _find_block(flow, block, cursor, end)
        block_spans.append(found)
        if found:
            cursor = found[1]
    rows: list[RowRead] = []
    spans: list[tuple[int, int] | None] = []
    cursor = start
    for i, block in enumerate(table.blocks):
        b_start = block_spans[i][1] if block_spans[i] else cursor
        b_end = next((sp[0] for sp in block_spans[i + 1 :] if sp and sp[0] >= b_start), end)
        cands = [[(m.start(), m.end()) for m in _row_regex(r).finditer(flow.norm, b_start, b_end)] for r in block.rows]
        chosen = _in_order(cands, _weights(flow, cands, b_end))
        for row, span in zip(block.rows, chosen, strict=True):
            keys = [table.cell_key(row, c) for c in block.columns]
            loc = flow.tokens[flow.token_at(span[0])].loc if span else None
            rows.append(RowRead(keys, [], span is not None, loc))
            spans.append(span)
            if span:
                cursor = span[1]
    found_spans = [sp for sp in spans if sp]
    first_label = min([sp[0] for sp in found_spans] + [sp[0] for sp in block_spans if sp] + [end])
    if table.note or table.column_header:
        words = [table.note or "", table.column_header or ""] + [c.label for b in table.blocks for c in b.columns]
        first_label = min(first_label, _header_start(flow, label_regex(tuple(w for w in words if w)), start, end))
    # each row's gap runs to the next thing found after it: a row label or a block label
    marks = sorted({sp[0] for sp in found_spans} | {sp[0] for sp in block_spans if sp} | {end})
    for row, span in zip(rows, spans, strict=True):
        if span is not None:
            stop = next(m for m in marks if m >= span[1])
            row.pieces = _gap_pieces(flow, span[1], stop)
    extra_rows: list[ExtraRow] = []
    for row in rows:
        row.pieces, extra = _split_extra(row.pieces, len(row.keys))
        extra_rows += [
            ExtraRow(table.key, row.keys[0].rsplit(".", 1)[0], label, vals, loc) for label, vals, loc in extra
        ]
    _spread_displaced(rows, eqs)
    for row in rows:
        if not row.cells:
            _resolve_row(row, _row_equations(row.keys, eqs))
    _resolve_table(rows, eqs)
    cells: dict[str, CellRead] = {}
    for row in rows:
        cells.update(row.cells)
    return TableRead(cells, first_label, max([sp[1] for sp in found_spans], default=start), extra_rows)


def _split_extra(
    pieces: list[Piece], width: int
) -> tuple[list[Piece], list[tuple[str, list[int | float | None], Loc]]]:
    """Cut a gap where, after a full row of numbers, words are followed by more numbers:
    that is a row the format does not have (e.g. 其他主动公开文件 under 第二十条第（一）项)."""
    count = 0
    for i, p in enumerate(pieces):
        if p.kind in _VALUE_KINDS:
            count += 1
        elif p.kind == "break" and count == width and any(q.kind in _VALUE_KINDS for q in pieces[i + 1 :]):
            rest = pieces[i:]
            extras: list[tuple[str, list[int | float | None], Loc]] = []
            label: list[Piece] = []
            values: list[Piece] = []
            for q in rest:
                if q.kind == "break" and values:
                    extras.append(("".join(x.raw for x in label), [v.value for v in values], label[0].loc))
                    label, values = [], []
                if q.kind == "break":
                    label.append(q)
                elif q.kind in _VALUE_KINDS:
                    values.append(q)
            if values:
                extras.append(("".join(x.raw for x in label), [v.value for v in values], label[0].loc))
            return pieces[:i], extras
    return pieces, []


def _weights(flow: Flow, cands: list[list[tuple[int, int]]], end: int) -> list[list[float]]:
    """A label followed by numbers counts fully; one followed straight by another label
    (labels that text extraction gathered in a heap) counts little."""
    starts = sorted({s for row in cands for s, _ in row} | {end})
    out = []
    for row in cands:
        weights = []
        for _, e in row:
            stop = next(x for x in starts if x >= e)
            has_value = any(p.kind in _VALUE_KINDS for p in _gap_pieces(flow, e, stop))
            weights.append(1.0 if has_value else 0.1)
        out.append(weights)
    return out


def _in_order(cands: list[list[tuple[int, int]]], weights: list[list[float]]) -> list[tuple[int, int] | None]:
    """One match per row such that the rows come in the template's order, with the most
    weight: a label that text extraction moved out of place is left out, not followed."""
    best: list[list[tuple[float, tuple[int, int] | None]]] = []
    for i, row_cands in enumerate(cands):
        row_best = []
        for j, (s, _) in enumerate(row_cands):
            w = weights[i][j]
            top: tuple[float, tuple[int, int] | None] = (w, None)
            for pi in range(i):
                for pj, (_, pe) in enumerate(cands[pi]):
                    if pe <= s and best[pi][pj][0] + w > top[0]:
                        top = (best[pi][pj][0] + w, (pi, pj))
            row_best.append(top)
        best.append(row_best)
    chosen: list[tuple[int, int] | None] = [None] * len(cands)
    ends = [(best[i][j][0], -cands[i][j][0], i, j) for i in range(len(cands)) for j in range(len(cands[i]))]
    if not ends:
        return chosen
    _, _, i, j = max(ends)
    at: tuple[int, int] | None = (i, j)
    while at is not None:
        i, j = at
        chosen[i] = cands[i][j]
        at = best[i][j][1]
    return chosen


def _spread_displaced(rows: list[RowRead], eqs: list[Equation]) -> None:
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
        values = [p for p in rows[i].pieces if p.kind != "blank"]
        if rows[i].found and len(group) > 1 and len(values) == width * len(group):
            chunks = [values[k * width : (k + 1) * width] for k in range(len(group))]
            row_eqs = [_row_equations(r.keys, eqs) for r in group]
            if all(row_eqs) and all(
                _satisfies(_as_values(r.keys, c), e) for r, c, e in zip(group, chunks, row_eqs, strict=True)
            ):
                for r, c in zip(group, chunks, strict=True):
                    r.cells = _cells_from(r.keys, c, "行标签与数字在文本中分离，按表格行序对应")
                    r.found = True
        i = j


def _find_block(flow: Flow, block: Block, start: int, end: int) -> tuple[int, int] | None:
    if not block.label:
        return None
    m = label_regex((block.label,)).search(flow.norm, start, end)
    return (m.start(), m.end()) if m else None


_HEADER_RUN = 3  # header labels that must stand close together to open a table
_HEADER_SPAN = 60  # within this many characters of Flow.norm


def _header_start(flow: Flow, header: re.Pattern[str], start: int, end: int) -> int:
    """Where a table's header begins: the first of several header labels standing close
    together. A sentence of prose that names one or two of them (未发生行政复议、行政诉讼) is not it."""
    matches = [
        m.start()
        for m in header.finditer(flow.norm, start, end)
        if not any(ch in flow.tokens[flow.token_at(m.start())].text for ch in "。，；")
    ]
    for i, pos in enumerate(matches):
        if len([q for q in matches[i : i + _HEADER_RUN] if q - pos <= _HEADER_SPAN]) >= _HEADER_RUN:
            return pos
    return end


def _read_flat(flow: Flow, table: Table, eqs: list[Equation], start: int, end: int) -> TableRead:
    """A table whose cells all sit in one row after its header labels (T4)."""
    block = table.blocks[0]
    keys = [table.cell_key(r, c) for r in block.rows for c in block.columns]
    labels = [x for r in block.rows for x in r.labels] + [x for c in block.columns for x in c.labels]
    labels += [g.label for g in table.column_groups]
    header = label_regex(tuple(labels))
    opening = _header_start(flow, header, start, end)
    first_label = end
    last_end = None
    for m in header.finditer(flow.norm, opening, end):
        if last_end is not None and any(p.kind != "blank" for p in _gap_pieces(flow, last_end, m.start())):
            break  # values came before this label: it is prose after the table
        first_label = min(first_label, m.start())
        last_end = m.end()
    row = RowRead(keys, [], last_end is not None)
    if last_end is not None:
        row.label_loc = flow.tokens[flow.token_at(last_end)].loc if flow.token_at(last_end) < len(flow.tokens) else None
        row.pieces = _gap_pieces(flow, last_end, end)
    _resolve_row(row, eqs)
    _resolve_table([row], eqs)
    return TableRead(row.cells, first_label, last_end if last_end is not None else start)
