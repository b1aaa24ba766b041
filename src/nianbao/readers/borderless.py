"""Tables without ruling lines (HTML tables printed without borders, Word tables with borders off),
rebuilt from the positions of their words.

The numbers fix the table: each line holding numbers is a row, and the numbers of all rows,
aligned one above the other, give the value columns (their boxes overlap within a column and
never across two). Everything left of the first value column is labels: a label wrapped over
several lines is one block of lines close together (a new enumerated item, 「2.」「（三）」, starts a
new one), and it belongs to the rows whose numbers lie within its lines — one row for a row's own
label, several for a group label (「（三）不予公开」), which becomes a merged cell over them. The
settings are in ``readers/settings.py``.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.document import Cell, Grid, Loc
from nianbao.readers import settings
from nianbao.readers.layout import ENUM_START, BBox, Glyph, Line, join_cell_lines, join_glyphs, min_conf, round_box

_NUMBER = re.compile(r"^-?\d[\d,，]*(?:\.\d+)?%?$")


class Word:
    """Glyphs of one line close together: a table's cell, or a word of a label. Its text is read
    once, on first use, when the word is whole."""

    __slots__ = ("_number", "_text", "glyphs", "line")

    def __init__(self, glyphs: list[Glyph], line: int) -> None:
        self.glyphs = glyphs
        self.line = line  # index of its line on the page
        self._text: str | None = None
        self._number: bool | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Word) and (self.glyphs, self.line) == (other.glyphs, other.line)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        return f"Word(glyphs={self.glyphs!r}, line={self.line!r})"

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = join_glyphs(self.glyphs)
        return self._text

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def is_number(self) -> bool:
        if self._number is None:
            self._number = bool(_NUMBER.match(self.text))
        return self._number


def words_of(line: Line, index: int) -> list[Word]:
    """A line cut into words at gaps wider than ``settings.WORD_GAP`` ems, and numbers at any gap
    wider than ``settings.DIGIT_GAP`` ems between two digits: the digits of one number stand
    shoulder to shoulder, and the numbers of narrow columns side by side come closer than a word's
    gap (「1833 5837」 is two cells)."""
    out: list[Word] = []
    glyphs: list[Glyph] = []
    prev: Glyph | None = None
    for g in line.glyphs:
        gap = settings.DIGIT_GAP if prev is not None and prev.text.isdigit() and g.text.isdigit() else settings.WORD_GAP
        if prev is not None and g.x0 - prev.x1 <= gap * min(g.height, prev.height):
            glyphs.append(g)
        else:
            glyphs = [g]
            out.append(Word(glyphs, index))
        prev = g
    return out


@dataclass
class Block:
    """Label words of one cell: a label, possibly wrapped over several lines."""

    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def text(self) -> str:
        by_line: dict[int, list[Word]] = {}
        for w in self.words:
            by_line.setdefault(w.line, []).append(w)
        return join_cell_lines([" ".join(w.text for w in sorted(ws, key=lambda w: w.x0))
                                for _, ws in sorted(by_line.items())])

    @property
    def box(self) -> BBox:
        return (self.x0, self.top, max(w.x1 for w in self.words), self.bottom)


def _columns(numbers: Sequence[Word]) -> list[tuple[float, float]] | None:
    """Value columns: the numbers' spans merged where they overlap. None when two numbers of one
    line fall in one column (the numbers do not stand in columns)."""
    spans: list[tuple[float, float]] = []
    for w in sorted(numbers, key=lambda w: w.x0):
        if spans and w.x0 <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], w.x1))
        else:
            spans.append((w.x0, w.x1))
    for a, b in spans:
        lines = [w.line for w in numbers if a <= w.x0 and w.x1 <= b]
        if len(lines) != len(set(lines)):
            return None
    return spans


def _overlap(a: Word, b: Word) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1


def _wrapped(ws: Sequence[Word], left: float, right: float, em: float) -> bool:
    """A line of labels that goes on below (or a line that goes on from above): one of its labels
    reaches the label to its right, or the right edge of the labels' column (``right``: the
    furthest any label of the table's rows reaches), as a line a cell's width wrapped does."""
    for w in ws:
        if w.x1 > left:
            continue
        edge = min((x.x0 for x in ws if x.x0 >= w.x1 and x.x1 <= left), default=right)
        if w.x1 >= edge - settings.WRAP_SLACK * em:
            return True
    return False


def _blocks(words: Sequence[Word], anchors: set[int], em: float) -> list[Block]:
    """Label words grouped into cells: words overlapping horizontally on lines close together; a line
    opening with an enumeration marker, or a second line beside numbers, starts a new cell."""
    blocks: list[Block] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        home = None
        if not ENUM_START.match(w.text):
            for b in blocks:
                last_line = max(y.line for y in b.words)
                last = [x for x in b.words if x.line == last_line and _overlap(x, w)]
                if not last:
                    continue
                if w.line == last_line:
                    home = b
                    continue
                near = 0 <= w.top - max(x.bottom for x in last) <= settings.LABEL_LINE_GAP * em
                two_rows = w.line in anchors and any(y.line in anchors for y in b.words)
                if near and not two_rows:
                    home = b
        if home is None:
            blocks.append(Block([w]))
        else:
            home.words.append(w)
    return blocks


@dataclass
class Found:
    """A table found on a page: the lines it takes up and the grid rebuilt from them."""

    lines: set[int]
    grid: Grid
    top: float


def find_tables(lines: Sequence[Line], page: int) -> list[Found]:
    """The tables without rules among a page's lines (outside its ruled tables)."""
    words = [words_of(ln, i) for i, ln in enumerate(lines)]
    anchors = [i for i, ws in enumerate(words)
               if sum(w.is_number for w in ws) >= 2 or (any(w.is_number for w in ws) and not ws[0].is_number)]
    found: list[Found] = []
    run: list[int] = []
    for i in [*anchors, -1]:
        if run and (i < 0 or _gap(lines, run[-1], i) > settings.MAX_ROW_GAP * _em(lines[i])):
            alone = sum(w.is_number for w in words[run[0]]) >= settings.MIN_ROW_NUMBERS
            table = _build(lines, words, run, page) if len(run) >= 2 or alone else None
            if table is not None:
                found.append(table)
            run = []
        if i >= 0:
            run.append(i)
    return found


