"""The YAML draft a person edits: laid out in the template's order, every key with its Chinese
label and unit as a comment, so that nobody has to know what ``applications.results_total.total``
means; and, reading it back, the line of every key, so that the checks can point at it.

Written by hand rather than by a YAML library so the comments sit where a reader needs them;
every scalar is written in a form YAML reads back exactly (strings JSON-quoted, prose as a
literal block, floats by ``repr``)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from nianbao.render.layout import numbered
from nianbao.report import Number
from nianbao.template import Column, Template, load

HINTS = {"count": "非负整数", "signed": "整数，可为负", "decimal": "可有小数"}


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _block(text: str, indent: str) -> str:
    """Prose as ``|`` block, or JSON-quoted when a block would not read back the same."""
    text = text.strip()
    if not text:
        return '""'
    lines = text.split("\n")
    if any(ln != ln.strip() or not ln for ln in lines) or any(ord(ch) < 32 and ch != "\n" for ch in text):
        return _scalar(text)
    return "|-\n" + "\n".join(indent + ln for ln in lines)


def unit(col: Column) -> str:
    """What a cell holds, in words: 件数 are whole numbers, 万元 may have decimals."""
    parts = [col.unit] if col.unit and col.unit != "as_written" and col.unit not in col.label else []
    if col.unit == "as_written":
        parts.append("按报告所写单位")
    parts.append(HINTS.get(col.kind, col.kind))
    return "，".join(parts)


def dump(
    template: Template,
    agency: str | None,
    year: int | None,
    preface: str | None,
    sections: dict[int, str],
    values: dict[str, Number],
) -> str:
    """The YAML draft; cells not in ``values`` are written as 0."""
    out = [
        f"# {template.name}（{template.basis}）数据。",
        "# 每个键后的注释是它在报告中的名称和单位；未填写的单元格按0计。",
        "# 标有「（上年数字，请更新）」的数字取自上年报告，请改为本年数字并删去标记。",
        f"agency: {_scalar(agency or '')}  # 机关名称",
        f"year: {_scalar(year)}  # 年度",
        f"template: {_scalar(template.version)}  # 报告格式（模板版本）",
    ]
    if preface:
        out += ["# 前言", f"preface: {_block(preface, '  ')}"]
    out.append("sections:  # 正文，按章节")
    for s in template.sections:
        out.append(f"  # {numbered(s.no, s.title)}")
        out.append(f"  {s.no}: {_block(sections.get(s.no, ''), '    ')}")
    out.append("values:  # 表格中的数字")
    for t in template.tables:
        out.append(f"  # {numbered(t.section, t.title)}")
        out.append(f"  {t.key}:")
        group = None
        for block in t.blocks:
            if block.label:
                out.append(f"    # {block.label}")
            for row in block.rows:
                if row.group and row.group != group:
                    out.append(f"    # {row.group}")
                group = row.group
                out.append(f"    {row.key}:  # {row.label}")
                for col in block.columns:
                    value = values.get(t.cell_key(row, col), 0)
                    out.append(f"      {col.key}: {_scalar(value)}  # {col.label}（{unit(col)}）")
    return "\n".join(out) + "\n"


def dump_draft(draft: Any) -> str:
    """``dump`` of a render Draft."""
    return dump(load(draft.version()), draft.agency, draft.year, draft.preface, draft.sections, draft.values)


def lines(text: str) -> dict[str, int]:
    """Each key of a YAML draft → the line (from 1) of its value: ``agency``, ``sections.1``,
    and the cells by their dotted key however they were nested (``values.`` left off)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = f"{prefix}.{k.value}" if prefix else str(k.value)
                out[key] = k.start_mark.line + 1
                walk(v, key)

    if root is not None:
        walk(root, "")
    return {k.removeprefix("values."): v for k, v in out.items()}
