"""The ways the pieces of one segment (a row, or rows whose labels were lost) can be its cells.

Each reading assigns one piece to each cell, in order: the pieces as printed; a window that leaves
out a stray number; a window over blank cells; a run of digits cut into several cells; or, where the
text drops empty cells (PDF text), the printed numbers placed among cells left unprinted. Which
reading is the report's is for the table's equations to decide (solver.py), never for this module.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import cache

from nianbao.document import Loc
from nianbao.extract.normalize import read_cell
from nianbao.extract.settings import MAX_CANDIDATES, MAX_STRAY, MAX_UNPRINTED_PLACEMENTS
from nianbao.extract.tokens import Piece, printed_row
from nianbao.template import Equation

Reading = list[Piece]


def readings(
    pieces: list[Piece], keys: list[str], eqs: Sequence[Equation], unprinted: Loc | None = None
) -> list[Reading]:
    """Every way the pieces of a gap can be the cells ``keys`` of a row (bound by the row's own
    equations ``eqs``). ``unprinted`` (the row label's place) allows cells that the text did not
    print at all, where equations cover them."""
    width = len(keys)
    values = [p for p in pieces if p.kind != "blank"]
    if len(values) == width:
        return [values]
    if len(values) > width:
        if len(values) > width + MAX_STRAY:
            return []  # far more numbers than cells: rows run together, not a stray cell
        windows = [values[i : i + width] for i in range(len(values) - width + 1)]
        return windows + joined_readings(values, width) if eqs else windows
    out: list[Reading] = []
    if any(p.kind == "blank" for p in pieces) and values:
        first = pieces.index(values[0])
        last = pieces.index(values[-1])
        for s in range(max(0, last - width + 1), first + 1):
            window = pieces[s : s + width]
            if len(window) == width:
                out.append(window)
    elif not values and len(pieces) == width:
        out.append(pieces)
    if not out and len(values) == 1 and eqs:
        out = split_by_equations(values[0], keys, eqs)  # only the cuts that keep the row's equations
    elif not out and values:
        out = split_readings(values, width)
    if not out and unprinted is not None and not any(p.kind == "blank" or p.in_cell for p in pieces):
        out = unprinted_readings(values, width, unprinted)
    return out


def joined_readings(values: list[Piece], width: int) -> list[Reading]:
    """Readings that join numbers a narrow cell wrapped onto the next line (12429 printed as 1242
    over 9): pairs of neighbours on different lines, put back together until the row has its width."""
    surplus = len(values) - width
    pairs = [
        i
        for i in range(len(values) - 1)
        if printed_row(values[i].loc) != printed_row(values[i + 1].loc)
        and values[i].raw.replace(",", "").isdigit()
        and values[i + 1].raw.isdigit()
    ]
    out: list[Reading] = []
    for chosen in itertools.combinations(pairs, surplus):
        if any(b - a < 2 for a, b in itertools.pairwise(chosen)):
            continue  # a number wrapped over three lines is not joined
        reading: Reading = []
        skip = False
        for i, p in enumerate(values):
            if skip:
                skip = False
                continue
            if i in chosen:
                raw = p.raw + values[i + 1].raw
                cell = read_cell(raw)
                if cell.kind != "number":
                    break
                reading.append(
                    Piece(raw, "number", cell.value, p.loc, split=True, confidence=p.confidence, joined=True)
                )
                skip = True
            else:
                reading.append(p)
        if len(reading) == width:
            out.append(reading)
    return out


def unprinted_readings(values: list[Piece], width: int, where: Loc) -> list[Reading]:
    """The printed numbers in order among cells the text left out (empty cells that PDF text drops)."""
    if len(values) > width or math.comb(width, len(values)) > MAX_UNPRINTED_PLACEMENTS:
        return []
    if any(p.kind == "text" for p in values):
        return []
    out: list[Reading] = []
    for at in itertools.combinations(range(width), len(values)):
        reading: Reading = []
        it = iter(values)
        taken = set(at)
        for i in range(width):
            if i in taken:
                reading.append(next(it))
            else:
                reading.append(Piece("", "blank", 0, where, unprinted=True))
        out.append(reading)
    return out


def _splits(digits: str, k: int) -> list[list[str]]:
    """Ways to cut a run of digits into k numbers without leading zeros."""
    if k == 1:
        return [[digits]] if digits == "0" or not digits.startswith("0") else []
    out: list[list[str]] = []
    for i in range(1, len(digits) - k + 2):
        head = digits[:i]
        if head != "0" and head.startswith("0"):
            break
        out.extend([head, *rest] for rest in _splits(digits[i:], k - 1))
    return out


def split_readings(values: list[Piece], width: int) -> list[Reading]:
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
    out: list[Reading] = []
    for alloc in allocations:
        per_piece = [_splits(p.raw, 1 + a) for p, a in zip(values, alloc, strict=True)]
        if any(not s for s in per_piece):
            continue
        for combo in itertools.product(*per_piece):
            out.append(
                [
                    Piece(s, "number", int(s), p.loc, split=len(parts) > 1, confidence=p.confidence)
                    for p, parts in zip(values, combo, strict=True)
                    for s in parts
                ]
            )
    return out


def split_by_equations(run: Piece, keys: list[str], eqs: Sequence[Equation]) -> list[Reading]:
    """A run of digits too long to try every cut, cut only where the row's equations hold. Cells
    are cut from the right, so that a total (printed last in its group) is known before its parts;
    what is left of each equation bounds the cells still to cut, and the ways to cut a prefix are
    worked out once per (cells left, digits left, what each equation still needs)."""
    digits = run.raw
    if not (run.kind == "number" and digits.isdigit()) or len(digits) < len(keys):
        return []
    index = {k: i for i, k in enumerate(keys)}
    sides = [(frozenset(index[k] for k in e.lhs), frozenset(index[k] for k in e.rhs)) for e in eqs]
    # per number of cells still to cut: how many of each equation's left and right cells they are
    left_of = [
        tuple((sum(1 for j in lhs if j < c), sum(1 for j in rhs if j < c)) for lhs, rhs in sides)
        for c in range(len(keys) + 1)
    ]
    # per cell: what its value adds to each equation's difference (left side minus right side)
    weight = [tuple(int(i in lhs) - int(i in rhs) for lhs, rhs in sides) for i in range(len(keys))]
    count = [0]

    def feasible(cells_left: int, digits_left: int, diffs: tuple[int, ...]) -> bool:
        """Whether cells 0..cells_left-1 could still close every equation: an equation whose one
        side is complete needs the rest of its other side to make up the difference exactly."""
        widest = digits_left - cells_left + 1  # the most digits one remaining cell can have
        narrowest = -(-digits_left // cells_left) if cells_left else 0  # the widest cell has at least this
        for (lhs_left, rhs_left), diff in zip(left_of[cells_left], diffs, strict=True):
            if lhs_left == 0 and rhs_left == 0:
                if diff != 0:
                    return False
                continue
            if lhs_left and rhs_left:
                continue
            need, parts = (diff, rhs_left) if lhs_left == 0 else (-diff, lhs_left)
            if need < 0 or need >= parts * 10**widest:
                return False
            if parts == cells_left and narrowest > 1 and 10 ** (narrowest - 1) > need:
                return False
        return True

    @cache
    def prefixes(i: int, end: int, diffs: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
        if i < 0:
            return ((),) if end == 0 and not any(diffs) else ()
        out: list[tuple[str, ...]] = []
        for start in range(end - 1, i - 1, -1):  # at least one digit for each cell left
            text = digits[start:end]
            if len(text) > 1 and text[0] == "0":
                continue
            value = int(text)
            new = tuple(d + value * w for d, w in zip(diffs, weight[i], strict=True))
            if not feasible(i, start, new):
                continue
            for rest in prefixes(i - 1, start, new):
                out.append((*rest, text))
                count[0] += 1
                if count[0] > MAX_CANDIDATES:
                    return tuple(out)
        return tuple(out)

    found = prefixes(len(keys) - 1, len(digits), tuple(0 for _ in sides))
    if count[0] > MAX_CANDIDATES:
        return []
    return [[Piece(t, "number", int(t), run.loc, split=True, confidence=run.confidence) for t in cut] for cut in found]


def _allocations(total: int, caps: list[int]) -> list[list[int]]:
    if not caps:
        return [[]] if total == 0 else []
    out: list[list[int]] = []
    for a in range(min(total, caps[0]) + 1):
        out.extend([a, *rest] for rest in _allocations(total - a, caps[1:]))
    return out


def values_of(keys: list[str], reading: Reading) -> dict[str, int | float]:
    return {k: p.value for k, p in zip(keys, reading, strict=True) if p.value is not None}
