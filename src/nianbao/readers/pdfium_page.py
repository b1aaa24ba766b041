"""One PDF page through PDFium (pypdfium2): its characters with their boxes and its ruling lines.

PDFium gives the same characters as pdfminer ten times faster (docs/pdf-library.md). The ruling
lines come from the page's path objects, and the cells they enclose are found as pdfplumber's
"lines" strategy finds them (edges snapped and joined → intersections → cells → tables), its
arithmetic reproduced step for step on plain lists, so that ruled tables are found exactly as
before at a fraction of the cost. PDFium is called per character without ctypes' argument
conversion, which costs more than the call itself.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as raw  # type: ignore[import-untyped]

from nianbao.readers import settings
from nianbao.readers.layout import BBox, Glyph

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_NOT_TEXT = {0, 0xFFFE, 0xFFFF}


def _unchecked(fn: Any, restype: Any) -> Any:
    """PDFium's function ``fn`` called without ctypes' conversion of each argument (half the cost of
    a call, and these are called for every character): only ints, PDFium handles and byref() are
    passed to it. It keeps the GIL (PYFUNCTYPE): a call lasts too little for releasing it to pay,
    and PDFium is used by one thread at a time anyway (pdf._PDFIUM)."""
    address = ctypes.cast(fn, ctypes.c_void_p).value
    if address is None:
        raise ImportError(f"PDFium has no {fn.__name__}")
    return ctypes.PYFUNCTYPE(restype)(address)


_UNICODE = _unchecked(raw.FPDFText_GetUnicode, ctypes.c_uint)
_GENERATED = _unchecked(raw.FPDFText_IsGenerated, ctypes.c_int)
_MAP_ERROR = _unchecked(raw.FPDFText_HasUnicodeMapError, ctypes.c_int)
_LOOSE_BOX = _unchecked(raw.FPDFText_GetLooseCharBox, ctypes.c_int)
_MATRIX = _unchecked(raw.FPDFText_GetMatrix, ctypes.c_int)
_FONT_SIZE = _unchecked(raw.FPDFText_GetFontSize, ctypes.c_double)
_ORIGIN = _unchecked(raw.FPDFText_GetCharOrigin, ctypes.c_int)


def glyphs(page: pdfium.PdfPage) -> tuple[list[Glyph], int]:
    """The page's characters (top-down boxes, set from the baseline and size as in pdf.py) and how
    many of them have no Unicode mapping in their font."""
    height = page.get_height()
    textpage = page.get_textpage()
    tp = textpage.raw
    out: list[Glyph] = []
    unmapped = 0
    seen: set[tuple[str, int, int]] = set()
    y = ctypes.c_double()
    x_ref, y_ref = ctypes.byref(ctypes.c_double()), ctypes.byref(y)
    # FS_MATRIX (a b c d e f) and FS_RECTF (left top right bottom) as arrays: an index reads faster
    matrix, rect = (ctypes.c_float * 6)(), (ctypes.c_float * 4)()
    matrix_ref, rect_ref = ctypes.byref(matrix), ctypes.byref(rect)
    ascent, descent = 1 - settings.DESCENT, settings.DESCENT
    try:
        for i in range(raw.FPDFText_CountChars(tp)):
            code = _UNICODE(tp, i)
            if code in _NOT_TEXT:
                continue
            ch = chr(code)
            if ch.isspace() or _GENERATED(tp, i) == 1:
                continue
            unmapped += _MAP_ERROR(tp, i) == 1
            if not _LOOSE_BOX(tp, i, rect_ref):  # x: the advance, as pdfminer
                raise pdfium.PdfiumError("Failed to get charbox.")
            _MATRIX(tp, i, matrix_ref)
            b = matrix[1]
            size = _FONT_SIZE(tp, i) * (b**2 + matrix[3] ** 2) ** 0.5
            if size > 0 and abs(b) < 1e-6 and _ORIGIN(tp, i, x_ref, y_ref):
                top = y.value + ascent * size  # upright: the box from the baseline
                bottom = y.value - descent * size
            else:
                top, bottom = rect[1], rect[3]
            left = rect[0]
            t = height - top
            key = (ch, round(left), round(t))
            if key in seen:
                continue  # drawn twice over itself (fake bold)
            seen.add(key)
            out.append(Glyph(ch, left, t, rect[2], height - bottom))
    finally:
        textpage.close()
    return out, unmapped


_OBJ_TYPE = _unchecked(raw.FPDFPageObj_GetType, ctypes.c_int)
_OBJ_MATRIX = _unchecked(raw.FPDFPageObj_GetMatrix, ctypes.c_int)
_PAGE_OBJECT = _unchecked(raw.FPDFPage_GetObject, raw.FPDFPage_GetObject.restype)
_FORM_COUNT = _unchecked(raw.FPDFFormObj_CountObjects, ctypes.c_int)
_FORM_OBJECT = _unchecked(raw.FPDFFormObj_GetObject, raw.FPDFFormObj_GetObject.restype)
_SEGMENTS = _unchecked(raw.FPDFPath_CountSegments, ctypes.c_int)
_SEGMENT = _unchecked(raw.FPDFPath_GetPathSegment, raw.FPDFPath_GetPathSegment.restype)
_SEG_POINT = _unchecked(raw.FPDFPathSegment_GetPoint, ctypes.c_int)
_SEG_TYPE = _unchecked(raw.FPDFPathSegment_GetType, ctypes.c_int)
_SEG_CLOSE = _unchecked(raw.FPDFPathSegment_GetClose, ctypes.c_int)


def _paths(get: Any, parent: Any, count: int, ctm: Matrix, matrix: Any, out: list[tuple[Any, Matrix]]) -> None:
    """The path objects among ``parent``'s ``count`` objects (``get(parent, k)``), forms opened, each
    with its matrix to page space, added to ``out`` in the order drawn."""
    ref = ctypes.byref(matrix)
    path, form = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
    for k in range(count):
        obj = get(parent, k)
        kind = _OBJ_TYPE(obj)
        if kind != path and kind != form:
            continue
        _OBJ_MATRIX(obj, ref)
        m = matrix
        own = _compose((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
        if kind == form:
            _paths(_FORM_OBJECT, obj, _FORM_COUNT(obj), own, matrix, out)
        else:
            out.append((obj, own))


def _compose(a: Matrix, b: Matrix) -> Matrix:
    """a then b."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def has_marks(page: pdfium.PdfPage) -> bool:
    """Anything drawn on the page at all (a page without is blank, not a scan)."""
    count: int = raw.FPDFPage_CountObjects(page)
    return count > 0


