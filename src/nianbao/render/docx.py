"""Word output (python-docx): A4, CJK fonts, page numbers in the footer, and the tables
with real merged cells (gridSpan / vMerge), drawn from the same layout as every format."""

from __future__ import annotations

import io

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
MARGINS = {"top": Cm(3.2), "bottom": Cm(3.0), "left": Cm(2.8), "right": Cm(2.6)}
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
    p.paragraph_format.line_spacing = 1.5
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _font(p.add_run(para.text), fonts().body, fonts().size["body"], bold=para.sub)


def _heading(doc: docx.document.Document, text: str, level: int) -> None:
    p = doc.add_heading(level=level)
    p.paragraph_format.space_before = Pt(12 if level else 0)
    p.paragraph_format.space_after = Pt(6 if level else 18)
    if level == 0:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    size = fonts().size["title" if level == 0 else "heading"]
    _font(p.add_run(text), fonts().heading, size, bold=level == 0)


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
    table = doc.add_table(rows=len(lay.rows), cols=lay.width)
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
            p.paragraph_format.keep_with_next = c.row + c.rowspan - 1 < last  # the table stays on one page
            left = c.kind == "note" or (c.kind == "label" and c.rowspan == 1)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(f.text), fonts().body, size)
    return table


def _page_number(paragraph: Paragraph) -> None:
    """— PAGE — centred in the footer, as a field so Word and LibreOffice number the pages."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), fonts().body, 11)
    run = paragraph.add_run()
    _font(run, fonts().body, 11)
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
    _font(paragraph.add_run(" —"), fonts().body, 11)


def build_document(content: Content) -> docx.document.Document:
    doc = docx.Document()
    title_format = doc.styles["Title"].element.pPr  # the default template rules a line under the title
    for border in title_format.findall(qn("w:pBdr")) if title_format is not None else []:
        title_format.remove(border)
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    _page_number(section.footer.paragraphs[0])
    doc.core_properties.title = content.title
    doc.core_properties.author = "nianbao"
    _heading(doc, content.title, 0)
    for para in content.preface:
        _paragraph(doc, para)
    for s in content.sections:
        _heading(doc, s.heading, 1)
        for para in s.paragraphs:
            _paragraph(doc, para)
        for t in s.tables:
            _table(doc, t)
            doc.add_paragraph()
    return doc


def render(content: Content) -> bytes:
    out = io.BytesIO()
    build_document(content).save(out)
    return out.getvalue()