def _label_column_edge(lines: Sequence[Sequence[Word]], left: float, em: float) -> float:
    """The right edge of the labels' column: where the labels of several lines end, as a cell's
    width wraps them; the first value column when no two lines end at the same place (a label
    that is merely the longest says nothing of the column's width)."""
    ends = [max(w.x1 for w in ws if w.x1 <= left) for ws in lines if any(w.x1 <= left for w in ws)]
    if not ends:
        return left
    edge = max(ends)
    reached = sum(1 for x in ends if x >= edge - settings.EDGE_SLACK * em)
    return edge if reached >= 2 else left


def _label_edges(words: Sequence[Word], em: float) -> list[float]:
    """The left edges that several label words start at (a label and its wrapped lines, or the
    labels of several rows): the columns of labels."""
    starts = sorted(w.x0 for w in words)
    edges: list[list[float]] = []
    for x in starts:
        if edges and x - edges[-1][-1] <= settings.EDGE_SLACK * em:
            edges[-1].append(x)
        else:
            edges.append([x])
    return [min(xs) for xs in edges if len(xs) >= 2]


def _split_at_edges(words: Sequence[Word], em: float) -> list[Word]:
    """Label words cut where a gap stands at a column of labels' left edge. A group label printed
    in a narrow column (「（三）不予公开」 wrapped as 「（三」「）不」「予公开」) stands closer to the row
    labels beside it than a word's gap: read as one word, its lines and theirs would be interleaved."""
    edges = _label_edges(words, em)
    if not edges:
        return list(words)
    out: list[Word] = []
    for w in words:
        start = 0
        for k in range(1, len(w.glyphs)):
            prev, g = w.glyphs[k - 1], w.glyphs[k]
            gap = g.x0 - prev.x1
            if gap >= settings.EDGE_GAP * em and any(abs(g.x0 - e) <= settings.EDGE_SLACK * em for e in edges):
                out.append(Word(w.glyphs[start:k], w.line))
                start = k
        out.append(w if start == 0 else Word(w.glyphs[start:], w.line))
    return out


def _em(line: Line) -> float:
    return min(g.height for g in line.glyphs)


def _gap(lines: Sequence[Line], a: int, b: int) -> float:
    return lines[b].bbox[1] - lines[a].bbox[3]


