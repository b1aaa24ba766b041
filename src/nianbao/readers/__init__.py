"""Readers: bytes → Document. The format is told by the bytes, not the file name.

Each reader module has ``read(data: bytes, limits: Limits) -> Document`` (the Protocol
``nianbao.readers.base.Reader``); modules are
imported when first needed, so that a heavy library (PDF, OCR) costs nothing to a
run that never meets its format.
"""

from __future__ import annotations

import importlib
from typing import cast

from nianbao.document import Document
from nianbao.errors import E_EMPTY, E_TOO_LARGE, E_UNSUPPORTED, NianbaoError
from nianbao.readers.base import Reader
from nianbao.readers.detect import detect
from nianbao.readers.fold import fold_document
from nianbao.readers.limits import Limits

# format name (as told by detect) → module that reads it
READERS: dict[str, str] = {
    "text": "nianbao.readers.text",
    "markdown": "nianbao.readers.markdown",
    "html": "nianbao.readers.html",
    "pdf": "nianbao.readers.pdf",
    "docx": "nianbao.readers.docx",
    "xlsx": "nianbao.readers.xlsx",
    "ole": "nianbao.readers.office",
    "rtf": "nianbao.readers.office",
    "odf": "nianbao.readers.office",
    "image": "nianbao.readers.ocr",
    "zip": "nianbao.readers.zipsafe",
}


def too_large(size: int, limits: Limits) -> str:
    """The reason a file of ``size`` bytes is refused."""
    return f"文件过大（{size / 1e6:.1f} MB，上限 {limits.max_bytes / 1e6:.0f} MB）"


def read(data: bytes, limits: Limits | None = None) -> Document:
    """Read a report file's bytes into a Document, whatever its format."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise NianbaoError(E_TOO_LARGE, too_large(len(data), limits))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise NianbaoError(E_EMPTY, "文件为空")
    fmt = detect(data)
    module = READERS.get(fmt)
    if module is None:
        raise NianbaoError(E_UNSUPPORTED, f"不支持的文件格式（{fmt}）")
    reader = cast(Reader, importlib.import_module(module))
    return fold_document(reader.read(data, limits))
