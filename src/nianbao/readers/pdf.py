"""PDF: the text layer with positions (PDFium), tables rebuilt from ruling lines or from word
positions, pages without a sound text layer through OCR.

PDFium (pypdfium2) was chosen by measurement (docs/pdf-library.md): it reads the same characters
as pdfminer/pdfplumber ten times faster, and the same ruled tables come out of its path objects
through pdfplumber's cell-finding steps (reproduced in readers/pdfium_page.py). It also renders
the pages that need OCR.
"""

from __future__ import annotations

import enum
import threading
import time

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as raw  # type: ignore[import-untyped]

from nianbao.document import Document
from nianbao.errors import E_CORRUPT, E_ENCRYPTED, E_TIMEOUT, E_TOO_LARGE, NianbaoError
from nianbao.readers import ocr, pdfium_page, settings
from nianbao.readers.layout import (
    BBox,
    Glyph,
    PageContent,
    TableBuild,
    assemble,
    build_table,
    group_lines,
    is_cjk,
    two_up_gutter,
)
from nianbao.readers.limits import Limits
from nianbao.readers.pdfscan import check_streams


def _refuse_truncated(data: bytes) -> None:
    """A PDF ends with %%EOF (allowing some trailing bytes). A file cut short in a
    download would still half-open, and half a report must not pass for the whole."""
    if b"%%EOF" not in data[-4096:]:
        raise NianbaoError(E_CORRUPT, "PDF 文件不完整（缺少文件结尾，可能下载时被截断）")


# PDFium is not thread-safe: one document at a time in a process (the corpus and the web parse in
# processes; this guards a library user's threads)
_PDFIUM = threading.Lock()


class Unsound(enum.Enum):
    """Why a page's text layer is not used."""

    NO_TEXT = "no_text"
    GARBLED = "garbled"  # its fonts' maps are wrong: those of the other pages are not trusted either


def _fail(e: pdfium.PdfiumError) -> NianbaoError:
    if e.err_code in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
        return NianbaoError(E_ENCRYPTED, "PDF 文件已加密，需要密码才能打开")
    return NianbaoError(E_CORRUPT, f"PDF 文件已损坏，无法解析（{e}）")


def _garbled(glyphs: list[Glyph]) -> bool:
    """A text layer whose fonts map Chinese glyphs to Latin letters (Ghostscript re-distilling
    Chromium's Type 3 fonts turns （ into ÿ and 三 into O): not sound, the page is read by OCR."""
    latin = sum(1 for g in glyphs if "\u0080" <= g.text[0] <= "\u024f")
    if latin < settings.GARBLED_MIN:
        return False
    cjk = sum(1 for g in glyphs if is_cjk(g.text[0]))
    return cjk > 0 and latin > settings.GARBLED_SHARE * cjk


def _outside(glyphs: list[Glyph], a: float, b: float, boxes: list[BBox]) -> list[Glyph]:
    """The glyphs centred between x = a (included) and b, and in none of the boxes."""
    out: list[Glyph] = []
    for g in glyphs:
        cx = g.cx
        if not a <= cx < b:
            continue
        cy = g.cy
        for x0, top, x1, bottom in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                break
        else:
            out.append(g)
    return out


def _text_page(page: pdfium.PdfPage, number: int) -> list[PageContent] | Unsound:
    """A page's text layer as tables and lines (two pages' worth for a sheet printed two-up);
    Unsound when it has no sound text but ink (a scan, text drawn as outlines, fonts without a
    Unicode map, garbled fonts) that OCR may read. A blank page is not worth seconds of OCR."""
    width, height = float(page.get_width()), float(page.get_height())
    glyphs, unmapped = pdfium_page.glyphs(page)
    if not glyphs and not pdfium_page.has_marks(page):
        return [PageContent(number=number, tables=[], lines=[], height=height)]
    if not glyphs or unmapped > len(glyphs) / 3:
        return Unsound.NO_TEXT
    if _garbled(glyphs):
        return Unsound.GARBLED
    tables: list[TableBuild] = []
    for cells in pdfium_page.table_cells(page):
        table = build_table(cells, glyphs, number)
        if table is not None:
            tables.append(table)
    gutter = two_up_gutter(glyphs, [t.bbox for t in tables], width, height)
    halves = [(-1.0, width + 1)] if gutter is None else [(-1.0, gutter), (gutter, width + 1)]
    out: list[PageContent] = []
    for a, b in halves:
        mine = [t for t in tables if a <= (t.bbox[0] + t.bbox[2]) / 2 < b]
        boxes = [t.bbox for t in mine]
        out.append(PageContent(number=number, tables=mine, lines=group_lines(_outside(glyphs, a, b, boxes)),
                               height=height))
    return out


