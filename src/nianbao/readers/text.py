"""Plain text: decode (detecting the encoding, never assuming it) and split into lines.

The decoder is shared by the other text-like readers (markdown, HTML) and by format
detection. Chinese reports come as UTF-8 (with or without BOM), GBK/GB18030, and now
and then UTF-16 from Windows tools (with or without BOM, either byte order).
"""

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
_PLAUSIBLE_SHARE = 0.97  # share of "ordinary" characters a right decoding shows
# UTF-8 with a few invalid bytes (a damaged download, a bad copy): read with replacement when the
# bad bytes are at most this share of the characters (and at most _DAMAGED_MAX), so that one byte
# no longer refuses the file; GBK text read as UTF-8 shows thousands, and is left to GB18030
_DAMAGED_SHARE = 0.002
_DAMAGED_MAX = 200
REPLACEMENT = "\ufffd"
_CONTROL_OK = frozenset("\t\n\r\f\v\x1b")
# control bytes that text does not hold (white space and ESC are text)
_BINARY_BYTES = bytes(b for b in range(32) if b < 9 or (13 < b < 32 and b != 27))


def _ordinary(ch: str) -> bool:
    """A character that real Chinese or ASCII text is made of; a wrong decoding yields
    control characters, private-use or replacement characters, stray scripts."""
    code = ord(ch)
    if code < 0x80:
        return ch.isprintable() or ch in _CONTROL_OK
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x20000 <= code <= 0x2EBEF  # CJK extensions B–F (GB18030 four-byte forms)
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x3200 <= code <= 0x33FF  # enclosed CJK letters, CJK compatibility: ㊣ ㎡
        or 0x3000 <= code <= 0x303F  # CJK punctuation, full-width space
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2000 <= code <= 0x206F  # general punctuation: “” — …
        or 0x2150 <= code <= 0x218F  # number forms: Ⅰ Ⅱ
        or 0x2460 <= code <= 0x24FF  # enclosed numbers: ①
        or 0x2500 <= code <= 0x257F  # box drawing
        or 0x25A0 <= code <= 0x25FF  # geometric shapes: ■ ○
        or 0xFE30 <= code <= 0xFE4F  # CJK compatibility forms
        or 0x3100 <= code <= 0x312F  # bopomofo
        or code in (0xA0, 0xA7, 0xB0, 0xB1, 0xB7, 0xD7, 0xF7, 0xFEFF)
    )


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def plausibility(text: str) -> float:
    """Share of ordinary characters; 0 for text that is neither Chinese nor ASCII."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if _ordinary(ch))
    if not text.isascii() and not any(_is_cjk(ch) for ch in text):
        return 0.0
    return good / len(text)


def _decode_as(data: bytes, encoding: str, final: bool) -> str:
    """Strict decoding; with ``final=False`` an incomplete character at the end of a
    sample is left out instead of failing (for detection on a prefix)."""
    return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=final)


def _utf16_without_bom(data: bytes, final: bool = True) -> str | None:
    """UTF-16 without BOM: try both byte orders and keep the clearly better one.
    ASCII shows as a NUL in every other byte; Chinese read in the wrong byte order
    turns into characters of other scripts, so the plausibility tells them apart."""
    if final and len(data) % 2:
        return None
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = _decode_as(data, enc, final)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        score = plausibility(text)
        if score > _PLAUSIBLE_SHARE and (best is None or score > best[0]):
            best = (score, text)
    return best[1] if best else None


def decode(data: bytes, *, final: bool = True) -> tuple[str, str]:
    """Bytes → (text, encoding name). Raises E_ENCODING when nothing fits.

    ``final=False`` decodes a prefix cut at an arbitrary byte (format detection)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _decode_as(data, enc, final), enc
            except UnicodeDecodeError as exc:
                name = enc.upper()
                raise NianbaoError(E_ENCODING, f"文件以 {name} 字节序标记开头，但内容不是合法的 {name}") from exc
    # Text has no NUL bytes, UTF-16 has many (one per ASCII character): try it first when
    # they are frequent, and after UTF-8 when a few stray ones might be noise.
    nuls = data[:4096].count(0)
    if nuls * 3 >= len(data[:4096]) > 0:
        text = _utf16_without_bom(data, final)
        if text is not None:
            return text, "utf-16"
    try:
        return _decode_as(data, "utf-8", final), "utf-8"
    except UnicodeDecodeError:
        pass
    if nuls:
        text = _utf16_without_bom(data, final)
        if text is not None:
            return text, "utf-16"
    damaged = _damaged_utf8(data, final)
    if damaged is not None:
        return damaged, "utf-8"
    # GB18030 is a superset of GBK and GB2312: the usual encoding of Chinese files.
    try:
        text = _decode_as(data, "gb18030", final)
        if plausibility(text) > _PLAUSIBLE_SHARE:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding and plausibility(str(best)) > _PLAUSIBLE_SHARE:
        return str(best), best.encoding
    raise NianbaoError(E_ENCODING, "无法识别文本编码（不是 UTF-8、UTF-16 或 GBK/GB18030）")


def _damaged_utf8(data: bytes, final: bool) -> str | None:
    """UTF-8 with a few invalid bytes, each read as U+FFFD (None when it is not that)."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=final)
    bad = text.count(REPLACEMENT)
    if not 0 < bad <= min(_DAMAGED_MAX, max(1, int(len(text) * _DAMAGED_SHARE))):
        return None
    return text if plausibility(text.replace(REPLACEMENT, "")) > _PLAUSIBLE_SHARE else None


def damaged_lines(lines: list[str]) -> dict[str, str]:
    """The meta of a Document whose text had bytes that could not be decoded: the numbers of
    the lines holding them (1-based), so that nothing read from them passes for read cleanly."""
    bad = [str(i) for i, line in enumerate(lines, start=1) if REPLACEMENT in line]
    return {"damaged_lines": ",".join(bad)} if bad else {}


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_binary(data: bytes) -> bool:
    """Control bytes other than white space in a sample that is not UTF-16 text."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample and _utf16_without_bom(sample, final=False) is not None:
        return False
    bad = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    return bad / len(sample) > 0.02


def read(data: bytes, limits: Limits | None = None) -> Document:
    if looks_binary(data):
        raise NianbaoError(E_BINARY, "不是文本文件（含大量二进制字节），也不是已知的文档格式")
    text, encoding = decode(data)
    lines = normalize_newlines(text).split("\n")
    blocks = [Paragraph(line, Loc(line=i)) for i, line in enumerate(lines, start=1)]
    return Document(blocks=list(blocks), format="text", meta={"encoding": encoding, **damaged_lines(lines)})
