"""How reports number their parts and items — 一、 （一） 1. 第一部分 ① — written once.

The numerals and the shapes of numbering are spelled here; each module composes the pattern its
job needs from these pieces (a heading alone on its line, the start of a sentence, a row label's
prefix), so that a new numbering style is taught in one place.
"""

from __future__ import annotations

CN_NUMERALS = "一二三四五六七八九十"  # 1 to 10, as headings and items number them


def cn_numeral(n: int) -> str:
    """一 for 1 … 十 for 10: a section's or table's number as printed (表二, 三、)."""
    if not 1 <= n <= len(CN_NUMERALS):
        raise ValueError(f"no numeral for {n}")
    return CN_NUMERALS[n - 1]


# pieces of regular expressions (their source text, to be composed)
CN_NUMBER = f"[{CN_NUMERALS}]+"  # 一, 十
CN_OR_DIGIT = rf"[{CN_NUMERALS}\d]"  # one character of 一 or 1
OPEN, CLOSE = "[（(]", "[）)]"  # full-width or ASCII brackets


def bracketed(inner: str) -> str:
    """``inner`` between brackets, full-width or ASCII: （一） (1)."""
    return f"{OPEN}{inner}{CLOSE}"


BRACKETED_CN = bracketed(CN_NUMBER)  # （一）
CN_ENUM = f"{CN_NUMBER}、"  # 一、
ARABIC_ITEM = r"\d{1,2}[.．、](?!\d)"  # 1. 2、 — never the 1 of 1.5
CN_PART = f"第{CN_NUMBER}"  # 第一(部分)
CIRCLED = "[①-⑳]"  # ① … ⑳
