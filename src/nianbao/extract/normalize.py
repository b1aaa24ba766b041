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
from functools import lru_cache

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


# full-width ASCII letters and digits → half-width (other CJK punctuation kept)
_WIDTH = {c: c - 0xFEE0 for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(lo, hi + 1)}
# the label form's characters: widths folded, then brackets and punctuation unified (no output of
# the one is a key of the other, so one table does both)
_LABEL_MAP = {**_WIDTH, **_CHAR_MAP}
# dropped characters as DROPPED, so that the text keeps its length (positions map back one to one);
# DROPPED is white space, so no character kept is ever DROPPED
DROPPED = "\x1f"
_KEEP_MAP = {c: (DROPPED if n is None else n) for c, n in _LABEL_MAP.items()}
_WS_CHAR = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]")
_NUMBERING_MARKS = "、，,．"
_NUMBERING_MARK = re.compile(f"[{_NUMBERING_MARKS}]")
# a character that norm_chars changes or drops, or that may become a numbering dot
_CHANGED = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in _KEEP_MAP) + _NUMBERING_MARKS + r"\s\u3000\u00a0\u200b\ufeff]"
)


def fold_width(text: str) -> str:
    """Full-width ASCII letters and digits → half-width; other CJK punctuation kept."""
    return text.translate(_WIDTH)


def norm_label(text: str) -> str:
    """The form in which labels are compared: no white space, one bracket style."""
    text = _WS.sub("", text.translate(_LABEL_MAP))
    return _NUMBERING_DOT.sub(".", text)


def norm_chars(text: str) -> str:
    """Per character of ``text``, its normalised form, or DROPPED where it is dropped (the result
    is as long as ``text``), so that a normalised string can be mapped back to positions in the original."""
    if not _CHANGED.search(text):
        return text  # most words: nothing in them to change
    out = _WS_CHAR.sub(DROPPED, text.translate(_KEEP_MAP))
    # a numbering mark after a digit (the last character kept before it) is the numbering dot; what a
    # mark becomes is no digit either way, so each mark is decided by the text as translated
    chars: list[str] | None = None
    for m in _NUMBERING_MARK.finditer(out):
        before = m.start() - 1
        while before >= 0 and out[before] == DROPPED:
            before -= 1
        if before >= 0 and out[before].isdigit():
            if chars is None:
                chars = list(out)
            chars[m.start()] = "."
    return out if chars is None else "".join(chars)


READ_CELL_CACHE = 4096  # distinct cell texts remembered

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


@lru_cache(maxsize=READ_CELL_CACHE)
def read_cell(raw: str) -> CellValue:
    """Read one cell's text. Blank and dash cells are 0 with their raw text kept;
    anything that is not clearly a number is ``text`` (the caller flags it).
    (A pure function of the text, its results immutable: the texts read last are remembered.)"""
    if raw.isascii() and raw.isdigit():
        return CellValue("number", int(raw), raw)  # the common cell, as the steps below read it
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
