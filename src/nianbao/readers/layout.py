"""Page geometry shared by the PDF and OCR readers: positioned text → lines and grids.

Both readers see a page as glyphs (a PDF character or an OCR'd text run, with its box)
and ruled tables (cell boxes). This module turns them into Paragraph lines in reading
order and Grids with merged cells expanded, finds tables without ruling lines from the
word positions, and joins a table that runs over a page break.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from bisect import bisect_left, insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter

from nianbao.document import Block, Cell, Grid, Loc, Paragraph
from nianbao.numbering import CN_ENUM, CN_OR_DIGIT, bracketed
from nianbao.readers import settings
from nianbao.readers.chrome import Placed, chrome_lines
from nianbao.readers.fold import in_fold_blocks

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down coordinates)

_SNAP = 3.0  # points: cell edges closer than this are the same grid line
_COL_TOL = 0.03  # share of a table's width: column rules this close on two pages are the same
_NUMBER = re.compile(r"[\d.,，%\s-]+")
ENUM_START = re.compile(rf"^\s*({bracketed(CN_OR_DIGIT + '+')}|{CN_ENUM}|\d+\s*[.、．])")


def is_cjk(ch: str) -> bool:
    """Chinese text, radicals and compatibility ideographs included (they are folded later)."""
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u2018" <= ch <= "\u201f" or in_fold_blocks(ch)


class Glyph:
    """A piece of text with its box: one PDF character, or one OCR'd run of text. Its centre and
    height are set once (a page's glyphs are compared thousands of times); not to be changed."""

    __slots__ = ("bottom", "conf", "cx", "cy", "height", "text", "top", "x0", "x1")

    def __init__(self, text: str, x0: float, top: float, x1: float, bottom: float,
                 conf: float | None = None) -> None:
        self.text = text
        self.x0 = x0
        self.top = top
        self.x1 = x1
        self.bottom = bottom
        self.conf = conf
        self.cx = (x0 + x1) / 2
        self.cy = (top + bottom) / 2
        h = bottom - top
        self.height = 0.1 if h < 0.1 else h  # max(h, 0.1)

    def _key(self) -> tuple[str, float, float, float, float, float | None]:
        return (self.text, self.x0, self.top, self.x1, self.bottom, self.conf)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glyph) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Glyph(text={self.text!r}, x0={self.x0!r}, top={self.top!r}, x1={self.x1!r}, "
                f"bottom={self.bottom!r}, conf={self.conf!r})")


class Line:
    """Glyphs on one baseline, left to right, split into segments at wide gaps. Its glyphs, box and
    text are worked out on first use (the segments are not changed once the line is made)."""

    __slots__ = ("_bbox", "_glyphs", "_texts", "segments")

    def __init__(self, segments: list[list[Glyph]]) -> None:
        self.segments = segments
        self._glyphs: list[Glyph] | None = None
        self._bbox: BBox | None = None
        self._texts: list[str] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Line) and self.segments == other.segments

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        return f"Line(segments={self.segments!r})"

    @property
    def glyphs(self) -> list[Glyph]:
        if self._glyphs is None:
            self._glyphs = [g for s in self.segments for g in s]
        return self._glyphs

    @property
    def bbox(self) -> BBox:
        if self._bbox is None:
            self._bbox = _extent(self.glyphs)
        return self._bbox

    def segment_texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [join_glyphs(s) for s in self.segments]
        return list(self._texts)

    @property
    def text(self) -> str:
        return " ".join(self._texts if self._texts is not None else self.segment_texts())

    @property
    def conf(self) -> float | None:
        return min_conf(self.glyphs)


def _extent(glyphs: Sequence[Glyph]) -> BBox:
    """The box around the glyphs: min(x0), min(top), max(x1), max(bottom) in one pass (the first
    of equals kept, as min and max keep it)."""
    first = glyphs[0]
    x0, top, x1, bottom = first.x0, first.top, first.x1, first.bottom
    for g in glyphs[1:]:
        if g.x0 < x0:
            x0 = g.x0
        if g.top < top:
            top = g.top
        if g.x1 > x1:
            x1 = g.x1
        if g.bottom > bottom:
            bottom = g.bottom
    return (x0, top, x1, bottom)


def min_conf(glyphs: Iterable[Glyph]) -> float | None:
    confs = [g.conf for g in glyphs if g.conf is not None]
    return min(confs) if confs else None


_SPACES = re.compile(r" {2,}")


