"""Where a finding is, as a person reads it: page and line counted from 1, and the table, row and
column by the labels printed in the report (表三“（七）总计”行“自然人”列)."""

from __future__ import annotations

from nianbao.checks.base import template_keys
from nianbao.report import Finding, Location
from nianbao.template import Template


def where(template: Template, finding: Finding) -> str | None:
    """The finding's place in words; None when it names no place."""
    parts = [_page_line(finding.loc)]
    cells = [k for k in finding.keys if k in template_keys(template.version)]
    if len(cells) == 1:
        parts.append(template.describe(cells[0]))
    elif cells:
        parts.append(_rows(template, cells))
    text = " ".join(p for p in parts if p)
    return text or None


def _page_line(loc: Location) -> str:
    out = []
    if "page" in loc:
        out.append(f"第{loc['page']}页")
    if "line" in loc:
        out.append(f"第{loc['line']}行")
    if loc.get("field") == "title" or loc.get("field") == "page_title":
        out.append("标题")
    return "".join(out)


def _rows(template: Template, keys: list[str]) -> str:
    """Several cells: their table and, when they share one row or one column, that row or column."""
    table_key = keys[0].split(".")[0]
    table = template.table(table_key)
    name = table.name
    rows = {k.split(".")[1] for k in keys}
    cols = {k.split(".")[2] for k in keys}
    if len(rows) == 1:
        row = template.row(keys[0])
        return f"{name}“{row.label}”{'组' if table.layout == 'flat' else '行'}"
    if len(cols) == 1:
        return f"{name}“{template.column(keys[0]).label}”列"
    return name
