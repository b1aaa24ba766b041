"""A section's prose as sentences, each with the source line where it begins.

Lines broken by PDF extraction are joined back; a line that starts with a heading
mark (（一）, 一、, 1.) starts a new sentence, so a heading never runs into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nianbao.extract.normalize import fold_width
from nianbao.numbering import ARABIC_ITEM, CN_NUMERALS, CN_OR_DIGIT, CN_PART, bracketed
from nianbao.report import Location, Section

_END = re.compile(r"[。！？；!?;]")
_HEADING = re.compile(
    f"^(?:{bracketed(CN_OR_DIGIT + '{1,3}')}|[{CN_NUMERALS}]{{1,3}}[、.．]|{ARABIC_ITEM}|{CN_PART})"
)
_WS = re.compile(r"[\s\u3000\u00a0]+")
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
_CN_UNITS = re.compile(r"[十百千万]")
QUOTE_MAX = 120
HEADING_MAX = 30


@dataclass(frozen=True)
class Sentence:
    text: str  # as printed, white space collapsed (for quoting)
    norm: str  # white space removed, ASCII digits (for matching)
    line_index: int  # index of the section-text line where it begins
    section: int

    def quote(self) -> str:
        return self.text if len(self.text) <= QUOTE_MAX else self.text[: QUOTE_MAX - 1] + "…"


def sentences(section: Section) -> list[Sentence]:
    out: list[Sentence] = []
    buf: list[str] = []
    start = 0
    for i, line in enumerate(section.text.split("\n")):
        line = line.strip()
        if not line:
            continue
        if buf and (_HEADING.match(line) or _is_heading("".join(buf))):
            out.append(_make(buf, start, section.no))
            buf = []
        if not buf:
            start = i
        pos = 0
        for m in _END.finditer(line):
            buf.append(line[pos : m.end()])
            out.append(_make(buf, start, section.no))
            buf, start, pos = [], i, m.end()
        if line[pos:]:
            if not buf:
                start = i
            buf.append(line[pos:])
    if buf:
        out.append(_make(buf, start, section.no))
    return [s for s in out if s.norm]


def opens_part(sent: Sentence) -> bool:
    """The sentence begins a new part of the section (（二）依申请公开 …): what came before it
    was about something else."""
    return bool(_HEADING.match(sent.norm))


def _is_heading(text: str) -> bool:
    """A short line that starts with a heading mark is a heading of its own."""
    return bool(_HEADING.match(text)) and len(text) <= HEADING_MAX


def _make(parts: list[str], start: int, no: int) -> Sentence:
    text = _WS.sub(" ", "".join(parts)).strip()
    return Sentence(text=text, norm=fold_width(_WS.sub("", text)), line_index=start, section=no)


def sentence_loc(section: Section, line_index: int) -> Location:
    """The source location of a line of a section's text. The extractor may give the
    source line of every text line (``loc["lines"]``); otherwise the lines are counted
    from the heading."""
    loc = section.loc
    out = Location(page=loc["page"]) if "page" in loc else Location()
    lines = loc.get("lines")
    if lines is not None and 0 <= line_index < len(lines):
        out["line"] = lines[line_index]
    elif "line" in loc:
        out["line"] = loc["line"] + 1 + line_index
    return out


def cn_int(text: str) -> int | None:
    """An integer written in digits or in Chinese numerals (三, 十二, 一百零五, 两), read by
    cn2an. Two or more bare digits (二三件 "two or three") are an estimate, not a count: None."""
    if text.isdigit():
        return int(text)
    if not _CN_NUMERAL.fullmatch(text) or (len(text) > 1 and not _CN_UNITS.search(text)):
        return None
    return _cn2an(text)


@cache
def _cn2an(text: str) -> int | None:
    import cn2an  # type: ignore[import-untyped]  # imported on first use: it takes a quarter of a second to load

    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError):  # cn2an's ways of saying "not a number"
        return None
    return int(value) if float(value).is_integer() else None
