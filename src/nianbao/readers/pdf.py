"""PDF: the text layer with positions (pdfplumber), tables rebuilt from ruling lines
or from word positions, pages without a text layer through OCR.

pdfplumber was chosen by measurement (docs/pdf-library.md): MIT licence, correct on
Chinese, a table finder that works on ruling lines. PDFium (pypdfium2) renders the
pages that need OCR.
"""

from __future__ import annotations

import io
import re
import time
from typing import Any

from nianbao.document import Document
from nianbao.errors import E_CORRUPT, E_ENCRYPTED, E_NO_TEXT, E_TIMEOUT, E_TOO_LARGE, NianbaoError
from nianbao.readers import ocr, settings
from nianbao.readers.layout import Glyph, PageContent, TableBuild, assemble, build_table, group_lines, is_cjk
from nianbao.readers.limits import Limits

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_CID = re.compile(r"^\(cid:\d+\)$")


def _refuse_truncated(data: bytes) -> None:
    """A PDF ends with %%EOF (allowing some trailing bytes). A file cut short in a
    download would still half-open, and half a report must not pass for the whole."""
    if b"%%EOF" not in data[-4096:]:
        raise NianbaoError(E_CORRUPT, "PDF 文件不完整（缺少文件结尾，可能下载时被截断）")


def _is_password_error(e: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        if any(isinstance(a, PDFPasswordIncorrect | PDFEncryptionError) for a in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _fail(e: Exception) -> NianbaoError:
    if _is_password_error(e):
        return NianbaoError(E_ENCRYPTED, "PDF 文件已加密，需要密码才能打开")
    return NianbaoError(E_CORRUPT, f"PDF 文件已损坏，无法解析（{type(e).__name__}）")


def _glyph(c: dict[str, Any]) -> Glyph:
    """A character with its box set from its baseline and size when upright. pdfminer places it by
    the descent the font declares, which a re-distilled PDF (Ghostscript, Cairo) often rewrites,
    moving every glyph half a line down, into the next table row."""
    shift = 0.0
    if c.get("upright") and c.get("matrix") and c["size"] > 0:
        shift = (c["matrix"][5] - settings.DESCENT * c["size"]) - c["y0"]  # upwards, in PDF space
    return Glyph(c["text"], c["x0"], c["top"] - shift, c["x1"], c["bottom"] - shift)


def _garbled(chars: list[dict[str, Any]]) -> bool:
    """A text layer whose fonts map Chinese glyphs to Latin letters (Ghostscript re-distilling
    Chromium's Type 3 fonts turns （ into ÿ and 三 into O): not sound, the page is read by OCR."""
    latin = sum(1 for c in chars if "\u0080" <= c["text"][0] <= "\u024f")
    cjk = sum(1 for c in chars if is_cjk(c["text"][0]))
    return cjk > 0 and latin >= settings.GARBLED_MIN and latin > settings.GARBLED_SHARE * cjk


def _text_page(page: Any, number: int) -> PageContent | None:
    """A page's text layer as tables and lines; None when it has no usable text but ink (images, or
    text drawn as outlines) that OCR may read. A blank page is not worth seconds of OCR."""
    page = page.dedupe_chars()
    chars = [c for c in page.chars if c["text"].strip()]
    if not chars and not page.images and not page.curves:
        return PageContent(number=number, tables=[], lines=[], height=float(page.height))  # a blank page
    if not chars or sum(1 for c in chars if _CID.match(c["text"])) > len(chars) / 3 or _garbled(chars):
        return None
    glyphs = [_glyph(c) for c in chars]
    tables: list[TableBuild] = []
    for found in page.find_tables(_TABLE_SETTINGS):
        table = build_table(found.cells, glyphs, number)
        if table is not None:
            tables.append(table)
    boxes = [t.bbox for t in tables]
    outside = [g for g in glyphs if not any(b[0] <= g.cx <= b[2] and b[1] <= g.cy <= b[3] for b in boxes)]
    return PageContent(number=number, tables=tables, lines=group_lines(outside), height=float(page.height))


def _ocr_pages(data: bytes, indices: list[int], limits: Limits) -> list[PageContent]:
    """Render each page (PDFium) and read it through OCR."""
    import pypdfium2 as pdfium

    out: list[PageContent] = []
    budget = ocr.Budget(limits)
    doc = pdfium.PdfDocument(data)
    try:
        for i in indices:
            budget.next_page()
            page = doc[i]
            try:
                image = page.render(scale=ocr.RENDER_DPI / 72).to_pil()
            finally:
                page.close()
            out.append(ocr.page_content(image, i + 1, 72 / ocr.RENDER_DPI))
    except pdfium.PdfiumError as e:
        raise NianbaoError(E_CORRUPT, f"PDF 页面无法渲染（{e}）") from None
    finally:
        doc.close()
    return out


def read(data: bytes, limits: Limits) -> Document:
    import pdfplumber

    _refuse_truncated(data)
    deadline = time.monotonic() + limits.timeout_s
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:
        raise _fail(e) from None
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as e:
            raise _fail(e) from None
        if count > limits.max_pages:
            raise NianbaoError(E_TOO_LARGE, f"PDF 页数过多（{count} 页，上限 {limits.max_pages} 页）")
        if count == 0:
            raise NianbaoError(E_CORRUPT, "PDF 文件没有页面")
        pages: list[PageContent] = []
        scanned: list[int] = []
        for i, page in enumerate(pdf.pages):
            if time.monotonic() > deadline:
                raise NianbaoError(E_TIMEOUT, f"PDF 文字层解析超时（超过 {limits.timeout_s:.0f} 秒）")
            try:
                content = _text_page(page, i + 1)
            except Exception as e:
                raise _fail(e) from None
            finally:
                page.close()
            if content is None:
                scanned.append(i)
            else:
                pages.append(content)
    meta = {"pages": str(count)}
    if scanned:
        if not ocr.available():
            if not pages:
                raise NianbaoError(E_NO_TEXT, "PDF 没有文字层（可能是扫描件），且文字识别（OCR）不可用")
            meta["pages_without_text"] = ",".join(str(i + 1) for i in scanned)
        else:
            pages.extend(_ocr_pages(data, scanned, limits))
            pages.sort(key=lambda p: p.number)
            meta["ocr"] = ocr.ENGINE
            meta["ocr_pages"] = ",".join(str(i + 1) for i in scanned)
    return Document(blocks=assemble(pages), format="pdf", meta=meta)
