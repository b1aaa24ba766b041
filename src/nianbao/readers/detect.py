"""Tell a file's format from its bytes (magic numbers and content), never its name."""

from __future__ import annotations

import io
import re
import zipfile

_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"BM", "image"),
)
_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|div|meta|p|span|tr|td)\b", re.I)
_MARKDOWN = re.compile(r"^(#{1,6}\s|\|.*\|\s*$|[-*]\s)", re.M)


def detect(data: bytes) -> str:
    """One of: pdf, docx, xlsx, odf, zip, ole, rtf, image, html, markdown, text."""
    head = data[:8]
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic) and (magic != b"BM" or len(data) > 26):
            return kind
    if data[8:12] == b"WEBP":
        return "image"
    return _text_kind(data)


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "odf"
    return "zip"


def _text_kind(data: bytes) -> str:
    sample = data[:65536]
    probe = sample.replace(b"\x00", b"")  # UTF-16 markup still shows its tags
    if _HTML.search(probe[:4096]) or len(_HTML.findall(probe)) >= 3:
        return "html"
    try:
        from nianbao.readers.text import decode

        text, _ = decode(sample[: len(sample) - len(sample) % 4] if len(data) > len(sample) else sample)
    except Exception:
        return "text"
    if len(_MARKDOWN.findall(text)) >= 2:
        return "markdown"
    return "text"
