"""Find the six section headings and cut the text between them.

A heading is the section's title (or a variant from the template) with an optional
numbering (一、 / （一） / 1. / 第一部分), alone on its line; pages saved as plain text
run headings into the prose, so an inline "二、主动公开政府信息情况" is accepted when no
heading stands alone. A preface before 一 is not a section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.extract.memo import per_object
from nianbao.numbering import CN_NUMERALS, bracketed, cn_numeral
from nianbao.template import SectionDef, Template

_SIX = f"[{CN_NUMERALS[:6]}]"  # the format's six sections
_NUMBERING = (
    rf"(?:第{_SIX}部分[、：:．.\s]*|{_SIX}[、.．，,:：\s]\s*"
    rf"|{bracketed(_SIX)}\s*|[1-6][、.．]\s*)"
)


@dataclass(frozen=True)
class Heading:
    no: int
    title: str  # as printed, without numbering
    start: int  # offset in the full text where the heading begins
    end: int  # offset where the section's body begins
    inline: bool


def _title_pattern(title: str) -> str:
    parts = []
    for ch in title:
        if ch in "（(":
            parts.append("[（(]")
        elif ch in "）)":
            parts.append("[）)]")
        elif ch in "、，,":
            parts.append("[、，,]?")
        else:
            parts.append(re.escape(ch))
    return r"[ \t\u3000]*".join(parts)


@per_object
def _patterns(sec: SectionDef) -> tuple[re.Pattern[str], re.Pattern[str]]:
    titles = "|".join(_title_pattern(t) for t in sorted(sec.titles, key=len, reverse=True))
    own = cn_numeral(sec.no)
    alone = re.compile(
        rf"^[ \t\u3000]*(?:#+[ \t]*)?(?:\*\*)?[ \t\u3000]*(?P<num>{_NUMBERING})?(?P<title>{titles})"
        rf"[ \t\u3000]*[。：:]?[ \t\u3000]*(?:\*\*)?[ \t\u3000]*$",
        re.M,
    )
    inline = re.compile(rf"(?P<num>{own}[、.．][ \t\u3000]*)(?P<title>{titles})")
    return alone, inline


@per_object
def _reworded(sec: SectionDef) -> re.Pattern[str]:
    """A short line numbered with the section's own numeral, holding all its keywords."""
    own = cn_numeral(sec.no)
    ahead = "".join(f"(?=[^\n]*{re.escape(k)})" for k in sec.keywords)
    return re.compile(
        rf"^[ \t\u3000]*(?:#+[ \t]*)?(?P<num>{own}[、.．][ \t\u3000]*){ahead}(?P<title>[^\n。；;，,]{{2,30}}?)"
        rf"[ \t\u3000]*[。：:]?[ \t\u3000]*$",
        re.M,
    )


def find_headings(text: str, template: Template) -> list[Heading]:
    """The headings found, in order; a section not found is simply absent."""
    found: list[Heading] = []
    pos = 0
    for sec in template.sections:
        alone, inline = _patterns(sec)
        m = alone.search(text, pos)
        is_inline = False
        if m is None and sec.keywords:
            m = _reworded(sec).search(text, pos)
        if m is None:
            m = inline.search(text, pos)
            is_inline = True
        if m is None:
            continue
        found.append(
            Heading(
                sec.no, m.group("title"), m.start("num") if m.group("num") else m.start("title"), m.end(), is_inline
            )
        )
        pos = m.end()
    return found
