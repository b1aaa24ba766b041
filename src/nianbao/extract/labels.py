"""Patterns that find a template's row, block and header labels in Flow.norm, whatever the breaks inside."""

from __future__ import annotations

import re
from functools import cache

from nianbao.extract.flow import SEP, Flow
from nianbao.extract.normalize import norm_label
from nianbao.extract.settings import HEADER_RUN, HEADER_SPAN, PREFIX_LENGTHS
from nianbao.numbering import CN_ENUM, CN_NUMBER
from nianbao.template import Block, Row

_PREFIX = re.compile(rf"^(?:{CN_ENUM}|（{CN_NUMBER}）|\d{{1,2}}\.)")
_SEPS = f"{SEP}*"

Span = tuple[int, int]


def _prefix_alternatives(prefix: str) -> list[str]:
    core = prefix.strip("、（）.")
    if core.isdigit():
        return [rf"{core}[.、．]?", rf"（{core}）"]
    return [rf"{core}、", rf"（{core}）", rf"{core}[.．]", rf"{core}(?=[\u4e00-\u9fff])"]


@cache
def label_regex(labels: tuple[str, ...], head: str | None = None) -> re.Pattern[str]:
    """A pattern that finds a row label in Flow.norm, whatever the breaks inside it.

    Besides the whole label it accepts the label's first words: PDF text laid out
    by position often prints a wrapped label's second line after the row's numbers.

    Its alternatives, in order of preference, each begin with a character of their own (an optional
    numbering written out as one alternative with it and one without): the regular expression engine
    then skips to the places where one of those characters stands instead of trying every position."""
    whole: list[str] = []
    beginnings: list[str] = []
    for label in sorted({*labels, *([head] if head else [])}, key=len, reverse=True):
        n = norm_label(label)
        m = _PREFIX.match(n)
        prefix, core = (m.group(0), n[m.end() :]) if m else ("", n)
        whole += _alternatives(prefix, core, mandatory=len(core) <= 3)
        for k in PREFIX_LENGTHS:
            if len(core) > k + 2:
                beginnings += _alternatives(prefix, core[:k], mandatory=True)
    return re.compile("|".join(whole + beginnings))


def _alternatives(prefix: str, core: str, mandatory: bool) -> list[str]:
    """The label's core with separators allowed between its characters, after each way of writing
    its numbering (and, unless the numbering is mandatory, without it)."""
    body = _SEPS.join(re.escape(ch) for ch in core)
    if not prefix:
        return [body]
    numbered = [f"{p}{_SEPS}{body}" for p in _prefix_alternatives(prefix)]
    return numbered if mandatory else [*numbered, body]


def row_regex(row: Row) -> re.Pattern[str]:
    return label_regex(row.labels, row.head)


def find_block(flow: Flow, block: Block, start: int, end: int) -> Span | None:
    if not block.label:
        return None
    m = label_regex((block.label,)).search(flow.norm, start, end)
    return (m.start(), m.end()) if m else None


def header_start(flow: Flow, header: re.Pattern[str], start: int, end: int) -> int:
    """Where a table's header begins: the first of several header labels standing close
    together. A sentence of prose that names one or two of them (未发生行政复议、行政诉讼) is not it."""
    matches = [
        m.start()
        for m in header.finditer(flow.norm, start, end)
        if not any(ch in flow.tokens[flow.token_at(m.start())].text for ch in "。，；")
    ]
    for i, pos in enumerate(matches):
        if len([q for q in matches[i : i + HEADER_RUN] if q - pos <= HEADER_SPAN]) >= HEADER_RUN:
            return pos
    return end
