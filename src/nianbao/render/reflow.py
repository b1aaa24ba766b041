"""Prose carried into a draft, made to read like a report again.

Text taken out of a PDF (and often out of Word or a web page) keeps the printed lines: a
paragraph becomes one line per printed line, a word or a number cut at the line's end. The
report's own structure — paragraphs that end a sentence, numbered items （一） 1. 一是 —
has to survive the re-joining, so a line is joined to the next unless it ends a paragraph:

- a heading (a short numbered line without a full stop) stands alone;
- a line that ends a sentence and is shorter than the text's printed width ends a paragraph;
- a line that ends a sentence followed by a numbered line （二） 2. 二、 ends a paragraph.

The printed width is measured on the lines that surely wrap (those that do not end a
sentence), so text whose lines already are paragraphs is left as it is.

``mark_numbers`` flags last year's figures in carried prose, so that none is copied into
this year's report unnoticed; ``skeleton`` gives the headings of a section the report lacked.
"""

from __future__ import annotations

import itertools
import re
import statistics
from functools import cache

from nianbao.numbering import CIRCLED, CN_ENUM, CN_NUMERALS, CN_OR_DIGIT, bracketed
from nianbao.packaged import load_yaml

END = "。！？；：」"
CLOSERS = "）)”’」』》】"
MARK = "（上年数字，请更新）"

# A numbering at the start of a line: （一） (1) 一、 1. 1、 ①. The weaker 一是 二是 runs inside
# paragraphs as often as it starts them, so it breaks a paragraph only as any sentence does.
_SPACED_BRACKETS = bracketed(r"\s*" + CN_OR_DIGIT + r"+\s*")  # （ 一 ） as converters space it
STRONG_NUMBER = re.compile(rf"^\s*(?:{_SPACED_BRACKETS}|{CN_ENUM}|\d+[.．、](?!\d)|{CIRCLED})")
HEADING_MAX = 30


def ends_sentence(line: str) -> bool:
    """A line ends a sentence: its last mark is 。！？；： or 」, perhaps followed by closing quotes
    or brackets (…。） …。”)."""
    text = line.rstrip()
    while len(text) > 1 and text[-1] in CLOSERS and text[-1] not in END:
        text = text[:-1]
    return bool(text) and text[-1] in END


def is_heading(line: str) -> bool:
    """A numbered heading on a line of its own: 「（一）主动公开」「二、主要做法」."""
    text = line.strip()
    return (
        bool(STRONG_NUMBER.match(text))
        and len(text) <= HEADING_MAX
        and not ends_sentence(text)
        and not any(ch in text for ch in "。！？；")
    )


def line_ok(line: str) -> bool:
    """What the draft promises of each line of prose: it ends a sentence, or it is a heading."""
    return ends_sentence(line) or is_heading(line)


def _width(line: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in line.strip())


def _printed_width(lines: list[str]) -> float | None:
    """The width of a full printed line, from the lines that wrap; None when none wraps."""
    wrapped = [_width(ln) for ln in lines if not ends_sentence(ln) and not is_heading(ln)]
    if len(wrapped) < 2:
        return None
    return float(statistics.median(wrapped))


def _joiner(left: str, right: str) -> str:
    """Latin words keep a space between them; Chinese, and a number cut in two, join directly."""
    a, b = left[-1:], right[:1]
    return " " if a.isascii() and b.isascii() and a.isalpha() and b.isalpha() else ""


def _breaks(prev: str, line: str, full: float | None) -> bool:
    """True when ``prev`` ends its paragraph before ``line``."""
    if (is_heading(prev) and (full is None or _width(prev) < full - 1.5)) or is_heading(line):
        return True
    if not ends_sentence(prev):
        return False
    short = full is None or _width(prev) < full - 1.5
    if STRONG_NUMBER.match(line):
        return True
    return short


def reflow(text: str) -> str:
    """The paragraphs of ``text``, one a line. A paragraph that still ends mid-sentence (the last
    line of a section, a line before a heading) gets the full stop it lacks."""
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return ""
    full = _printed_width(lines)
    paras: list[str] = [lines[0]]
    for prev, line in itertools.pairwise(lines):
        if _breaks(prev, line, full):
            paras.append(line)
        else:
            paras[-1] += _joiner(paras[-1], line) + line
    return "\n".join(p if line_ok(p) else _close(p) for p in paras)


def _close(para: str) -> str:
    return para if para[-1] in CLOSERS else para.rstrip("，、,") + "。"


# Figures in prose: 3119件 5500余条 100% 3940元 1.5万元 — not years, dates, document numbers
# (〔2021〕30号, 国务院令第711号) or ordinals (第3季度).
NUMBER = re.compile(
    r"(?<![\d.〔第令])(\d+(?:\.\d+)?)(?:\s*)(余|多)?(万元|元|万|人次|件次|件|条|个|次|场|期|篇|项|家|人|户|份|%|％)"
)


def mark_numbers(text: str, last_year: int | None, year: int | None) -> str:
    """Last year's figures flagged 「（上年数字，请更新）」 after each, and last year's year
    written as this year's (「2024年，我市…」 → 「2025年，我市…」); idempotent."""
    if last_year is not None and year is not None:
        text = re.sub(rf"(?<!\d){last_year}(\s*年)(?!度?[以之]?前)", rf"{year}\1", text)

    def one(m: re.Match[str]) -> str:
        after = text[m.end() : m.end() + len(MARK)]
        return m.group(0) if after == MARK else m.group(0) + MARK

    return NUMBER.sub(one, text)


@cache
def skeleton() -> dict[int, str]:
    """Section number → the headings and prompts of a section a draft lacks (assets/skeleton.yaml)."""
    raw = load_yaml(__package__, "assets/skeleton.yaml")
    return {int(k): str(v).strip() for k, v in raw.items()}


_DATE = re.compile(
    rf"^(?:\d{{4}}|[〇零一二三四五六七八九○]{{4}})年[\d{CN_NUMERALS}]{{1,3}}月[\d{CN_NUMERALS}]{{1,3}}日$"
)


def strip_signature(text: str, agency: str | None) -> str:
    """A section's text without the 落款 printed after it (the agency, the date): a rendered
    report adds its own, and the extractor reads a printed one as the last section's prose."""
    lines = text.rstrip().split("\n")
    names = {re.sub(r"\s", "", agency)} if agency else set()
    while lines and (_DATE.match(re.sub(r"\s", "", lines[-1])) or re.sub(r"\s", "", lines[-1]) in names):
        lines.pop()
    return "\n".join(lines)
