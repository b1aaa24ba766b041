"""Tell a file's format from its bytes (magic numbers and content), never its name."""

from __future__ import annotations

import io
import re
import zipfile

from nianbao.errors import NianbaoError

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_SAMPLE = 65536
_HTML_TAGS = (
    r"html|head|body|title|meta|table|tbody|thead|tr|td|th|div|p|span|br|h[1-6]|ul|ol|li|a|font|center|style|script"
)
# A document that opens with markup: doctype, XML prolog, comment or a known tag.
_HTML_START = re.compile(rf"^\s*(<!doctype\s+html|<\?xml[^>]*>\s*<(!doctype\s+)?html|<!--|<(?:{_HTML_TAGS})\b)", re.I)
# Tags anywhere (opening or closing): a page whose start is text still has many of them.
_HTML_TAG = re.compile(rf"</?(?:{_HTML_TAGS})\b[^<>]*>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_HTML_STRONG = re.compile(r"<\s*(?:!doctype\s+html|html|body|table)\b", re.I)
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.M)
# one line of a Markdown table's separator (|---|---|); white space within the line only, so that
# the search never backtracks across blank lines
_MD_TABLE_SEP = re.compile(r"^[^\S\n]*\|?[^\S\n]*:?-{3,}:?[^\S\n]*(?:\|[^\S\n]*:?-{3,}:?[^\S\n]*)+\|?[^\S\n]*$", re.M)
_MD_OTHER = re.compile(r"\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)|^```", re.M)


def detect(data: bytes) -> str:
    """One of: pdf, docx, xlsx, odf, zip, ole, rtf, image, html, markdown, text.

    Binary data of no known kind is "text": the text reader then refuses it (E_BINARY)."""
    head = data[:8]
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    for magic in _IMAGE_MAGIC:
        if head.startswith(magic) and (magic != b"BM" or _is_bmp(data)):
            return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    return _text_kind(data)


def _is_bmp(data: bytes) -> bool:
    """"BM" also starts ordinary text ("BMI…"): check the header's size fields."""
    if len(data) < 26:
        return False
    declared = int.from_bytes(data[2:6], "little")
    header = int.from_bytes(data[14:18], "little")
    return data[6:10] == b"\x00\x00\x00\x00" and header in (12, 40, 52, 56, 64, 108, 124) and declared > 26


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


def _sample_text(data: bytes) -> str:
    """The decoded start of the file; for undecodable bytes, the bytes with NULs
    dropped (UTF-16 markup still shows its tags) read as Latin-1."""
    from nianbao.readers.text import decode, normalize_newlines

    sample = data[:_SAMPLE]
    try:
        return normalize_newlines(decode(sample, final=len(data) <= _SAMPLE)[0])
    except NianbaoError:
        return sample.replace(b"\x00", b"").decode("latin-1")


def _text_kind(data: bytes) -> str:
    text = _sample_text(data).lstrip("\ufeff")
    if _HTML_START.match(text):
        return "html"
    # <br> is how Markdown writes a line break inside a table cell (PDF-to-Markdown converters): no
    # sign of a web page by itself
    tags = [t for t in _HTML_TAG.findall(text) if not _BR.fullmatch(t)]
    if len(tags) >= 8 or (len(tags) >= 3 and _HTML_STRONG.search(text)):
        return "html"
    headings = len(_MD_HEADING.findall(text))
    if headings >= 2 or _MD_TABLE_SEP.search(text) or (headings and _MD_OTHER.search(text)):
        return "markdown"
    return "text"
