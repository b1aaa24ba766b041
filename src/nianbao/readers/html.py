"""HTML: an agency's web page → paragraphs and grids, in document order.

Real pages wrap the report in page chrome (menus, breadcrumbs, footers, share bars)
and often in layout tables; the data tables carry rowspan/colspan merges. This reader
keeps the text a reader of the page sees in the article, expands every data table
into a rectangular grid, and never runs a script. It knows HTML, not annual reports.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from lxml import etree

from nianbao.document import Block, Cell, Document, Grid, Loc, Paragraph
from nianbao.errors import E_BINARY, E_ENCODING, E_TOO_LARGE, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.readers.text import decode, looks_binary, normalize_newlines

Element = etree._Element


def _line(el: Element) -> int | None:
    """The element's start line in the source (lxml-stubs leave ``sourceline`` untyped)."""
    return cast("int | None", el.sourceline)


def _texts(el: Element) -> Iterator[str]:
    """``el.itertext()``: an HTML tree parsed from text holds only str (lxml-stubs say str | bytes)."""
    return cast("Iterator[str]", el.itertext())


MAX_GRID_CELLS = 200_000  # a table larger than this is hostile, not a report
LAYOUT_CELL_CHARS = 500  # a cell with more text than this holds an article, not a datum

# Never text a reader sees.
_HARD_SKIP = frozenset({
    "head", "title", "meta", "link", "base", "script", "style", "noscript", "template", "iframe", "frame",
    "frameset", "object", "embed", "applet", "svg", "math", "canvas", "select", "option", "optgroup", "button",
    "input", "textarea", "datalist", "map", "audio", "video",
})
# Page chrome by tag: dropped unless it holds the article.
_CHROME_TAGS = frozenset({"nav", "menu", "aside", "form"})
_LANDMARKS = frozenset({"header", "footer"})  # chrome only outside article/main/section
_SECTIONING = frozenset({"article", "main", "section", "aside", "nav"})
_CHROME_CLASS = re.compile(
    r"nav|menu|foot|header|breadcrumb|crumb|share|sidebar|side[-_]bar|topbar|copyright|(?<![a-z])bottom(?![a-z])", re.I
)
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "hgroup",
    "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "caption",
    "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "form", "menu",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_EDGE_SPACE = " \t\n\r\f\v\xa0"

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_GB_NAMES = frozenset({"gb2312", "gbk", "gb18030", "hz"})
_GB_LABELS = frozenset({"x-gbk", "gb_2312-80", "cp936", "ms936", "windows-936", "csgb2312", "chinese", "x-euc-cn",
                        "euc-cn", "iso-ir-58", "csiso58gb231280"})
_ANY_BYTE = frozenset({"ascii", "iso8859-1", "cp1252", "latin-1"})  # decode anything: declarations often wrong

_PUBLISHED_META = frozenset({
    "pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "publish_time", "releasedate",
    "firstpublishedtime", "article:published_time", "og:release_date", "dc.date", "dc.date.issued",
    "dcterms.issued", "dcterms.date", "date",
})
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"
_PUBLISHED_TEXT = (
    re.compile(r"(?:发布时间|发布日期|发布于|发表时间|发表日期|公开日期|公开时间|上网时间|上网日期|信息时间|更新时间)"
               r"\s*[:：]?\s*" + _DATE),
    re.compile(r"(?<!成文)(?<!印发)(?<!统计)(?<!截止)(?:日期|时间)\s*[:：]\s*" + _DATE),
)
_ISO_DATE = re.compile(_DATE)


def read(data: bytes, limits: Limits | None = None) -> Document:
    if looks_binary(data):
        raise NianbaoError(E_BINARY, "不是网页文件（含大量二进制字节）")
    text, encoding = _decode(data)
    text = normalize_newlines(text).replace("\x00", "")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    root = etree.fromstring(text.encode("utf-8"), parser)
    meta = {"encoding": encoding}
    if root is None:
        return Document(blocks=[], format="html", meta=meta)
    title = _title(root)
    if title:
        meta["title"] = title
    walker = _Walker(_Page.measure(root))
    walker.walk(root)
    published = _published_meta(root) or _published_text(walker.blocks, root)
    if published:
        meta["published"] = published
    return Document(blocks=walker.blocks, format="html", meta=meta)


