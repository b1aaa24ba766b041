"""Refuse bad data before anything is drawn: every problem is named, in Chinese, by field.

A value that reaches a renderer is a number of the kind its column allows (a count is an
integer ≥ 0, an amount a number ≥ 0, a signed change any integer); the report has an
agency, a year, a known template and the prose of the sections that have no table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Problem:
    """One thing that keeps a report from being drawn, named for a person and by its field."""

    field: str  # template, agency, year, sections.N (a section's number) or values.KEY (a cell)
    message: str  # Chinese; a cell named by its labels and its key: 表三“…”行“…”列（KEY）
    key: str | None = None  # the cell's key, for values.KEY


YEARS = (2000, 2100)  # the years a report is drawn for


def problems(report: Report) -> list[Problem]:
    """Everything that keeps ``report`` from being drawn: a known template, an agency, a year in
    YEARS, every cell a number of its column's kind and no unknown cell, each section once, and
    the prose of the sections that have no table. The one list the renderers refuse with and the
    web's form asks for."""
    if report.template not in available():
        return [Problem("template", f"未知的模板版本“{report.template}”（可用：{'、'.join(available())}）")]
    template = load(report.template)
    out: list[Problem] = []
    if not (report.agency or "").strip():
        out.append(Problem("agency", "缺少机关名称（agency）"))
    low, high = YEARS
    if report.year is None:
        out.append(Problem("year", "缺少年度（year）"))
    elif not low <= report.year <= high:
        out.append(Problem("year", f"年度（year）“{report.year}”不在{low}—{high}之间"))
    known = set(template.cell_keys())
    for key in report.values:
        if key not in known:
            out.append(Problem(f"values.{key}", f"未知的单元格“{key}”（{template.name}中没有这一项）", key))
    for key in template.cell_keys():
        if report.values.get(key) is None:
            out.append(Problem(f"values.{key}", f"缺少{field_name(template, key)}的值", key))
            continue
        _, why = coerce(template, key, report.values[key])
        if why:
            out.append(Problem(f"values.{key}", why, key))
    numbers = [s.no for s in report.sections]
    for no in sorted({n for n in numbers if numbers.count(n) > 1}):
        title = numbered(no, template.sections[no - 1].title)
        out.append(Problem(f"sections.{no}", f"章节{title}出现了不止一次"))
    texts = {s.no: s.text.strip() for s in report.sections}
    for no in required_sections(template):
        if not texts.get(no):
            title = numbered(no, template.sections[no - 1].title)
            out.append(Problem(f"sections.{no}", f"缺少必需的章节“{title}”的内容"))
    return out


def validate_report(report: Report) -> Template:
    """Check a report is complete and well-typed for rendering; its template, or E_DATA."""
    found = problems(report)
    if found and found[0].field == "template":
        raise NianbaoError(E_DATA, found[0].message)
    raise_if([p.message for p in found])
    return load(str(report.template))