def join_glyphs(glyphs: Sequence[Glyph]) -> str:
    """Glyphs of one line as text: a space where the gap is wider than a third of the
    glyph height, except between two Chinese characters (justified text spreads them)."""
    out: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None:
            h, ph = g.height, prev.height
            if g.x0 - prev.x1 > 0.3 * (ph if ph < h else h) and not (is_cjk(prev.text[-1]) and is_cjk(g.text[0])) \
                    and not out[-1].endswith(" "):
                out.append(" ")
        out.append(g.text)
        prev = g
    text = "".join(out)
    if "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


_BY_CENTRE = attrgetter("cy", "x0")
_BY_X0 = attrgetter("x0")


def _median(ordered: list[float]) -> float:
    """statistics.median of a list already sorted."""
    n = len(ordered)
    i = n // 2
    return ordered[i] if n % 2 else (ordered[i - 1] + ordered[i]) / 2


def _rows(glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Glyphs clustered into rows by vertical overlap with the row's median top and bottom, each row
    left to right."""
    rows: list[list[Glyph]] = []
    tops: list[float] = []  # of the last row, sorted (its median kept as glyphs join it)
    bottoms: list[float] = []
    odd = False  # a NaN in the last row: sorted() is the only reference for its median
    for g in sorted(glyphs, key=_BY_CENTRE):
        if not g.text.strip():
            continue
        g_top, g_bottom = g.top, g.bottom
        if rows:
            last = rows[-1]
            if odd:
                top, bottom = statistics.median(x.top for x in last), statistics.median(x.bottom for x in last)
            else:
                n = len(tops)
                i = n // 2
                if n % 2:
                    top, bottom = tops[i], bottoms[i]
                else:
                    top, bottom = (tops[i - 1] + tops[i]) / 2, (bottoms[i - 1] + bottoms[i]) / 2
            # min(bottom, g.bottom) - max(top, g.top) > 0.5 * min(bottom - top, g.height), spelt out
            span, h = bottom - top, g.height
            if (g_bottom if g_bottom < bottom else bottom) - (g_top if g_top > top else top) > \
                    0.5 * (h if h < span else span):
                last.append(g)
                insort(tops, g_top)
                insort(bottoms, g_bottom)
                odd = odd or g_top != g_top or g_bottom != g_bottom
                continue
        rows.append([g])
        tops, bottoms = [g_top], [g_bottom]
        odd = g_top != g_top or g_bottom != g_bottom
    for row in rows:
        row.sort(key=_BY_X0)
    return rows


def _segments(row: list[Glyph], gap_em: float) -> list[list[Glyph]]:
    """A row cut where the gap is wider than ``gap_em`` times its median glyph height."""
    limit = gap_em * _median(sorted([g.height for g in row]))
    segment = [row[0]]
    segments: list[list[Glyph]] = [segment]
    prev = row[0]
    for g in row[1:]:
        if g.x0 - prev.x1 > limit:
            segment = [g]
            segments.append(segment)
        else:
            segment.append(g)
        prev = g
    return segments


def group_lines(glyphs: Iterable[Glyph], gap_em: float = 1.6) -> list[Line]:
    """Cluster glyphs into lines by vertical overlap; a gap wider than ``gap_em`` times
    the line's glyph height starts a new segment (a column of a table without rules)."""
    return [Line(_segments(row, gap_em)) for row in _rows(glyphs)]


def _cell_text(glyphs: list[Glyph], box: BBox) -> str:
    """The text of a ruled table's cell: its lines (never cut into segments) joined — the lines of a
    number the cell's width wrapped (each line digits, each but the last full: its next digit would
    not have fitted beside it) without a space (「11975」 over 「5」 is 119755)."""
    rows = _rows(glyphs)
    texts = [" ".join([join_glyphs(s) for s in _segments(row, 1e9)]) for row in rows]
    if len(rows) > 1 and all(t.isdigit() for t in texts) and all(
        row[-1].x1 + (nxt[0].x1 - nxt[0].x0) > box[2] for row, nxt in itertools.pairwise(rows)
    ):
        return "".join(texts)
    return join_cell_lines(texts)


def join_cell_lines(lines: Sequence[str]) -> str:
    """The lines of one cell as one text. Labels wrapped inside a cell, and headers set
    one character per line, are joined without a separator next to Chinese text."""
    out = ""
    for line in (s.strip() for s in lines):
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return out


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    """The first of the (sorted, finite) grid lines nearest to v: the nearest are either side of
    where v would go, and the distance only falls before it and only rises after."""
    if not math.isfinite(v):  # the distances do not order as the lines do
        return min(range(len(lines)), key=lambda i: abs(lines[i] - v))
    j = bisect_left(lines, v)
    if j == len(lines) or (j > 0 and abs(lines[j - 1] - v) <= abs(lines[j] - v)):
        j -= 1
        d = abs(lines[j] - v)
        while j > 0 and abs(lines[j - 1] - v) == d:
            j -= 1
    return j


@dataclass
class TableBuild:
    """A table being assembled: every grid position names the cell that covers it, so
    that merged cells (and cells continued over a page break) stay one cell."""

    xs: list[float]  # column boundaries on the first page it appears on
    owner: list[list[int]]  # [row][col] → cell id
    texts: dict[int, str] = field(default_factory=dict)
    confs: dict[int, float | None] = field(default_factory=dict)
    boxes: dict[int, BBox] = field(default_factory=dict)
    pages: dict[int, int] = field(default_factory=dict)  # cell id → page
    row_pages: list[int] = field(default_factory=list)
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)
    page: int = 1
    last_bbox: BBox = (0.0, 0.0, 0.0, 0.0)  # the part on the last page it reaches
    last_page: int = 1

    @property
    def width(self) -> int:
        return len(self.xs) - 1

    def rel_columns(self) -> list[float]:
        span = (self.xs[-1] - self.xs[0]) or 1.0
        return [(x - self.xs[0]) / span for x in self.xs]

    def spans_rows(self, cid: int) -> int:
        return sum(1 for row in self.owner if cid in row)

    def to_grid(self, table: int | None = None) -> Grid:
        """The table as a Grid (the ``table``-th of its document)."""
        seen: set[int] = set()
        rows: list[list[Cell]] = []
        origins: list[list[bool]] = []
        rounded: dict[int, BBox | None] = {}
        for r, row in enumerate(self.owner):
            cells: list[Cell] = []
            flags: list[bool] = []
            for c, cid in enumerate(row):
                if cid in rounded:
                    bbox = rounded[cid]
                else:
                    box = self.boxes.get(cid)
                    bbox = rounded[cid] = round_box(box) if box else None
                loc = Loc(page=self.pages.get(cid, self.row_pages[r]), table=table, row=r, col=c, bbox=bbox)
                cells.append(Cell(self.texts.get(cid, ""), loc, confidence=self.confs.get(cid)))
                flags.append(cid not in seen)
                seen.add(cid)
            rows.append(cells)
            origins.append(flags)
        return Grid(rows=rows, loc=Loc(page=self.page, table=table, bbox=round_box(self.bbox)), origins=origins)


