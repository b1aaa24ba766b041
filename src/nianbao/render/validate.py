"""Refuse bad data before anything is drawn: every problem is named, in Chinese, by field.

A value that reaches a renderer is a number of the kind its column allows (a count is an
integer ≥ 0, an amount a number ≥ 0, a signed change any integer); the report has an
agency, a year, a known template and the prose of the sections that have no table.
"""

from __future__ import annotations

import re

from nianbao.errors import E_DATA, NianbaoError
from nianbao.render.layout import numbered
from nianbao.report import Number, Report
from nianbao.template import Template, available, load

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
MAX_LISTED = 12


def field_name(template: Template, key: str) -> str:
    """How a cell is named in a message: 表三“一、本年新收…”行“自然人”列（applications.new.natural_person）."""
    return f"{template.describe(key)}（{key}）"


def coerce(template: Template, key: str, raw: object) -> tuple[Number | None, str | None]:
    """The value of a cell as its column's kind requires, or a Chinese reason why not.
    ``raw`` None means left out; the caller decides what that is."""
    if raw is None:
        return None, None
    kind = template.column(key).kind
    name = field_name(template, key)
    if isinstance(raw, bool):
        return None, f"{name}的值“{raw}”不是数字"
    value: Number
    if isinstance(raw, int | float):
        value = raw
    elif isinstance(raw, str) and _NUMBER.match(raw.strip()):
        text = raw.strip()
        value = float(text) if "." in text else int(text)
    else:
        return None, f"{name}的值“{raw}”不是数字"
    if value != value or value in (float("inf"), float("-inf")):
        return None, f"{name}的值“{raw}”不是数字"
    if kind in ("count", "signed"):
        if value != int(value):
            return None, f"{name}应为整数，填写的是“{raw}”"
        value = int(value)
    if value < 0 and kind != "signed":
        return None, f"{name}不能为负数（填写的是{raw}）"
    return value, None


def unknown_keys(template: Template, keys: list[str]) -> list[str]:
    known = set(template.cell_keys())
    return [f"未知的单元格“{k}”（{template.name}中没有这一项）" for k in keys if k not in known]


def raise_if(problems: list[str]) -> None:
    if problems:
        listed = problems[:MAX_LISTED]
        more = f"；另有{len(problems) - MAX_LISTED}处问题" if len(problems) > MAX_LISTED else ""
        raise NianbaoError(E_DATA, "数据有误：" + "；".join(listed) + more)


def required_sections(template: Template) -> list[int]:
    """Sections that are prose only (no table): their text is the report's content."""
    with_table = {t.section for t in template.tables}
    return [s.no for s in template.sections if s.no not in with_table]


def validate_report(report: Report) -> Template:
    """Check a report is complete and well-typed for rendering; its template, or E_DATA."""
    if report.template not in available():
        raise NianbaoError(E_DATA, f"未知的模板版本“{report.template}”（可用：{'、'.join(available())}）")
    template = load(report.template)
    problems: list[str] = []
    if not (report.agency or "").strip():
        problems.append("缺少机关名称（agency）")
    if report.year is None:
        problems.append("缺少年度（year）")
    elif not 2000 <= report.year <= 2100:
        problems.append(f"年度（year）“{report.year}”不在2000—2100之间")
    problems += unknown_keys(template, list(report.values))
    for key in template.cell_keys():
        if report.values.get(key) is None:
            problems.append(f"缺少{field_name(template, key)}的值")
            continue
        _, why = coerce(template, key, report.values[key])
        if why:
            problems.append(why)
    numbers = [s.no for s in report.sections]
    for no in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"章节{numbered(no, template.sections[no - 1].title)}出现了不止一次")
    texts = {s.no: s.text.strip() for s in report.sections}
    for no in required_sections(template):
        if not texts.get(no):
            problems.append(f"缺少必需的章节“{numbered(no, template.sections[no - 1].title)}”的内容")
    raise_if(problems)
    return template
