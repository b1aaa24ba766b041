"""When the report was published (spec §4.7; 条例 第四十九条)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from nianbao.checks.base import Context, Rule, load_data
from nianbao.report import Finding

DEADLINE = Rule(
    "pub.deadline", "warning", "按时发布：政府部门于次年1月31日前，本级人民政府报告于次年3月31日前", "publication"
)

RULES: tuple[Rule, ...] = (DEADLINE,)


def parse_date(text: str) -> date | None:
    """An ISO date, or the date part of an ISO timestamp; None when it is not one."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def deadline_for(agency: str | None, year: int, params: dict[str, str]) -> tuple[date, str]:
    """The last day to publish a report on ``year``, and whose deadline it is."""
    is_government = bool(agency and re.search(load_data("phrases.yaml")["government_report"], agency))
    kind = "government" if is_government else "department"
    month, day = (int(x) for x in params[kind].split("-"))
    who = "本级人民政府年度报告" if is_government else "县级以上人民政府部门"
    return date(year + 1, month, day), who


def check(ctx: Context) -> Iterator[Finding]:
    published = ctx.published or (parse_date(ctx.report.published) if ctx.report.published else None)
    year = ctx.report.year
    if published is None or year is None:
        return
    last_day, who = deadline_for(ctx.report.agency, year, ctx.params["deadline"])
    if published <= last_day:
        return
    late = (published - last_day).days
    yield DEADLINE.finding(
        f"发布日期{published.isoformat()}晚于期限{last_day.isoformat()}，迟了{late}天"
        f"（《政府信息公开条例》第四十九条：{who}应于{last_day.month}月{last_day.day}日前公布{year}年度报告）",
        [],
        {"field": "published"},
    )
