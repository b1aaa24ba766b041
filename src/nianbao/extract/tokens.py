"""The value-like pieces between a row's label and the next: numbers, dashes, blank cells, stray words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.document import Loc
from nianbao.extract.flow import SEP, Flow
from nianbao.extract.normalize import read_cell

_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d")
_RUNS = re.compile(r"[+\-−－]?\d[\d,，.]*(?:万元|元)?|[^\d]+")
VALUE_KINDS = ("number", "dash", "text")
_LEADING = "、，,：:；;）)"
NUMBERING = re.compile(r"^\d{1,2}[.、．]$")  # an item's number standing alone: part of a label, not a cell
_SPACED = re.compile(r"\d[\s\u3000]+\d")


@dataclass(slots=True)
class Piece:
    """One value-like token of a gap: a cell's text (possibly a run of several cells)."""

    raw: str
    kind: str  # number | dash | blank | text | break (words between cells: not a cell)
    value: int | float | None
    loc: Loc
    unit: str | None = None
    split: bool = False  # cut out of a run of digits, or joined from a wrapped number, by the arithmetic
    joined: bool = False  # joined from the pieces of a number a narrow cell wrapped
    confidence: float | None = None  # OCR confidence of the token it was read from
    unprinted: bool = False  # a cell the text did not print (an empty cell dropped), placed by arithmetic
    in_cell: bool = False  # the source marks cell boundaries (grid, tabs): an empty cell shows as a blank piece
    token: int | None = None  # the Flow token it was read from (its column in text laid out by position)


def printed_row(loc: Loc) -> tuple[int | None, ...]:
    """The printed row a piece sits in: a grid's row, or a text line."""
    return (loc.table, loc.row) if loc.table is not None else (loc.page, loc.line)


def gap_pieces(flow: Flow, start: int, end: int, stop_at_prose: bool = True) -> list[Piece]:
    """Value-like pieces of Flow.norm[start:end], stopping at prose once values began (unless
    told not to: a long label pulled out of its table reads like prose). Each gap is read once per
    flow (the weighing of label matches and the reading of rows ask for the same gaps); the pieces
    are never changed once read, the list is the caller's own."""
    key = (start, end, stop_at_prose)
    found = flow.gaps.get(key)
    if found is None:
        found = flow.gaps[key] = _read_gap(flow, start, end, stop_at_prose)
    return list(found)


def _read_gap(flow: Flow, start: int, end: int, stop_at_prose: bool, probe: bool = False) -> list[Piece]:
    """The pieces of a gap; with ``probe``, only up to the first value-like one."""
    pieces: list[Piece] = []
    norm = flow.norm
    pos = start
    while pos < end:
        if norm[pos] == SEP:
            blank = flow.blank_at.get(pos)
            if blank is not None:
                pieces.append(Piece("", "blank", 0, flow.tokens[blank].loc, in_cell=True))
            pos += 1
            continue
        t_index = flow.owner[pos]
        stop = norm.find(SEP, pos, end)
        if stop < 0:
            stop = end
        tok = flow.tokens[t_index]
        offsets = flow.char_offsets[t_index]
        first = offsets[pos - flow.token_start[t_index]]
        last = offsets[stop - 1 - flow.token_start[t_index]]
        raw = tok.text[first : last + 1]
        before = len(pieces)
        if _add_pieces(pieces, raw, tok.loc, tok.confidence) and stop_at_prose:
            break
        for p in pieces[before:]:
            p.in_cell = tok.cell
            if p.raw == tok.text:
                p.token = t_index
            if probe and p.kind in VALUE_KINDS:
                return pieces
        pos = stop
    return pieces


def before_numbering(pieces: list[Piece]) -> list[Piece]:
    """A gap up to a bare item number (「3.」) followed by numbers: the next row's numbering, its label
    printed apart (after a page break, or wrapped below its numbers); what follows it is that row's."""
    for i, p in enumerate(pieces):
        if p.kind == "text" and NUMBERING.match(p.raw) and any(q.kind == "number" for q in pieces[i + 1 :]):
            return pieces[:i]
    return [p for p in pieces if not (p.kind == "text" and NUMBERING.match(p.raw))]


def has_value(flow: Flow, start: int, end: int) -> bool:
    """Whether the gap holds a value-like piece (read only up to the first: reading stops at prose
    only after a value, so the first value is where a whole reading would find it)."""
    found = flow.gaps.get((start, end, True))
    if found is None:
        found = _read_gap(flow, start, end, True, probe=True)
    return any(p.kind in VALUE_KINDS for p in found)


def _add_pieces(pieces: list[Piece], raw: str, loc: Loc, confidence: float | None = None) -> bool:
    """Add the value-like parts of one token's text; True when it is prose that ends the table."""
    cell = read_cell(raw)
    if cell.kind == "text" and raw[:1] in _LEADING and read_cell(raw.lstrip(_LEADING)).kind == "number":
        raw = raw.lstrip(_LEADING)  # a label's last mark glued to the first number (补正、849)
        cell = read_cell(raw)
    if cell.kind in ("number", "dash"):
        # digits broken by a line or space inside one cell: a number the cell wrapped, or two columns
        # a converter merged; read as one number only where the table's equations confirm it
        spaced = bool(_SPACED.search(raw))
        pieces.append(Piece(raw, cell.kind, cell.value, loc, cell.unit, spaced, confidence=confidence, joined=spaced))
        return False
    cjk = len(_CJK.findall(raw))
    if cjk >= 2 and _DIGITS.search(raw):
        # numbers run into a label ("0000000三、本年度办理结果"): read each run on its own
        return any(_add_pieces(pieces, part, loc, confidence) for part in _RUNS.findall(raw))
    if _DIGITS.search(raw) and len(raw) <= 12:
        pieces.append(Piece(raw, "text", None, loc))
        return False
    if _is_prose(raw, cjk) and any(p.kind in VALUE_KINDS for p in pieces):
        return True
    if cjk >= 2:
        pieces.append(Piece(raw, "break", None, loc))
    return False


def _is_prose(text: str, cjk: int) -> bool:
    """A sentence (the text after a table), as opposed to a label or a heading fragment."""
    return cjk >= 20 or (cjk >= 8 and any(ch in text for ch in "。，；！？"))


ExtraCells = tuple[str, list[int | float | None], Loc]


def split_extra(pieces: list[Piece], width: int) -> tuple[list[Piece], list[ExtraCells]]:
    """Cut a gap where, after a full row of numbers, words are followed by more numbers:
    that is a row the format does not have (e.g. 其他主动公开文件 under 第二十条第（一）项)."""
    count = 0
    for i, p in enumerate(pieces):
        if p.kind in VALUE_KINDS:
            count += 1
        elif p.kind == "break" and count == width and any(q.kind in VALUE_KINDS for q in pieces[i + 1 :]):
            extras: list[ExtraCells] = []
            label: list[Piece] = []
            values: list[Piece] = []
            for q in pieces[i:]:
                if q.kind == "break" and values:
                    extras.append(("".join(x.raw for x in label), [v.value for v in values], label[0].loc))
                    label, values = [], []
                if q.kind == "break":
                    label.append(q)
                elif q.kind in VALUE_KINDS:
                    values.append(q)
            if values:
                extras.append(("".join(x.raw for x in label), [v.value for v in values], label[0].loc))
            return pieces[:i], extras
    return pieces, []
