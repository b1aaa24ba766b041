"""Plain text: decode (detecting the encoding, never assuming it) and split into lines."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from nianbao.document import Document, Loc, Paragraph
from nianbao.errors import E_BINARY, E_ENCODING, NianbaoError
from nianbao.readers.limits import Limits

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position for ASCII;
    for Chinese text it does not, so also try both byte orders and keep a decoding
    that yields mostly CJK and common punctuation."""
    if len(data) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible_chinese(text):
            return text
    return None


def _plausible_chinese(text: str) -> bool:
    if not text:
        return False
    good = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or ch.isascii() or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    return good / len(text) > 0.97 and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises E_ENCODING when nothing fits."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is not None:
            return text, "utf-16"
    # GB18030 is a superset of GBK and GB2312: the usual encoding of Chinese files.
    try:
        text = data.decode("gb18030")
        if _plausible_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding and _plausible_chinese(str(best)):
        return str(best), best.encoding
    raise NianbaoError(E_ENCODING, "无法识别文本编码（不是 UTF-8、UTF-16 或 GBK/GB18030）")


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_binary(data: bytes) -> bool:
    """Control bytes other than tab/newline in a sample that is not UTF-16."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(sample[: len(sample) // 2 * 2]):
        return False
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    return bad / len(sample) > 0.02


def read(data: bytes, limits: Limits | None = None) -> Document:
    if looks_binary(data):
        raise NianbaoError(E_BINARY, "不是文本文件（含大量二进制字节），也不是已知的文档格式")
    text, encoding = decode(data)
    text = normalize_newlines(text)
    blocks = [Paragraph(line, Loc(line=i)) for i, line in enumerate(text.split("\n"), start=1)]
    return Document(blocks=list(blocks), format="text", meta={"encoding": encoding})
