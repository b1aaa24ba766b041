"""Text normalisation for matching labels, and the reading of one cell's number.

Labels are compared after removing white space and quotes, unifying bracket width
and the "1." / "1、" / "1．" numbering styles, so that a label written any of the
ways real reports write it is found by the one spelling in the template.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CHAR_MAP = str.maketrans(
    {
        "(": "（",
        ")": "）",
        ":": "：",
        ",": "，",
        ";": "；",
        "〔": "（",
        "〕": "）",
        "【": "（",
        "】": "）",
        "“": None,
        "”": None,
        '"': None,
        "'": None,
        "‘": None,
        "’": None,
        "「": None,
        "」": None,
        "﹒": ".",
        "．": ".",
        "。": "。",
    }
)
_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_NUMBERING_DOT = re.compile(r"(?<=[0-9])[、，,．]")


def fold_width(text: str) -> str:
    """Full-width ASCII letters and digits → half-width; other CJK punctuation kept."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def norm_label(text: str) -> str:
    """The form in which labels are compared: no white space, one bracket style."""
    text = fold_width(text).translate(_CHAR_MAP)
    text = _WS.sub("", text)
    return _NUMBERING_DOT.sub(".", text)


def norm_char_map(text: str) -> list[str]:
    """Per character of ``text``, its normalised form ('' when dropped), so that a
    normalised string can be mapped back to positions in the original."""
    out: list[str] = []
    prev = ""
    for ch in text:
        n = fold_width(ch).translate(_CHAR_MAP)
        if _WS.fullmatch(n or "x"):
            n = ""
        if n in "、，,．" and n and prev.isdigit():
            n = "."
        out.append(n)
        if n:
            prev = n
    return out


# A cell's text: a count, a decimal, a signed change, or a dash meaning "nothing".
_NUMBER = re.compile(r"^[+\-−－]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?$|^[+\-−－]?\d+(?:\.\d+)?$")
_DASHES = {"—", "–", "-", "－", "/", "／", "\\", "无", "——", "--", "—-", "/ "}
_UNIT = re.compile(r"^(.*?\d)\s*(件|个|项|次|条|万元|元)$")


@dataclass(frozen=True)
class CellValue:
    kind: str  # number | dash | blank | text
    value: int | float | None
    raw: str
    unit: str | None = None


def read_cell(raw: str) -> CellValue:
    """Read one cell's text. Blank and dash cells are 0 with their raw text kept;
    anything that is not clearly a number is ``text`` (the caller flags it)."""
    text = _WS.sub("", fold_width(unicodedata.normalize("NFKC", raw)))
    if text == "":
        return CellValue("blank", 0, raw)
    if text in _DASHES or set(text) <= {"-", "—", "－", "/"}:
        return CellValue("dash", 0, raw)
    if text[:1] in "增减" and text[1:].isdigit():  # 2019 本年增/减 written in words
        text = ("-" if text[0] == "减" else "+") + text[1:]
    unit = None
    m = _UNIT.match(text)
    if m:
        text, unit = m.group(1), m.group(2)
    if not _NUMBER.match(text):
        return CellValue("text", None, raw)
    body = text.replace(",", "").replace("，", "").replace("−", "-").replace("－", "-")
    try:
        dec = Decimal(body)
    except InvalidOperation:
        return CellValue("text", None, raw)
    value: int | float = int(dec) if dec == dec.to_integral_value() and "." not in body else float(dec)
    return CellValue("number", value, raw, unit)


def is_value_token(text: str) -> bool:
    return read_cell(text).kind in ("number", "dash")