def round_box(b: BBox) -> BBox:
    return (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))


def build_table(cells: Sequence[BBox], glyphs: Sequence[Glyph], page: int) -> TableBuild | None:
    """A ruled table from its cell boxes and the glyphs inside. Grid lines are the cells'
    edges; a cell covering several grid positions is a merged cell. Positions that no
    cell covers (a rule missing in the source) become cells of their own."""
    xs, ys = _snap(x for c in cells for x in (c[0], c[2])), _snap(y for c in cells for y in (c[1], c[3]))
    if len(xs) < 3 or len(ys) < 2:
        return None
    owner = [[-1] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    boxes: dict[int, BBox] = {}
    for cid, (x0, top, x1, bottom) in enumerate(cells):
        c0, c1, r0, r1 = _index(xs, x0), _index(xs, x1), _index(ys, top), _index(ys, bottom)
        boxes[cid] = (x0, top, x1, bottom)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if owner[r][c] < 0:
                    owner[r][c] = cid
    next_id = len(cells)
    for r, row in enumerate(owner):
        for c, cid in enumerate(row):
            if cid < 0:
                row[c] = next_id
                boxes[next_id] = (xs[c], ys[r], xs[c + 1], ys[r + 1])
                next_id += 1
    inside: dict[int, list[Glyph]] = {}
    left, right, top, bottom, n_x, n_y = xs[0], xs[-1], ys[0], ys[-1], len(xs), len(ys)
    for g in glyphs:
        cx, cy = g.cx, g.cy
        if not (left <= cx <= right and top <= cy <= bottom):
            continue
        # the first row (column) whose lower (right) edge the centre does not pass
        r = bisect_left(ys, cy, 1, n_y) - 1
        c = bisect_left(xs, cx, 1, n_x) - 1
        inside.setdefault(owner[r][c], []).append(g)
    table = TableBuild(xs=xs, owner=owner, boxes=boxes, row_pages=[page] * len(owner),
                       bbox=(xs[0], ys[0], xs[-1], ys[-1]), page=page, last_page=page)
    table.last_bbox = table.bbox
    for cid in boxes:
        gs = inside.get(cid)
        table.texts[cid] = _cell_text(gs, boxes[cid]) if gs else ""
        table.confs[cid] = min_conf(gs) if gs else None
        table.pages[cid] = page
    return table


def cell_has_text(table: TableBuild, cid: int) -> bool:
    return bool(table.texts.get(cid, "").strip())


def _common_columns(prev: TableBuild, nxt: TableBuild) -> list[float] | None:
    """The relative column boundaries of two parts of one table: when those of one part
    are all among the other's (a part whose rows merge some columns draws fewer rules)."""
    a, b = prev.rel_columns(), nxt.rel_columns()

    def covered(xs: list[float], ys: list[float]) -> bool:
        return all(any(abs(x - y) < _COL_TOL for y in ys) for x in xs)

    if covered(a, b):
        return b
    if covered(b, a):
        return a
    return None


def can_continue(prev: TableBuild, nxt: TableBuild) -> bool:
    """The next page's table goes on with the same columns."""
    return _common_columns(prev, nxt) is not None


def _refine(table: TableBuild, rel: list[float]) -> None:
    """Put the table on finer column boundaries: a column the new boundaries split becomes
    one merged cell over the new columns."""
    own = table.rel_columns()
    old_of = [max(i for i in range(len(own) - 1) if own[i] <= (a + b) / 2 + 1e-9) for a, b in itertools.pairwise(rel)]
    table.owner = [[row[c] for c in old_of] for row in table.owner]
    span = table.xs[-1] - table.xs[0]
    table.xs = [table.xs[0] + r * span for r in rel]


def join_tables(prev: TableBuild, nxt: TableBuild) -> None:
    """Append ``nxt`` (the same table on the next page) to ``prev``. A row cut by the page
    break is joined into one row; a merged cell cut by it (a group label, or an empty
    continuation of one) becomes one cell again."""
    columns = _common_columns(prev, nxt)
    if columns is None:
        raise ValueError("tables with different columns cannot be joined")
    _refine(prev, columns)
    _refine(nxt, columns)
    offset = max(prev.boxes) + 1
    remap = {cid: cid + offset for cid in nxt.boxes}
    top_row = [remap[c] for c in nxt.owner[0]]
    bottom = prev.owner[-1]
    for cid, new in remap.items():
        prev.texts[new] = nxt.texts[cid]
        prev.confs[new] = nxt.confs[cid]
        prev.boxes[new] = nxt.boxes[cid]
        prev.pages[new] = nxt.pages[cid]
    new_rows = [[remap[c] for c in row] for row in nxt.owner]
    n_prev = len(prev.owner)
    prev.owner.extend(new_rows)
    prev.row_pages.extend(nxt.row_pages)
    prev.last_bbox, prev.last_page = nxt.last_bbox, nxt.last_page

    def merge(old: int, new: int) -> None:
        if old == new:
            return
        a, b = prev.texts.get(old, ""), prev.texts.get(new, "")
        prev.texts[old] = join_cell_lines([a, b])
        confs = [x for x in (prev.confs.get(old), prev.confs.get(new)) if x is not None]
        prev.confs[old] = min(confs) if confs else None
        for row in prev.owner[n_prev:]:
            for c, cid in enumerate(row):
                if cid == new:
                    row[c] = old

    texts_top = [prev.texts[c] for c in top_row]
    texts_bottom = [prev.texts[c] for c in bottom]
    continued_row = (
        any(t.strip() for t in texts_top)
        and all(not t.strip() or b.strip() for t, b in zip(texts_top, texts_bottom, strict=True))
        and any(b.strip() and not t.strip() for t, b in zip(texts_top, texts_bottom, strict=True))
        and not any(ENUM_START.match(t) for t in texts_top if t.strip())
    )
    for c, (old, new) in enumerate(zip(bottom, top_row, strict=True)):
        if c and bottom[c - 1] == old and top_row[c - 1] == new:
            continue  # the same merged cell, handled at its first column
        top_text = prev.texts[new].strip()
        multi_row = prev.spans_rows(new) > 1 or prev.spans_rows(old) > 1
        label_tail = not ENUM_START.match(top_text) and not _NUMBER.fullmatch(top_text)
        if continued_row or (multi_row and prev.texts[old].strip() and label_tail):
            merge(old, new)
    cut = prev.owner[n_prev]
    later = {cid for row in prev.owner[n_prev + 1 :] for cid in row}
    if continued_row and set(cut) <= set(bottom) and not set(cut) & later:
        del prev.owner[n_prev]  # the row cut by the break is whole again in the row above
        del prev.row_pages[n_prev]


def lines_to_blocks(lines: Sequence[Line], page: int) -> list[tuple[float, Block]]:
    """Text outside ruled tables: tables without rules rebuilt from the numbers' columns
    (readers/borderless.py); of the other lines, runs of two or more split into several segments
    at the same places become a Grid, the rest Paragraphs. Returns (top, block) so that the caller
    can interleave them with ruled tables."""
    from nianbao.readers.borderless import find_tables  # it builds on this module's lines

    out: list[tuple[float, Block]] = []
    found = find_tables(lines, page)
    out.extend((f.top, f.grid) for f in found)
    taken = {i for f in found for i in f.lines}
    lines = [ln for i, ln in enumerate(lines) if i not in taken]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and len(lines[j].segments) >= 2 and (
            j == i or lines[j].bbox[1] - lines[j - 1].bbox[3] < 2.5 * (lines[j - 1].bbox[3] - lines[j - 1].bbox[1])
        ):
            j += 1
        if j - i >= 2:
            out.append((lines[i].bbox[1], _borderless_grid(lines[i:j], page)))
            i = j
            continue
        line = lines[i]
        text = "\t".join(line.segment_texts()) if len(line.segments) >= 2 else line.text
        out.append((line.bbox[1], Paragraph(text, Loc(page=page, bbox=round_box(line.bbox)), confidence=line.conf)))
        i += 1
    return out


def _borderless_grid(lines: Sequence[Line], page: int) -> Grid:
    """Columns from the line with the most segments: each segment of every line goes to
    the column whose span holds its centre."""
    model = max(lines, key=lambda ln: len(ln.segments))
    centres = [(s[0].x0 + s[-1].x1) / 2 for s in model.segments]
    bounds = [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    rows: list[list[Cell]] = []
    for r, line in enumerate(lines):
        parts: list[list[list[Glyph]]] = [[] for _ in centres]
        for seg in line.segments:
            cx = (seg[0].x0 + seg[-1].x1) / 2
            parts[sum(1 for b in bounds if cx > b)].append(seg)
        row: list[Cell] = []
        for c, segs in enumerate(parts):
            gs = [g for s in segs for g in s]
            box = (min(g.x0 for g in gs), min(g.top for g in gs), max(g.x1 for g in gs), max(g.bottom for g in gs)) \
                if gs else None
            row.append(Cell(" ".join(join_glyphs(s) for s in segs),
                            Loc(page=page, row=r, col=c, bbox=round_box(box) if box else None),
                            confidence=min_conf(gs)))
        rows.append(row)
    x0 = min(ln.bbox[0] for ln in lines)
    box = (x0, lines[0].bbox[1], max(ln.bbox[2] for ln in lines), lines[-1].bbox[3])
    return Grid(rows=rows, loc=Loc(page=page, bbox=round_box(box)))


# A cell renumbered field by field (dataclasses.replace costs three times as much), as long as
# Cell and Loc have the fields named here.
_DIRECT = [f.name for f in fields(Cell)] == ["text", "loc", "confidence", "raw"] and \
    [f.name for f in fields(Loc)] == ["line", "page", "table", "row", "col", "bbox"]


def _in_table(c: Cell, n: int) -> Cell:
    if not _DIRECT:
        return replace(c, loc=replace(c.loc, table=n))
    loc = c.loc
    return Cell(c.text, Loc(loc.line, loc.page, n, loc.row, loc.col, loc.bbox), c.confidence, c.raw)


def _numbered(grid: Grid, n: int) -> Grid:
    rows = [[_in_table(c, n) for c in row] for row in grid.rows]
    return Grid(rows=rows, loc=replace(grid.loc, table=n), origins=grid.origins)


def renumber(blocks: Sequence[Block]) -> list[Block]:
    """Give every Grid, and each of its cells, its index among the document's tables."""
    out: list[Block] = []
    n = 0
    for b in blocks:
        if isinstance(b, Grid):
            b = _numbered(b, n)
            n += 1
        out.append(b)
    return out


def _blocks(items: Sequence[Block | TableBuild]) -> list[Block]:
    """Tables and lines as blocks, each table numbered (as renumber() numbers them)."""
    out: list[Block] = []
    n = 0
    for it in items:
        if isinstance(it, TableBuild):
            out.append(it.to_grid(n))
            n += 1
        elif isinstance(it, Grid):
            out.append(_numbered(it, n))
            n += 1
        else:
            out.append(it)
    return out


def two_up_gutter(glyphs: Sequence[Glyph], boxes: Sequence[BBox], width: float, height: float) -> float | None:
    """Where a sheet printed two-up (two pages side by side on a landscape sheet) divides: the
    middle of the widest strip near the sheet's middle that no text and no table crosses, with text
    on both sides. None for a sheet of one page."""
    if width <= height or not glyphs:
        return None
    lo, hi = width * (0.5 - settings.TWO_UP_BAND), width * (0.5 + settings.TWO_UP_BAND)
    spans = sorted([(g.x0, g.x1) for g in glyphs] + [(b[0], b[2]) for b in boxes])
    best: tuple[float, float] | None = None
    reach = lo
    for a, b in [*spans, (hi, hi)]:
        if a > reach and min(a, hi) - reach >= settings.TWO_UP_MIN_GAP and \
                (best is None or min(a, hi) - reach > best[1] - best[0]):
            best = (reach, min(a, hi))
        reach = max(reach, b)
        if reach >= hi:
            break
    if best is None:
        return None
    middle = (best[0] + best[1]) / 2
    left = sum(1 for g in glyphs if g.cx < middle)
    share = min(left, len(glyphs) - left) / len(glyphs)
    return middle if share >= settings.TWO_UP_MIN_SHARE else None


@dataclass
class PageContent:
    """What one page holds: ruled tables and the lines of text outside them."""

    number: int
    tables: list[TableBuild]
    lines: list[Line]
    height: float | None = None  # None when unknown (OCR): the lowest text on any page stands for it


def _is_margin(line: Line) -> bool:
    """A running header or footer (page number): short, so it does not stop a table
    from going on over the page break."""
    return len(line.text.replace(" ", "")) <= 8


def drop_chrome(pages: Sequence[PageContent]) -> int:
    """Take the running headers and footers (readers/chrome.py) out of the pages' lines, so that
    they neither read as text nor stop a table from going on over a page break. Returns how many."""
    lowest = max((b for p in pages for b in [*(ln.bbox[3] for ln in p.lines), *(t.last_bbox[3] for t in p.tables)]),
                 default=0.0)
    heights = {p.number: p.height or lowest for p in pages}
    placed = [(p, ln) for p in pages for ln in p.lines]
    chrome = chrome_lines([Placed(p.number, ln.text, ln.bbox[1], ln.bbox[3]) for p, ln in placed], heights)
    dropped = {id(placed[i][1]) for i in chrome}
    for p in pages:
        p.lines = [ln for ln in p.lines if id(ln) not in dropped]
    return len(dropped)


def assemble(pages: Sequence[PageContent]) -> list[Block]:
    """All pages as blocks in reading order, running headers and footers dropped, each table
    continued over a page break joined to its start."""
    drop_chrome(pages)
    items: list[tuple[float, Block | TableBuild]] = []
    open_table: TableBuild | None = None  # a table with nothing but margins below it on its page
    for page in pages:
        tables = sorted(page.tables, key=lambda t: t.bbox[1])
        candidates = list(tables)
        if open_table is not None and tables and can_continue(open_table, tables[0]) and not any(
            ln.bbox[3] <= tables[0].bbox[1] and not _is_margin(ln) for ln in page.lines
        ):
            join_tables(open_table, tables[0])
            candidates = [open_table, *tables[1:]]
            tables = tables[1:]
        here: list[tuple[float, Block | TableBuild]] = [(t.bbox[1], t) for t in tables]
        here.extend(lines_to_blocks(page.lines, page.number))
        here.sort(key=lambda it: it[0])
        items.extend(here)
        lowest = max(candidates, key=lambda t: t.last_bbox[3], default=None)
        open_table = lowest if lowest is not None and not any(
            ln.bbox[1] >= lowest.last_bbox[3] and not _is_margin(ln) for ln in page.lines
        ) else None
    return _blocks([it for _, it in items])