def _build(lines: Sequence[Line], words: list[list[Word]], anchors: list[int], page: int) -> Found | None:
    numbers = [w for i in anchors for w in words[i] if w.is_number]
    columns = _columns(numbers)
    if columns is None or len(columns) < 1:
        return None
    left = columns[0][0]
    em = min(_em(lines[i]) for i in anchors)
    first, last = anchors[0], anchors[-1]
    # the lines around the rows of numbers that hold nothing but labels belong to the table
    lo, hi = first, last
    right = _label_column_edge([words[i] for i in range(first, last + 1)], left, em)
    while lo > 0 and _label_only(words[lo - 1], left) and _gap(lines, lo - 1, lo) <= settings.LABEL_LINE_GAP * em \
            and _wrapped(words[lo - 1], left, right, em):
        lo -= 1
    # below: the lines a label goes on in, when the last line holding labels (the row's numbers
    # may stand on a line of their own, beside its label's middle) reaches the column's edge
    while hi + 1 < len(lines) and _label_only(words[hi + 1], left) and \
            _gap(lines, hi, hi + 1) <= settings.LABEL_LINE_GAP * em and \
            _wrapped(next((words[j] for j in range(hi, lo - 1, -1) if any(w.x1 <= left for w in words[j])), []),
                     left, right, em):
        hi += 1
    heads = _header_lines(lines, words, lo, columns, em)
    if len(anchors) == 1:  # a lone row of numbers: its empty cells are where its header's columns say
        columns = _header_columns([lines[j] for j in heads], numbers, em) or columns
    taken = set(range(lo - len(heads), hi + 1))
    if any(not _label_only(words[i], left) for i in taken - set(anchors) - set(heads)):
        return None  # prose or numbers out of the columns between the rows: not a table
    labels = _split_at_edges([w for i in taken - set(heads) for w in words[i] if w.x1 <= left], em)
    if any(w.x1 > left and not w.is_number for i in anchors for w in words[i]):
        return None
    centres = {i: (lines[i].bbox[1] + lines[i].bbox[3]) / 2 for i in anchors}
    slack = settings.ROW_SPAN_SLACK * em
    at: dict[int, list[Block]] = {i: [] for i in anchors}  # the label blocks beside each row
    for b in _blocks(labels, set(anchors), em):
        covered = [i for i in anchors if b.top - slack <= centres[i] <= b.bottom + slack]
        if not covered:
            covered = [min(anchors, key=lambda i: abs(centres[i] - (b.top + b.bottom) / 2))]
        for i in covered:
            at[i].append(b)
    own: dict[int, Block | None] = {}
    groups: dict[int, list[Block]] = {}
    for i in anchors:
        beside = sorted(at[i], key=lambda b: b.box[2])
        own[i] = beside[-1] if beside else None
        groups[i] = [b for b in beside[:-1] if b.box[2] <= beside[-1].x0]
        for b in beside[:-1]:
            if b.box[2] > beside[-1].x0:  # a second block of the row's own label
                own[i] = Block([*b.words, *beside[-1].words])
    depth = _group_columns([b for i in anchors for b in groups[i]], em)
    n_labels = len(depth) + 1 if labels else 0  # a row of numbers alone (表四) has no label cell
    rows: list[list[Cell]] = [_header_row(words[j], columns, n_labels, page, r) for r, j in enumerate(heads)]
    origins: list[list[bool]] = [[True] * min(n_labels, 1) + [False] * len(depth) * min(n_labels, 1)
                                 + [True] * len(columns) for _ in heads]
    seen: set[int] = set()
    active: dict[int, Block] = {}  # group column → the group label last opened in it
    for r, i in enumerate(anchors, start=len(heads)):
        cells: list[Cell] = []
        flags: list[bool] = []
        label = own[i]
        label_placed = False
        for k in range(n_labels):
            here = [b for b in groups[i] if k < len(depth) and depth[k][0] <= b.x0 < depth[k][1]]
            if here:
                block: Block | None = here[0]
                active[k] = here[0]
                flags.append(id(here[0]) not in seen)
                seen.add(id(here[0]))
            elif k < len(depth) and k in active and label is not None and label.x0 > depth[k][1]:
                block = active[k]  # the group label opened above, as a merged cell, goes on
                flags.append(False)
            else:
                block = label
                flags.append(not label_placed)
                label_placed = True
            box = round_box(block.box) if block else None
            cells.append(Cell(block.text if block else "", Loc(page=page, row=r, col=k, bbox=box)))
        for col_left, col_right in columns:
            ws = [w for w in words[i] if w.x1 > left and col_left <= (w.x0 + w.x1) / 2 <= col_right]
            box = round_box((ws[0].x0, ws[0].top, ws[-1].x1, ws[-1].bottom)) if ws else None
            cells.append(Cell(" ".join(w.text for w in ws), Loc(page=page, row=r, col=len(cells), bbox=box),
                              confidence=min_conf(g for w in ws for g in w.glyphs)))
            flags.append(True)
        rows.append(cells)
        origins.append(flags)
    boxes = [lines[i].bbox for i in taken]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return Found(lines=taken, grid=Grid(rows=rows, loc=Loc(page=page, bbox=round_box(box)), origins=origins),
                 top=box[1])


def _header_lines(lines: Sequence[Line], words: list[list[Word]], top: int, columns: Sequence[tuple[float, float]],
                  em: float) -> list[int]:
    """The header rows right above a table's first row: lines of several words, no numbers, each word
    within the table's width, close to the line below."""
    out: list[int] = []
    j = top - 1
    while j >= 0 and len(words[j]) >= 2 and not any(w.is_number for w in words[j]) \
            and _gap(lines, j, j + 1) <= settings.HEADER_GAP * em \
            and all(w.x0 <= columns[-1][1] + em for w in words[j]) \
            and any(w.x1 > columns[0][0] for w in words[j]):
        out.insert(0, j)
        j -= 1
    return out