def _ocr_pages(data: bytes, indices: list[int], limits: Limits) -> list[PageContent]:
    """Render each page (PDFium) and read it through OCR."""
    out: list[PageContent] = []
    budget = ocr.Budget(limits)
    for i in indices:
        budget.next_page()
        with _PDFIUM:
            try:
                doc = pdfium.PdfDocument(data)
                try:
                    page = doc[i]
                    try:
                        width, height = page.get_size()
                        ocr.check_pixels(width * ocr.RENDER_DPI / 72, height * ocr.RENDER_DPI / 72, limits)
                        image = page.render(scale=ocr.RENDER_DPI / 72).to_pil()
                    finally:
                        page.close()
                finally:
                    doc.close()
            except pdfium.PdfiumError as e:
                raise NianbaoError(E_CORRUPT, f"PDF 页面无法渲染（{e}）") from None
        out.append(ocr.page_content(image, i + 1, 72 / ocr.RENDER_DPI))
    return out


def _text_pass(data: bytes, limits: Limits) -> tuple[int, list[PageContent], list[int], bool]:
    """Every page's text layer: (page count, pages read, indices of pages for OCR, a font garbled)."""
    deadline = time.monotonic() + limits.timeout_s
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise _fail(e) from None
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise NianbaoError(E_TOO_LARGE, f"PDF 页数过多（{count} 页，上限 {limits.max_pages} 页）")
        if count == 0:
            raise NianbaoError(E_CORRUPT, "PDF 文件没有页面")
        pages: list[PageContent] = []
        scanned: list[int] = []
        garbled = False
        for i in range(count):
            if time.monotonic() > deadline:
                raise NianbaoError(E_TIMEOUT, f"PDF 文字层解析超时（超过 {limits.timeout_s:.0f} 秒）")
            try:
                page = pdf[i]
            except pdfium.PdfiumError as e:
                raise _fail(e) from None
            try:
                content = _text_page(page, i + 1)
            finally:
                page.close()
            if isinstance(content, Unsound):
                scanned.append(i)
                garbled = garbled or content is Unsound.GARBLED
            else:
                pages.extend(content)
    finally:
        pdf.close()
    return count, pages, scanned, garbled


def read(data: bytes, limits: Limits) -> Document:
    _refuse_truncated(data)
    check_streams(data, limits)  # streams and images measured before PDFium decodes any
    with _PDFIUM:
        count, pages, scanned, garbled = _text_pass(data, limits)
    if garbled:  # the same fonts on the other pages may map a glyph to a wrong digit: OCR them all
        scanned, pages = list(range(count)), []
    meta = {"pages": str(count)}
    if scanned:
        why = ocr.unavailable("PDF 没有文字层（可能是扫描件），需要文字识别（OCR）")
        if why is not None:
            if not pages:
                raise why
            meta["pages_without_text"] = ",".join(str(i + 1) for i in scanned)
        else:
            pages.extend(_ocr_pages(data, scanned, limits))
            pages.sort(key=lambda p: p.number)
            meta["ocr"] = ocr.ENGINE
            meta["ocr_pages"] = ",".join(str(i + 1) for i in scanned)
    return Document(blocks=assemble(pages), format="pdf", meta=meta)
