"""Word output (python-docx): A4 after GB/T 9704 (版心 156 × 225 mm, 三号 body at 22 lines a
page, title 小标宋, headings 黑体 and 楷体, page numbers 「— 1 —」 odd right / even left), the
tables with real merged cells (gridSpan / vMerge) and header rows repeated on each page, drawn
from the same layout as every format; the 落款 at the end; the document's own properties
(title, author = the agency, today's date) rather than python-docx's template's."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time

import docx
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from nianbao.render.content import Content, FilledTable, Para
from nianbao.render.style import fonts

PAGE = (Cm(21.0), Cm(29.7))
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
LINE = Pt(28.9)  # 22 lines in the 225 mm 版心
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6


def _font(run: Run, family: str, size: float, bold: bool = False) -> None:
    run.font.name = fonts().latin
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), family)


def _paragraph(doc: docx.document.Document, para: Para) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(fonts().size["body"] * 2)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = LINE
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _font(p.add_run(para.text), fonts().sub if para.sub else fonts().body, fonts().size["body"])


def _heading(doc: docx.document.Document, text: str | tuple[str, ...], level: int) -> None:
    """A heading; the title (level 0) is given as its lines, set with explicit line breaks."""
    p = doc.add_heading(level=level)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = LINE if level == 0 else Pt(0)
    p.paragraph_format.line_spacing = Pt(fonts().size["title"] * 1.45) if level == 0 else LINE
    p.paragraph_format.keep_with_next = True
    if level == 0:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        p.paragraph_format.first_line_indent = Pt(fonts().size["heading"] * 2)
    size = fonts().size["title" if level == 0 else "heading"]
    lines = (text,) if isinstance(text, str) else text
    for i, line in enumerate(lines):
        run = p.add_run(line)
        if i < len(lines) - 1:
            run.add_break()
        _font(run, fonts().title if level == 0 else fonts().heading, size, bold=level == 0)


def _signature(doc: docx.document.Document, content: Content) -> None:
    """The 落款: the agency over the date, right-aligned four characters in (GB/T 9704 7.3.5)."""
    size = fonts().size["body"]
    for i, text in enumerate((content.agency, content.date_text)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(size * 4)
        p.paragraph_format.space_before = LINE if i == 0 else Pt(0)
        p.paragraph_format.line_spacing = LINE
        p.paragraph_format.keep_with_next = i == 0
        _font(p.add_run(text), fonts().body, size)


def _row_flag(tr: CT_Row, tag: str) -> None:
    tr.get_or_add_trPr().append(OxmlElement(tag))


def _cell_margins(table: DocxTable, twips: int) -> None:
    """Narrow left/right cell margins, so narrow group columns keep two or three characters a line."""
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    table._tbl.tblPr.append(mar)


def _table(doc: docx.document.Document, t: FilledTable) -> DocxTable:
    lay = t.layout
    table: DocxTable = doc.add_table(rows=len(lay.rows), cols=lay.width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table, 40)
    total = sum(lay.weights)
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in lay.weights]
    for i, col in enumerate(table.columns):
        col.width = widths[i]
    for r, row in enumerate(table.rows):
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
        _row_flag(row._tr, "w:cantSplit")
        if r < lay.header_rows:
            _row_flag(row._tr, "w:tblHeader")
    size = fonts().size["table"]
    last = len(t.rows) - 1
    for row in t.rows:
        for f in row:
            c = f.cell
            cell = table.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.first_line_indent = Pt(0)
            # header rows (repeated on each page) and 表二's item rows stay with the rows below them;
            # the rest may break between rows, so that no table leaves a near-empty page
            p.paragraph_format.keep_with_next = c.row + c.rowspan - 1 < last and (
                c.row < lay.header_rows or c.kind == "header"
            )
            left = c.kind == "note" or (c.kind == "label" and c.rowspan == 1)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(f.text), fonts().body, size)
    return table


def _page_number(paragraph: Paragraph, odd: bool) -> None:
    """「— PAGE —」 as a field so Word and LibreOffice number the pages; odd pages at the right,
    even at the left, one character in (GB/T 9704 7.5)."""
    size = fonts().size["page_number"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    if odd:
        fmt.right_indent = Pt(size)
    else:
        fmt.left_indent = Pt(size)
    _font(paragraph.add_run("— "), fonts().latin, size)
    run = paragraph.add_run()
    _font(run, fonts().latin, size)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)
    _font(paragraph.add_run(" —"), fonts().latin, size)


def build_document(content: Content) -> docx.document.Document:
    doc = docx.Document()
    title_format = doc.styles["Title"].element.pPr  # the default template rules a line under the title
    for border in title_format.findall(qn("w:pBdr")) if title_format is not None else []:
        title_format.remove(border)
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)
    _properties(doc, content)
    _heading(doc, content.title_printed, 0)
    for para in content.preface:
        _paragraph(doc, para)
    for s in content.sections:
        _heading(doc, s.heading, 1)
        for para in s.paragraphs:
            _paragraph(doc, para)
        for t in s.tables:
            _table(doc, t)
            doc.add_paragraph()
    if content.agency:
        _signature(doc, content)
    return doc


def _properties(doc: docx.document.Document, content: Content) -> None:
    """Title, author (the agency) and dates of this report — not python-docx's template's
    (author "python-docx", created 2013)."""
    props = doc.core_properties
    when = datetime.combine(content.date, time(), tzinfo=UTC) if content.date else datetime.now(UTC)
    props.title = content.title
    props.author = props.last_modified_by = content.agency
    props.subject = "政府信息公开工作年度报告"
    props.keywords = "政府信息公开;年度报告"
    props.comments = props.category = ""
    props.language = "zh-CN"
    props.created = props.modified = props.last_printed = when
    props.revision = 1


def render(content: Content) -> bytes:
    out = io.BytesIO()
    build_document(content).save(out)
    return out.getvalue()
