"""PDF output: the HTML page printed by WeasyPrint (A4, page numbers from @page rules,
the Noto CJK SC fonts embedded as subsets with a ToUnicode map, so text can be copied and
parsed back). docs/render.md says why this route rather than LibreOffice from the DOCX."""

from __future__ import annotations

import logging

from nianbao.render.content import Content
from nianbao.render.html import render_html


def render(content: Content) -> bytes:
    import weasyprint  # type: ignore[import-untyped]

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf = weasyprint.HTML(string=render_html(content)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
