"""DOCX: paragraphs and tables in body order, read from the XML directly.

Merged cells (gridSpan, vMerge, legacy hMerge) are expanded into the grid; text boxes
and nested tables follow the block that holds them; content controls (sdt) and
tracked insertions are read, deletions and field codes are not. Relationships are
never resolved, so an external link, linked image or included file is never fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from nianbao.document import Block, Cell, Document, Grid, Loc, Paragraph
from nianbao.errors import E_CORRUPT, NianbaoError
from nianbao.readers.layout import renumber
from nianbao.readers.limits import Limits
from nianbao.readers.zipsafe import open_zip, parse_xml, read_part

_W = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main"}
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WRAPPERS = {"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink", "fldSimple", "bdo", "dir"}
_SKIP = {"del", "moveFrom", "instrText", "delText", "delInstrText", "pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr",
         "footnoteReference", "endnoteReference", "commentReference"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _is_w(el: etree._Element, name: str) -> bool:
    return isinstance(el.tag, str) and etree.QName(el).namespace in _W and etree.QName(el).localname == name


def _val(el: etree._Element | None, name: str) -> str | None:
    """The w:val attribute of child ``name`` of ``el`` ("" when the child has none)."""
    if el is None:
        return None
    for child in el:
        if _is_w(child, name):
            for k, v in child.attrib.items():
                if etree.QName(k).localname == "val":
                    return cast(str, v)  # lxml gives str attribute values (lxml-stubs say str | bytes)
            return ""
    return None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el if _is_w(c, name)), None)


def _int(v: str | None, default: int) -> int:
    try:
        return max(int(v), 0) if v not in (None, "") else default
    except ValueError:
        return default


@dataclass
class _Reader:
    blocks: list[Block] = field(default_factory=list)
    paragraph_no: int = 0

    def body(self, el: etree._Element) -> None:
        """Block-level content: paragraphs, tables and their wrappers."""
        for child in el:
            name = _local(child)
            if isinstance(child.tag, str) and etree.QName(child).namespace == _MC:
                if name == "AlternateContent":
                    choice = next((c for c in child if _local(c) == "Choice"), None)
                    if choice is not None:
                        self.body(choice)
            elif name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in _WRAPPERS:
                self.body(child)

    def paragraph(self, p: etree._Element) -> None:
        self.paragraph_no += 1
        parts: list[str] = []
        boxes: list[etree._Element] = []
        _inline(p, parts, boxes)
        text = "".join(parts).strip("\n")
        if text.strip():
            self.blocks.append(Paragraph(text, Loc(line=self.paragraph_no)))
        for box in boxes:
            self.body(box)

    def table(self, tbl: etree._Element) -> None:
        owner: list[list[int]] = []
        texts: list[str] = []
        after: list[etree._Element] = []  # nested tables and text boxes, read after this table
        grid_cols = _child(tbl, "tblGrid")
        width = sum(1 for c in grid_cols if _is_w(c, "gridCol")) if grid_cols is not None else 0
        for r, tr in enumerate(_rows(tbl)):
            props = _child(tr, "trPr")
            row = [-1] * _int(_val(props, "gridBefore"), 0)
            for tc in _cells(tr):
                tprops = _child(tc, "tcPr")
                span = max(_int(_val(tprops, "gridSpan"), 1), 1)
                vmerge, hmerge = _val(tprops, "vMerge"), _val(tprops, "hMerge")
                c = len(row)
                above = owner[r - 1][c] if r > 0 and c < len(owner[r - 1]) else -1
                if vmerge is not None and vmerge != "restart" and above >= 0:
                    cid = above
                elif hmerge is not None and hmerge != "restart" and row and row[-1] >= 0:
                    cid = row[-1]
                else:
                    cid = len(texts)
                    texts.append(self.cell_text(tc, after))
                row.extend([cid] * span)
            owner.append(row)
            width = max(width, len(row) + _int(_val(props, "gridAfter"), 0))
        if not owner:
            return
        self.blocks.append(_grid(owner, texts, width))
        for el in after:
            if _local(el) == "tbl":
                self.table(el)
            else:
                self.body(el)

    def cell_text(self, tc: etree._Element, after: list[etree._Element]) -> str:
        lines: list[str] = []
        for el in _flatten(tc):
            if _is_w(el, "p"):
                self.paragraph_no += 1
                parts: list[str] = []
                _inline(el, parts, after)
                lines.append("".join(parts).strip())
            elif _is_w(el, "tbl"):
                after.append(el)
        return "\n".join(x for x in lines if x)


def _flatten(el: etree._Element) -> Iterator[etree._Element]:
    """Children of ``el``, looking through content controls and other wrappers."""
    for child in el:
        name = _local(child)
        if isinstance(child.tag, str) and etree.QName(child).namespace == _MC and name == "AlternateContent":
            choice = next((c for c in child if _local(c) == "Choice"), None)
            if choice is not None:
                yield from _flatten(choice)
        elif name in _WRAPPERS:
            yield from _flatten(child)
        else:
            yield child


def _rows(tbl: etree._Element) -> Iterator[etree._Element]:
    return (el for el in _flatten(tbl) if _is_w(el, "tr"))


def _cells(tr: etree._Element) -> Iterator[etree._Element]:
    return (el for el in _flatten(tr) if _is_w(el, "tc"))


def _inline(el: etree._Element, out: list[str], boxes: list[etree._Element]) -> None:
    """Run-level text of a paragraph, in order; text box contents go to ``boxes``."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        q = etree.QName(child)
        name = q.localname
        if q.namespace == _MC and name == "Fallback":
            continue  # the same content as mc:Choice, in an older form
        if name == "txbxContent":
            boxes.append(child)
        elif name in _SKIP:
            continue
        elif q.namespace in _W and name == "t":
            out.append(child.text or "")
        elif q.namespace in _W and name in ("tab", "ptab"):
            out.append("\t")
        elif q.namespace in _W and name in ("br", "cr"):
            out.append("\n")
        elif q.namespace in _W and name == "noBreakHyphen":
            out.append("-")
        else:
            _inline(child, out, boxes)


def _grid(owner: list[list[int]], texts: list[str], width: int) -> Grid:
    rows: list[list[Cell]] = []
    origins: list[list[bool]] = []
    seen: set[int] = set()
    for r, ids in enumerate(owner):
        ids = ids + [-1] * (width - len(ids))
        row: list[Cell] = []
        flags: list[bool] = []
        for c, cid in enumerate(ids):
            row.append(Cell(texts[cid] if cid >= 0 else "", Loc(row=r, col=c)))
            flags.append(cid >= 0 and cid not in seen)
            seen.add(cid)
        rows.append(row)
        origins.append(flags)
    return Grid(rows=rows, loc=Loc(), origins=origins)


def read(data: bytes, limits: Limits) -> Document:
    zf = open_zip(data, limits)
    with zf:
        xml = read_part(zf, "word/document.xml", limits)
    if xml is None:
        raise NianbaoError(E_CORRUPT, "DOCX 文件缺少正文（word/document.xml）")
    root = parse_xml(xml, "word/document.xml")
    body = next((c for c in root if _is_w(c, "body")), None)
    if body is None:
        raise NianbaoError(E_CORRUPT, "DOCX 文件正文结构无效（缺少 w:body）")
    reader = _Reader()
    reader.body(body)
    return Document(blocks=renumber(reader.blocks), format="docx", meta={"paragraphs": str(reader.paragraph_no)})
