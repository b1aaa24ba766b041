"""Page chrome: the running headers and footers a printed page carries, told by repetition and position.

A browser's print puts the date, time and page title at the top of every page and the file's
address with 「2/5」 at the bottom; office documents print 「— 3 —」 or 「第3页 共5页」. None of it is
the report's text, and between two parts of a table cut by a page break it would stop the table
from being joined. A line is chrome when it lies in the page's top or bottom margin band and
either repeats on other pages at the same height (its digits ignored) or is nothing but a page
number. The settings are in ``readers/settings.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.readers import settings

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_DASH = "-—–－─"
# a page number alone, in the forms reports print: also what text tools leave between table rows
PAGE_NUMBER = re.compile(
    rf"^(?:[{_DASH}]+\s*\d{{1,4}}\s*[{_DASH}]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|第)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Placed:
    """One line of a page, as chrome detection sees it."""

    page: int
    text: str
    top: float
    bottom: float


def _key(text: str) -> str:
    return _DIGITS.sub("#", _SPACE.sub("", text))


def is_page_number(text: str, page: int) -> bool:
    """A page number alone, in one of the forms reports print (a bare number must be the page's own)."""
    t = _SPACE.sub(" ", text).strip()
    return bool(PAGE_NUMBER.match(t)) or (t.isdigit() and int(t) == page)


def chrome_lines(lines: Sequence[Placed], page_heights: dict[int, float]) -> set[int]:
    """Indices of the lines that are page chrome."""
    band = {p: h * settings.CHROME_BAND for p, h in page_heights.items()}

    def in_band(ln: Placed) -> str | None:
        h = page_heights[ln.page]
        if ln.bottom <= band[ln.page]:
            return "top"
        if ln.top >= h - band[ln.page]:
            return "bottom"
        return None

    candidates = {i: edge for i, ln in enumerate(lines) if (edge := in_band(ln)) is not None}
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, edge in candidates.items():
        by_key[(edge, _key(lines[i].text))].append(i)
    need = max(2, round(settings.CHROME_MIN_SHARE * len(page_heights)))
    out: set[int] = set()
    for idxs in by_key.values():
        for i in idxs:
            same_height = {lines[j].page for j in idxs
                           if abs(lines[j].top - lines[i].top) <= settings.CHROME_Y_TOLERANCE}
            if len(same_height) >= need:
                out.add(i)
    out.update(i for i in candidates if is_page_number(lines[i].text, lines[i].page))
    return out