# ---- encoding -------------------------------------------------------------------------


def _declared(data: bytes) -> str | None:
    """The encoding the page declares (XML prolog, <meta charset>, http-equiv), as a
    Python codec name; GB2312 and GBK are read as their superset GB18030."""
    head = data[:65536]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _GB_NAMES:
        return "gb18030"
    if name.startswith(("utf-16", "utf-32")):  # its tags read as ASCII, so it is not UTF-16 (WHATWG rule)
        return None
    return name


def _decode(data: bytes) -> tuple[str, str]:
    """BOM first, then the page's own declaration, then detection. Chinese pages often
    declare a wrong charset, so a declaration that does not decode is not trusted."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        return decode(data)
    declared = _declared(data)
    if declared and declared not in _ANY_BYTE:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:
        return decode(data)
    except NianbaoError:
        if declared is None:
            raise
    fallback = "cp1252" if declared in _ANY_BYTE else declared
    text = data.decode(fallback, errors="replace")
    if text.count("\ufffd") > max(1, len(text) // 1000):
        raise NianbaoError(E_ENCODING, f"网页声明的编码为 {declared}，但内容无法按此编码解码") from None
    return text, declared


# ---- page measurements ----------------------------------------------------------------


def _tag(el: Element) -> str | None:
    """Lower-case tag name; None for comments, processing instructions, entities."""
    return el.tag.lower() if isinstance(el.tag, str) else None


def _hidden(el: Element) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _invisible(el: Element) -> bool:
    tag = _tag(el)
    return tag is None or tag in _HARD_SKIP or _hidden(el)


def _count(text: str | None) -> int:
    return len(text) - sum(1 for ch in text if ch.isspace()) if text else 0


@dataclass
class _Page:
    """Visible text per element (non-space characters, and those inside links), and
    the article: the deepest element that holds most of the page's text."""

    size: dict[Element, int] = field(default_factory=dict)
    links: dict[Element, int] = field(default_factory=dict)
    total: int = 0
    main: Element | None = None
    main_path: set[Element] = field(default_factory=set)

    @classmethod
    def measure(cls, root: Element) -> _Page:
        page = cls()
        page.total = page._measure(root)
        body = root.find("body")
        cur = body if body is not None else root
        while True:
            nxt = next((c for c in cur if page.size.get(c, 0) >= 0.6 * page.total), None)
            if nxt is None:
                break
            cur = nxt
        page.main = cur
        page.main_path = {cur, *cur.iterancestors()}
        return page

    def _measure(self, el: Element) -> int:
        size, links = _count(el.text), 0
        for child in el:
            if not _invisible(child):
                size += self._measure(child)
                links += self.links[child]
            size += _count(child.tail)
        self.size[el] = size
        self.links[el] = size if _tag(el) == "a" else links
        return size

    def is_chrome(self, el: Element, tag: str) -> bool:
        """Menus, breadcrumbs, footers, share bars; never the article or what holds it."""
        if el in self.main_path:
            return False
        by_tag = tag in _CHROME_TAGS or (
            tag in _LANDMARKS and not any(_tag(a) in _SECTIONING for a in el.iterancestors())
        )
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not by_tag and not _CHROME_CLASS.search(marks):
            return False
        size = self.size.get(el, 0)
        if size >= 0.3 * self.total:
            return False
        if tag in _CHROME_TAGS:
            return True
        links = self.links.get(el, 0)
        if links < 0.5 * size and any(_tag(d) in _HEADINGS for d in el.iterdescendants()):
            return False  # an article's own header: its title, date and source
        if self.main is not None and self.main in el.iterancestors():
            return links >= 0.5 * size or size < 20  # inside the article: link lists and widgets only
        return True

    def is_layout(self, table: Element, rows: list[list[Element]]) -> bool:
        """A table that arranges the page rather than holding data: it holds other
        tables, or is a single frame cell, or a cell holds a whole article."""
        if (table.get("role") or "").lower() in ("presentation", "none"):
            return True
        if any(_tag(d) == "table" for d in table.iterdescendants()):
            return True
        cells = [c for row in rows for c in row]
        return len(cells) <= 1 or any(self.size.get(c, 0) > LAYOUT_CELL_CHARS for c in cells)