# A ruling line as pdfplumber's edge: [x0, top, x1, bottom, width, height] (top-down).
Edge = list[float]


def rules(page: pdfium.PdfPage) -> tuple[list[Edge], list[Edge]]:
    """The page's horizontal and vertical line segments (top-down), each in the order drawn."""
    height = page.get_height()
    hs: list[Edge] = []
    vs: list[Edge] = []

    def add(x0: float, y0: float, x1: float, y1: float) -> None:
        if abs(y0 - y1) < 0.5 and abs(x1 - x0) >= 1:
            a, b = sorted((x0, x1))
            top = height - (y0 + y1) / 2
            hs.append([a, top, b, top, b - a, 0.0])
        elif abs(x0 - x1) < 0.5 and abs(y1 - y0) >= 1:
            a, b = sorted((height - y0, height - y1))
            x = (x0 + x1) / 2
            vs.append([x, a, x, b, 0.0, b - a])

    handle = page.raw
    paths: list[tuple[Any, Matrix]] = []
    _paths(_PAGE_OBJECT, handle, raw.FPDFPage_CountObjects(handle), _IDENTITY, raw.FS_MATRIX(), paths)
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fx_ref, fy_ref = ctypes.byref(fx), ctypes.byref(fy)
    moveto, lineto = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
    for obj, m in paths:
        last: tuple[float, float] | None = None
        start: tuple[float, float] | None = None
        for k in range(_SEGMENTS(obj)):
            seg = _SEGMENT(obj, k)
            _SEG_POINT(seg, fx_ref, fy_ref)
            x, y = fx.value, fy.value
            p = (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
            kind = _SEG_TYPE(seg)
            if kind == moveto:
                start = p
            elif kind == lineto and last is not None:
                add(*last, *p)
            if start is not None and _SEG_CLOSE(seg):
                add(*p, *start)
            last = p
    return hs, vs


# pdfplumber's "lines" strategy (pdfplumber.table: snap_edges, merge_edges, edges_to_intersections,
# intersections_to_cells, cells_to_tables), the same arithmetic in the same order on plain lists:
# its functions copy a dict for every edge moved and compare every pair of points' edge sets.


def _snap(edges: list[Edge], at: int, tolerance: float) -> list[Edge]:
    """Edges whose position (index ``at``: x0 of a vertical, top of a horizontal) lies within
    ``tolerance`` of the next one's moved to their cluster's average, cluster by cluster."""
    values = sorted({e[at] for e in edges})
    cluster: dict[float, int] = {}
    n = 0
    for i, v in enumerate(values):
        if i and v > values[i - 1] + tolerance:
            n += 1
        cluster[v] = n
    groups: list[list[Edge]] = [[] for _ in range(n + 1 if values else 0)]
    for e in edges:
        groups[cluster[e[at]]].append(e)
    out: list[Edge] = []
    end = at + 2  # x1 follows x0 as bottom follows top
    for group in groups:
        avg = sum(e[at] for e in group) / len(group)
        for e in group:
            d = avg - e[at]
            moved = list(e)
            moved[at] = e[at] + d
            moved[end] = e[end] + d
            out.append(moved)
    return out


def _join(edges: list[Edge], lo: int, hi: int, size: int, tolerance: float) -> list[Edge]:
    """Edges on one line joined where they overlap or nearly meet (``lo``/``hi``: their extent)."""
    ordered = sorted(edges, key=lambda e: e[lo])
    joined = [ordered[0]]
    for e in ordered[1:]:
        last = joined[-1]
        if e[lo] <= last[hi] + tolerance:
            if e[hi] > last[hi]:
                grown = list(last)
                grown[hi] = e[hi]
                grown[size] = e[hi] - last[lo] if size == 4 else last[size] + (e[hi] - last[hi])
                joined[-1] = grown
        else:
            joined.append(e)
    return joined


def _merge(edges: list[Edge], at: int, lo: int, hi: int, size: int, tolerance: float) -> list[Edge]:
    out: list[Edge] = []
    ordered = sorted(edges, key=lambda e: e[at])
    i = 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and ordered[j][at] == ordered[i][at]:
            j += 1
        out.extend(_join(ordered[i:j], lo, hi, size, tolerance))
        i = j
    return out


Point = tuple[float, float]


def _intersections(hs: list[Edge], vs: list[Edge], tolerance: float) -> dict[Point, tuple[set[tuple[float, ...]],
                                                                                          set[tuple[float, ...]]]]:
    """Where a vertical meets a horizontal (within ``tolerance``): the boxes of the verticals and of the
    horizontals through each point."""
    out: dict[Point, tuple[set[tuple[float, ...]], set[tuple[float, ...]]]] = {}
    hs = sorted(hs, key=lambda e: (e[1], e[0]))
    for v in sorted(vs, key=lambda e: (e[0], e[1])):
        x, v_top, v_bottom = v[0], v[1], v[3]
        v_box = (v[0], v[1], v[2], v[3])
        for h in hs:
            top = h[1]
            if v_top <= top + tolerance and v_bottom >= top - tolerance and x >= h[0] - tolerance \
                    and x <= h[2] + tolerance:
                sets = out.get((x, top))
                if sets is None:
                    sets = out[(x, top)] = (set(), set())
                sets[0].add(v_box)
                sets[1].add((h[0], h[1], h[2], h[3]))
    return out


def _cells(points: dict[Point, tuple[set[tuple[float, ...]], set[tuple[float, ...]]]]) -> list[BBox]:
    """The smallest rectangle each point opens as its top-left corner, with edges along its four sides.

    pdfplumber asks of two points whether they share a vertical edge (same x) or a horizontal one
    (same y); here each pair is on one line by construction, so only that line's edges are compared:
    the point and one below it, the point and one right of it, the far corner and each of those two."""
    ordered = sorted(points)
    below_of: dict[float, list[Point]] = {}  # the points of each column, top down
    right_of: dict[float, list[Point]] = {}  # the points of each row, left to right
    position: dict[Point, tuple[int, int]] = {}
    for pt in ordered:
        col, row = below_of.setdefault(pt[0], []), right_of.setdefault(pt[1], [])
        position[pt] = (len(col), len(row))
        col.append(pt)
        row.append(pt)
    out: list[BBox] = []
    for pt in ordered:
        i, j = position[pt]
        column, row = below_of[pt[0]], right_of[pt[1]]
        down, across = points[pt]
        right_ok: dict[int, bool] = {}  # whether pt shares an edge with the k-th point of its row
        found = None
        for n in range(i + 1, len(column)):
            b = column[n]
            b_down, b_across = points[b]
            if down.isdisjoint(b_down):
                continue
            for k in range(j + 1, len(row)):
                r = row[k]
                ok = right_ok.get(k)
                if ok is None:
                    ok = right_ok[k] = not across.isdisjoint(points[r][1])
                if not ok:
                    continue
                corner = points.get((r[0], b[1]))
                if corner is not None and not corner[0].isdisjoint(points[r][0]) \
                        and not corner[1].isdisjoint(b_across):
                    found = (pt[0], pt[1], r[0], b[1])
                    break
            if found:
                break
        if found:
            out.append(found)
    return out


def _tables(cells: list[BBox]) -> list[list[BBox]]:
    """Cells grouped into tables by shared corners (pdfplumber's passes), top to bottom."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[BBox] = []
    tables: list[list[BBox]] = []
    while remaining:
        before = len(current)
        keep: list[BBox] = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            mine = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in mine):
                corners.update(mine)
                current.append(cell)
            else:
                keep.append(cell)
        remaining = keep
        if len(current) == before:
            tables.append(current)
            corners = set()
            current = []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def table_cells(page: pdfium.PdfPage) -> list[list[BBox]]:
    """The cells of each ruled table on the page, as pdfplumber's "lines" strategy finds them."""
    snap = settings.RULE_SNAP
    hs, vs = rules(page)
    hs = _merge(_snap(hs, 1, snap), 1, 0, 2, 4, snap)
    vs = _merge(_snap(vs, 0, snap), 0, 1, 3, 5, snap)
    hs = [e for e in hs if e[4] >= settings.RULE_MIN_LENGTH]
    vs = [e for e in vs if e[5] >= settings.RULE_MIN_LENGTH]
    return _tables(_cells(_intersections(hs, vs, snap)))