def _header_columns(heads: Sequence[Line], numbers: Sequence[Word], em: float) -> list[tuple[float, float]] | None:
    """The value columns of a lone row of numbers whose empty cells print nothing (表四 with its
    zeros left out), from its header: the centres of the header's words, set in evenly spaced
    columns, taken from the lowest header line up while they stay evenly spaced (a heading over
    several columns is not), and only when each number stands on a column's centre, each in its
    own. None when the header does not give such columns, or gives no more than the numbers do."""
    centres: list[float] = []
    for line in reversed(heads):
        more = sorted({*centres, *(_centre(w) for w in _narrow_words(line.glyphs, em))})
        even = _even(_merge_close(more, settings.EDGE_SLACK * em))
        if even is None:
            break
        centres = even
    if len(centres) < 3 or len(centres) <= len(numbers):
        return None
    pitch = statistics.median(b - a for a, b in itertools.pairwise(centres))
    placed = [min(range(len(centres)), key=lambda k: abs(centres[k] - _centre(w.glyphs))) for w in numbers]
    if len(set(placed)) != len(placed) or any(
        abs(centres[k] - _centre(w.glyphs)) > settings.COLUMN_CENTRE_SLACK * pitch
        for k, w in zip(placed, numbers, strict=True)
    ):
        return None
    return [(c - pitch / 2, c + pitch / 2) for c in centres]


def _narrow_words(glyphs: Sequence[Glyph], em: float) -> list[list[Glyph]]:
    """A line's glyphs in runs without a gap: the words of a header set in narrow columns, which
    stand closer to each other than a word's gap."""
    out: list[list[Glyph]] = []
    for g in glyphs:
        if out and g.x0 - out[-1][-1].x1 <= settings.EDGE_GAP * em:
            out[-1].append(g)
        else:
            out.append([g])
    return out


def _centre(glyphs: Sequence[Glyph]) -> float:
    return (glyphs[0].x0 + glyphs[-1].x1) / 2


def _merge_close(xs: Sequence[float], slack: float) -> list[float]:
    out: list[list[float]] = []
    for x in xs:
        if out and x - out[-1][-1] <= slack:
            out[-1].append(x)
        else:
            out.append([x])
    return [statistics.median(c) for c in out]


def _even(centres: Sequence[float]) -> list[float] | None:
    """The centres of evenly spaced columns, a column whose header was not found (a step of two)
    put back between its neighbours; None when the steps are not one or two of the same pitch
    (within ``settings.EVEN_SLACK``). Fewer than three centres say nothing against it."""
    if len(centres) < 3:
        return list(centres)
    steps = [b - a for a, b in itertools.pairwise(centres)]
    pitch = statistics.median(d for d in steps if d <= 1.5 * min(steps))
    out = [centres[0]]
    for c, d in zip(centres[1:], steps, strict=True):
        k = round(d / pitch)
        if k not in (1, 2) or abs(d - k * pitch) > settings.EVEN_SLACK * pitch:
            return None
        if k == 2:
            out.append(c - d / 2)
        out.append(c)
    return out


def _header_row(ws: Sequence[Word], columns: Sequence[tuple[float, float]], labels: int, page: int,
                r: int) -> list[Cell]:
    """A header line's words put in the label cell and the value columns (the one nearest each)."""
    parts: list[list[Word]] = [[] for _ in range(1 + len(columns))]
    bounds = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(columns)]
    for w in ws:
        cx = (w.x0 + w.x1) / 2
        parts[0 if w.x1 <= columns[0][0] and labels else 1 + sum(1 for b in bounds if cx > b)].append(w)
    texts = [" ".join(w.text for w in p) for p in parts]
    cells = [Cell(texts[0], Loc(page=page, row=r, col=k)) for k in range(labels)]
    return cells + [Cell(t, Loc(page=page, row=r, col=labels + c)) for c, t in enumerate(texts[1:])]


def _group_columns(groups: Sequence[Block], em: float) -> list[tuple[float, float]]:
    """The columns of group labels, left to right, as spans of their left edges."""
    out: list[tuple[float, float]] = []
    for x in sorted(b.x0 for b in groups):
        if out and x < out[-1][1]:
            out[-1] = (out[-1][0], x + em)
        else:
            out.append((x - em / 2, x + em))
    return out


def _label_only(ws: Sequence[Word], left: float) -> bool:
    return all(w.x1 <= left for w in ws)