# ---- tables ---------------------------------------------------------------------------


def _table_rows(table: Element) -> list[list[Element]]:
    """The table's own rows (not those of nested tables) with their visible cells."""
    trs: list[Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            trs.append(child)
        elif tag in ("thead", "tbody", "tfoot") and not _hidden(child):
            trs.extend(tr for tr in child if _tag(tr) == "tr")
    return [[c for c in tr if _tag(c) in ("td", "th") and not _hidden(c)] for tr in trs if not _hidden(tr)]


def _span(value: str | None, limit: int) -> int:
    """A rowspan/colspan attribute as browsers read it: leading digits, else 1."""
    m = re.match(r"\s*(\d+)", value or "")
    return min(int(m.group(1)), limit) if m else 1


def _cell_text(cell: Element) -> str:
    """A cell's text: tags flattened, <br> and block elements start a new line."""
    lines: list[str] = []
    cur: list[str] = []

    def newline() -> None:
        lines.append(_HTML_SPACE.sub(" ", "".join(cur)).strip(_EDGE_SPACE))
        cur.clear()

    def walk(el: Element) -> None:
        for child in el:
            if not _invisible(child):
                tag = _tag(child)
                if tag == "br":
                    newline()
                else:
                    block = tag in _BLOCK_TAGS
                    if block:
                        newline()
                    cur.append(child.text or "")
                    walk(child)
                    if block:
                        newline()
            cur.append(child.tail or "")

    cur.append(cell.text or "")
    walk(cell)
    newline()
    return "\n".join(line for line in lines if line.strip())


@dataclass(frozen=True)
class _Slot:
    text: str
    line: int | None
    origin: bool


def _grid(rows: list[list[Element]], table_no: int, line: int | None) -> Grid | None:
    """Expand merges: a merged cell's text fills every position it covers; only its
    top-left position is an origin. Rows and columns that hold nothing are dropped."""
    slots: dict[tuple[int, int], _Slot] = {}
    height = len(rows)
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in slots:
                c += 1
            rowspan = _span(cell.get("rowspan"), 65534) or height - r  # rowspan=0: to the end
            rowspan = min(rowspan, height - r)
            colspan = _span(cell.get("colspan"), 1000) or 1
            if len(slots) + rowspan * colspan > MAX_GRID_CELLS:
                raise NianbaoError(E_TOO_LARGE, f"网页中的表格过大（超过 {MAX_GRID_CELLS} 个单元格）")
            text = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots.setdefault((r + dr, c + dc), _Slot(text, _line(cell), dr == 0 and dc == 0))
            c += colspan
    if not slots:
        return None
    width = max(c for _, c in slots) + 1

    def empty(slot: _Slot | None) -> bool:
        return slot is None or (slot.origin and not slot.text)

    keep_rows = [r for r in range(height) if not all(empty(slots.get((r, c))) for c in range(width))]
    keep_cols = [c for c in range(width) if not all(empty(slots.get((r, c))) for r in keep_rows)]
    if not keep_rows or not keep_cols:
        return None
    grid_rows: list[list[Cell]] = []
    origins: list[list[bool]] = []
    for gr, r in enumerate(keep_rows):
        row: list[Cell] = []
        flags: list[bool] = []
        for gc, c in enumerate(keep_cols):
            slot = slots.get((r, c)) or _Slot("", None, True)
            row.append(Cell(slot.text, Loc(line=slot.line, table=table_no, row=gr, col=gc)))
            flags.append(slot.origin)
        grid_rows.append(row)
        origins.append(flags)
    return Grid(rows=grid_rows, loc=Loc(line=line, table=table_no), origins=origins)


# ---- the walk -------------------------------------------------------------------------


class _Walker:
    """Walks the tree in document order: inline text gathers into a paragraph until a
    block boundary or <br>; data tables become grids; chrome and scripts are skipped.
    ``cursor`` follows the source line (element start lines plus newlines in text)."""

    def __init__(self, page: _Page) -> None:
        self.page = page
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.line: int | None = None
        self.cursor = 1
        self.tables = 0

    def text(self, chunk: str | None) -> None:
        if not chunk:
            return
        if self.line is None:
            body = chunk.lstrip(_EDGE_SPACE)
            if body:
                self.line = self.cursor + chunk[: len(chunk) - len(body)].count("\n")
        self.parts.append(chunk)
        self.cursor += chunk.count("\n")

    def flush(self) -> None:
        text = _HTML_SPACE.sub(" ", "".join(self.parts)).strip(_EDGE_SPACE)
        if text.strip():
            self.blocks.append(Paragraph(text, Loc(line=self.line)))
        self.parts.clear()
        self.line = None

    def walk(self, root: Element) -> None:
        self.visit(root)
        self.flush()

    def visit(self, el: Element) -> None:
        tag = _tag(el)
        if tag is None:
            return
        line = _line(el)
        if line:
            self.cursor = line
        if _invisible(el) or self.page.is_chrome(el, tag):
            self.cursor += sum(t.count("\n") for t in _texts(el))
            return
        if tag == "br":
            self.flush()
            return
        if tag == "pre":
            self.preformatted(el)
            return
        if tag == "table":
            rows = _table_rows(el)
            if not self.page.is_layout(el, rows):
                self.table(el, rows)
                return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        self.text(el.text)
        for child in el:
            self.visit(child)
            self.text(child.tail)
        if block:
            self.flush()

    def preformatted(self, el: Element) -> None:
        self.flush()
        start = self.cursor
        text = _cell_text_raw(el)
        for k, line in enumerate(text.split("\n")):
            if line.strip():
                self.blocks.append(Paragraph(line.rstrip(), Loc(line=start + k)))
        self.cursor = start + text.count("\n")

    def table(self, el: Element, rows: list[list[Element]]) -> None:
        self.flush()
        caption = next((c for c in el if _tag(c) == "caption"), None)
        if caption is not None:
            text = _cell_text(caption).replace("\n", " ")
            if text:
                self.blocks.append(Paragraph(text, Loc(line=_line(caption))))
        grid = _grid(rows, self.tables, _line(el))
        if grid is not None:
            self.blocks.append(grid)
            self.tables += 1
        self.cursor = (_line(el) or self.cursor) + sum(t.count("\n") for t in _texts(el))


def _cell_text_raw(el: Element) -> str:
    """Text of a <pre>, white space as written; <br> is a newline."""
    out: list[str] = [el.text or ""]
    for child in el:
        if not _invisible(child):
            out.append("\n" if _tag(child) == "br" else _cell_text_raw(child))
        out.append(child.tail or "")
    return "".join(out)


# ---- page metadata --------------------------------------------------------------------


def _title(root: Element) -> str | None:
    for el in root.iter("title"):
        if not any(_tag(a) == "svg" for a in el.iterancestors()):
            text = _HTML_SPACE.sub(" ", "".join(_texts(el))).strip(_EDGE_SPACE)
            if text:
                return text
    return None


def _iso(m: re.Match[str] | None) -> str | None:
    if m is None:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _published_meta(root: Element) -> str | None:
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        if name in _PUBLISHED_META:
            found = _iso(_ISO_DATE.search(el.get("content") or ""))
            if found:
                return found
    return None


def _published_text(blocks: list[Block], root: Element) -> str | None:
    """A "发布时间：2024-01-20" line: in the article first, then anywhere on the page."""
    article = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
    body = root.find("body")
    page = "".join(_visible_text(body if body is not None else root))
    for pattern in _PUBLISHED_TEXT:
        for text in (article, page):
            found = _iso(pattern.search(text))
            if found:
                return found
    return None


def _visible_text(el: Element) -> list[str]:
    out = [el.text or ""]
    for child in el:
        if not _invisible(child):
            out.extend(_visible_text(child))
        out.append(child.tail or "")
    return out
