"""Title, agency and data year of a report, each with where it was read."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

_TITLE = re.compile(
    r"(?P<pre>[^\n。；;]{0,60}?)(?P<year>(?:19|20)\d{2})[ \t\u3000]*年[ \t\u3000]*度?[ \t\u3000]*"
    r"(?P<post>[^\n。；;\d]{0,40}?)政府信息公开[ \t\u3000]*(?:工作)?[ \t\u3000]*(?:年度)?[ \t\u3000]*(?:工作)?"
    r"[ \t\u3000]*(?:年度)?[ \t\u3000]*报告"
)
_BARE_TITLE = re.compile(
    r"(?P<pre>[^\n。；;\d]{0,60}?)政府信息公开[ \t\u3000]*(?:工作)?[ \t\u3000]*年度[ \t\u3000]*报告"
)
# the first line of a title broken over three lines: the agency's places (洛阳市孟津区) — Chinese
# characters only, ending as a place or an office ends; never a menu, breadcrumb or page number
_NAME_PART = re.compile(
    r"[\u4e00-\u9fff（）()]{2,30}(?:省|自治区|市|州|盟|地区|县|旗|区|局|委|委员会|办|办公室|厅|院|政府)"
)
_LABEL_PREFIX = re.compile(r"^[\s#*>]*(?:标题|题目|title)\s*[:：]\s*", re.I)
_PERIOD = re.compile(
    r"统计(?:期限|时限|时间|周期|区间|期间|范围)?[^。\n]{0,12}?(?P<y1>(?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日"
    r"[^。\n]{0,8}?(?P<y2>(?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"
)
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|时间|周期)?[^。\n]{0,10}?(?P<y1>(?:19|20)\d{2})\s*年度")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_AGENCY_IN_TEXT = (
    re.compile(r"反映了?(?P<a>[^，。、；：\s“”《》()（）]{2,30}?)(?:19|20)\d{2}\s*年"),
    re.compile(r"请(?:与|联系|致电)(?P<a>[^，。、；：\s“”《》()（）]{2,30}?)(?:联系|，|。|；|：|\(|（)"),
    re.compile(r"^(?P<a>[^，。、；：\s“”《》()（）]{2,30}?)(?:19|20)\d{2}\s*年度?政府信息公开", re.M),
)
# what stands before an agency's name but is not part of it: a page's menu or breadcrumb (政府信息公开,
# 首页, 当前位置：…) joined to a title broken over two lines
_AGENCY_STRIP = re.compile(
    r"^(?:关于|[\s#*>\d.、]|首页|当前位置[:：]?|您的位置[:：]?|政府信息公开(?:年报|年度报告)?(?=\S{4,}))+|(?:关于|的|[\s*])+$"
)
_AGENCY_SUFFIX = re.compile(
    r"(局|委|委员会|办|办公室|厅|院|府|政府|部|署|会|中心|所|站|队|处|街道|镇|乡|区|县|市|管委会|集团|公司)$"
)


@dataclass(frozen=True)
class Meta:
    title: str | None
    title_line: int | None
    agency: str | None
    agency_source: str  # title | text | none
    title_year: int | None
    period_year: int | None
    text_year: int | None

    @property
    def year(self) -> int | None:
        return self.title_year or self.period_year or self.text_year

    @property
    def year_source(self) -> Literal["title", "period", "text", "none"]:
        if self.title_year:
            return "title"
        if self.period_year:
            return "period"
        return "text" if self.text_year else "none"


def _clean_agency(s: str) -> str | None:
    s = _AGENCY_STRIP.sub("", re.sub(r"[ \t\u3000]+", "", s)).strip("：:，,、")
    return s if len(s) >= 2 and _AGENCY_SUFFIX.search(s) else (s if len(s) >= 4 else None)


def find_title(lines: list[str], limit: int) -> tuple[str | None, int | None, str | None, int | None]:
    """(title, line index, agency from title, year from title) among the first lines,
    joining a title broken over two or three lines (a long agency's name is a line of its own:
    洛阳市孟津区 / 科技和工业信息化局 / 2025年政府信息公开工作年度报告)."""
    candidates: list[tuple[int, str]] = []
    for i in range(min(limit, len(lines))):
        line = _LABEL_PREFIX.sub("", lines[i]).strip()
        if not line:
            continue
        candidates.append((i, line))
    for pos, (i, line) in enumerate(candidates):
        following = [c[1] for c in candidates[pos + 1 : pos + 3]]
        joins = [line, *(line + "".join(following[:n]) for n in range(1, len(following) + 1))]
        if not _NAME_PART.fullmatch(line):  # three lines only when the first is a bare part of a name
            joins = joins[:2]
        for text in joins:
            m = _TITLE.match(text) or _TITLE.search(text[:120])
            if m and m.start() < 60:
                agency = _clean_agency(m.group("pre")) or _clean_agency(m.group("post"))
                return _squash(text[m.start() : m.end()]), i, agency, int(m.group("year"))
    for i, line in candidates:
        m = _BARE_TITLE.match(line)
        if m:
            return _squash(line[: m.end()]), i, _clean_agency(m.group("pre")), None
    return None, None, None, None


def _squash(title: str) -> str:
    """A title without the spaces that PDF extraction puts around numbers and between lines."""
    title = _LABEL_PREFIX.sub("", title).strip().lstrip("#").strip()
    return re.sub(r"[ \t\u3000]+", "", title)


def read_meta(lines: list[str], body_start_line: int | None, section1_text: str) -> Meta:
    limit = body_start_line if body_start_line is not None else 40
    title, title_line, agency, title_year = find_title(lines, max(limit, 3) if limit < 80 else 80)
    text = "\n".join(lines)
    head = "\n".join(lines[: (body_start_line or 60) + 5])
    period_year = None
    m = _PERIOD.search(text)
    if m and m.group("y1") == m.group("y2"):
        period_year = int(m.group("y1"))
    elif (m2 := _PERIOD_YEAR.search(text)) is not None:
        period_year = int(m2.group("y1"))
    years = Counter(int(y) for y in _YEAR.findall(section1_text))
    text_year = years.most_common(1)[0][0] if years else None
    source = "title" if agency else "none"
    if agency is None:
        for pattern in _AGENCY_IN_TEXT:
            found = pattern.search(head) or pattern.search(text)
            if found and (a := _clean_agency(found.group("a"))):
                agency, source = a, "text"
                break
    return Meta(title, title_line, agency, source, title_year, period_year, text_year)
