"""Reports written out in the layouts that real extraction tools produce, from a values dict.

The labels come from the template (never re-spelled here); the prose comes from a real
sample. Used to test the extractor on large non-zero numbers in every layout.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from nianbao.template import Table, Template

PREFACE = "本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
PROSE = {
    1: "{y}年，本机关认真贯彻落实《条例》，全年主动公开政府信息{n}条。",
    5: "{y}年，本机关政府信息公开工作仍存在一些不足，下一步将进一步加强。",
    6: "本年度未收取信息处理费。",
}


def random_values(template: Template, seed: int, big: bool = True) -> dict[str, int | float]:
    """Values that satisfy every equation of the template, with large numbers where ``big``."""
    rng = random.Random(seed)
    top = 5000 if big else 9
    values: dict[str, int | float] = {}
    t2 = template.table("active")
    for _, _, col, key in t2.cells():
        if col.kind == "decimal":
            values[key] = round(rng.uniform(0, 900), 2) if rng.random() < 0.7 else 0
        elif col.kind == "signed":
            values[key] = rng.randint(-50, 50)
        else:
            values[key] = rng.randint(0, top) if rng.random() < 0.7 else 0
    t3 = template.table("applications")
    block = t3.blocks[0]
    rows = [r.key for r in block.rows]
    results = rows[rows.index("granted") : rows.index("results_total")]
    for col in block.columns[:-1]:
        for r in results:
            values[f"applications.{r}.{col.key}"] = rng.randint(0, top // 10) if rng.random() < 0.5 else 0
        total = sum(int(values[f"applications.{r}.{col.key}"]) for r in results)
        values[f"applications.results_total.{col.key}"] = total
        forward = rng.randint(0, 30)
        carried = rng.randint(0, min(30, total + forward))
        values[f"applications.carried_forward.{col.key}"] = forward
        values[f"applications.carried_over.{col.key}"] = carried
        values[f"applications.new.{col.key}"] = total + forward - carried
    for r in rows:
        values[f"applications.{r}.total"] = sum(values[f"applications.{r}.{c.key}"] for c in block.columns[:-1])
    t4 = template.table("appeals")
    for row in t4.blocks[0].rows:
        parts = [rng.randint(0, 40) if rng.random() < 0.5 else 0 for _ in range(4)]
        for col, v in zip(t4.blocks[0].columns[:-1], parts, strict=True):
            values[f"appeals.{row.key}.{col.key}"] = v
        values[f"appeals.{row.key}.total"] = sum(parts)
    return values


def _fmt(v: int | float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _title(agency: str, year: int) -> list[str]:
    return [f"{agency}{year}年政府信息公开工作年度报告", "", PREFACE.format(y=year), ""]


def _section(template: Template, no: int, year: int) -> list[str]:
    sec = template.sections[no - 1]
    head = f"{'一二三四五六'[no - 1]}、{sec.title}"
    body = PROSE.get(no)
    return [head, body.format(y=year, n=123) if body else ""]


def _table_rows(table: Table) -> list[tuple[str | None, str, list[str]]]:
    """(group label, row label, cell keys) for each data row; T4 as one row."""
    if table.layout == "flat":
        block = table.blocks[0]
        return [(None, "", [table.cell_key(r, c) for r in block.rows for c in block.columns])]
    out = []
    for block in table.blocks:
        for row in block.rows:
            out.append((row.group, row.label, [table.cell_key(row, c) for c in block.columns]))
    return out


def _headers(table: Table) -> list[str]:
    words: list[str] = []
    if table.note:
        words.append(table.note)
    if table.column_header:
        words.append(table.column_header)
    words += [g.label for g in table.column_groups]
    if table.layout == "flat":
        words += [r.label for r in table.blocks[0].rows]
    words += [c.label for c in table.blocks[0].columns]
    return words


def layout_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """pdftotext -layout style: label on the left, numbers spaced on the right, long labels
    wrapped with their second line printed after the numbers, group labels in a left column."""
    lines = _title(agency, year)
    for no in range(1, 7):
        lines += _section(template, no, year)
        table = next((t for t in template.tables if t.section == no), None)
        if table is None:
            continue
        if table.layout == "flat":
            lines.append("    ".join(_headers(table)))
            lines.append("   ".join(_fmt(values[k]) for k in _table_rows(table)[0][2]))
            continue
        lines.append("   ".join(_headers(table)))
        for block in table.blocks:
            if block.label:
                lines.append(block.label)
                lines.append("信息内容   " + "   ".join(c.label for c in block.columns))
            for row in block.rows:
                nums = "     ".join(_fmt(values[table.cell_key(row, c)]) for c in block.columns)
                group = (row.group or "")[:3]
                if len(row.label) > 14:
                    lines.append(f"{group:<6}{row.label[:14]:<30}{nums}")
                    lines.append(f"{'':<6}{row.label[14:]}")
                else:
                    lines.append(f"{group:<6}{row.label:<30}{nums}")
    return "\n".join(lines) + "\n"


def cells_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """Word text: one cell per line behind a tab, a blank line after each row, labels broken."""
    lines = _title(agency, year)
    for no in range(1, 7):
        lines += _section(template, no, year)
        table = next((t for t in template.tables if t.section == no), None)
        if table is None:
            continue
        for word in _headers(table):
            lines.append("\t" + "\n".join(word[i : i + 2] for i in range(0, len(word), 2)))
        lines.append("")
        for block in table.blocks if table.layout != "flat" else ():
            if block.label:
                lines += ["\t" + block.label, "", "\t信息内容"] + ["\t" + c.label for c in block.columns] + [""]
            for row in block.rows:
                lines.append("\t" + row.label[:10] + ("\n" + row.label[10:] if len(row.label) > 10 else ""))
                lines += ["\t" + _fmt(values[table.cell_key(row, c)]) for c in block.columns]
                lines.append("")
        if table.layout == "flat":
            lines += ["\t" + _fmt(values[k]) for k in _table_rows(table)[0][2]]
    return "\n".join(lines) + "\n"


def pipe_markdown(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """Markdown with pipe tables, group labels repeated in their own columns."""
    lines = [f"# {agency}{year}年政府信息公开工作年度报告", "", PREFACE.format(y=year), ""]
    for no in range(1, 7):
        head, body = _section(template, no, year)
        lines += [f"## {head}", "", body, ""]
        table = next((t for t in template.tables if t.section == no), None)
        if table is None:
            continue
        if table.layout == "flat":
            keys = _table_rows(table)[0][2]
            block = table.blocks[0]
            lines.append("| " + " | ".join(f"{r.label}{c.label}" for r in block.rows for c in block.columns) + " |")
            lines.append("|" + "---|" * len(keys))
            lines.append("| " + " | ".join(_fmt(values[k]) for k in keys) + " |")
            lines.append("")
            continue
        for block in table.blocks:
            width = len(block.columns)
            lines.append("| " + (block.label or "") + " | | " + " | ".join(c.label for c in block.columns) + " |")
            lines.append("|---|---|" + "---|" * width)
            for row in block.rows:
                cells = [_fmt(values[table.cell_key(row, c)]) for c in block.columns]
                lines.append(f"| {row.group or ''} | {row.label} | " + " | ".join(cells) + " |")
            lines.append("")
    return "\n".join(lines) + "\n"


LAYOUTS = {"layout": layout_text, "cells": cells_text, "pipe": pipe_markdown}


# ---- harder layouts: what page text, converters and browsers make of real tables ------------------


def _rows_of(table: Table) -> list[tuple[str, list[str]]]:
    """(row label, cell keys) per data row, T4 as its three groups."""
    return [
        (row.label, [table.cell_key(row, c) for c in block.columns]) for block in table.blocks for row in block.rows
    ]


def _walk(template: Template, year: int, write_table: Callable[[Table], list[str]]) -> str:
    lines = _title("某某市某某局", year)
    for no in range(1, 7):
        lines += _section(template, no, year)
        table = next((t for t in template.tables if t.section == no), None)
        if table is not None:
            lines += write_table(table)
    return "\n".join(lines) + "\n"


def flattened_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """Page text with each row's cells run together into one string of digits after its label
    (行政许可3960181), and 表四's fifteen numbers in one run under its header."""

    def write(table: Table) -> list[str]:
        out = ["".join(_headers(table))]
        if table.layout == "flat":
            return [*out, "".join(_fmt(values[k]) for k in _table_rows(table)[0][2])]
        for label, keys in _rows_of(table):
            out.append(label + "".join(_fmt(values[k]) for k in keys))
        return out

    return _walk(template, year, write).replace("某某市某某局", agency)


def before_label_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """PDF text that prints each row's numbers on the line before its label (a label cell whose
    text sits lower than the numbers)."""

    def write(table: Table) -> list[str]:
        out = ["   ".join(_headers(table))]
        if table.layout == "flat":
            return [*out, "   ".join(_fmt(values[k]) for k in _table_rows(table)[0][2])]
        for label, keys in _rows_of(table):
            out += ["   ".join(_fmt(values[k]) for k in keys), label]
        return out

    return _walk(template, year, write).replace("某某市某某局", agency)


def numbered_columns_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """A table whose header has a row of column numbers (1 2 3 … 7) that the text repeats in
    front of every row's numbers."""

    def write(table: Table) -> list[str]:
        out = ["   ".join(_headers(table))]
        if table.layout == "flat":
            return [*out, "   ".join(_fmt(values[k]) for k in _table_rows(table)[0][2])]
        for label, keys in _rows_of(table):
            numbering = " ".join(str(i) for i in range(1, len(keys) + 1)) if len(keys) >= 3 else ""
            out.append(f"{label}   {numbering}   " + "   ".join(_fmt(values[k]) for k in keys))
        return out

    return _walk(template, year, write).replace("某某市某某局", agency)


def browser_copy_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """A browser's innerText of a page whose zero cells are left empty (a no-break space): cells
    joined by tabs, blank cells as U+00A0, group labels in their own cell on the first row."""

    def cell(v: int | float) -> str:
        return "\u00a0" if v == 0 else _fmt(v)

    def write(table: Table) -> list[str]:
        out = ["\t".join(_headers(table))]
        if table.layout == "flat":
            return [*out, "\t".join(cell(values[k]) for k in _table_rows(table)[0][2])]
        last_group = None
        for block in table.blocks:
            for row in block.rows:
                lead = [row.group] if row.group and row.group != last_group else []
                last_group = row.group
                keys = [table.cell_key(row, c) for c in block.columns]
                out.append("\t".join([*lead, row.label, *(cell(values[k]) for k in keys)]))
        return out

    return _walk(template, year, write).replace("某某市某某局", agency)


def merged_rows_markdown(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """Markdown as PDF-to-Markdown converters write it: long label cells pulled out of the table
    as loose lines before it, their rows left with numbers and no label, and pairs of rows merged
    on one line."""

    def write(table: Table) -> list[str]:
        if table.layout == "flat":
            keys = _table_rows(table)[0][2]
            head = "|" + "|".join(_headers(table)[:3]) + "|"
            return [head, "|---|---|---|", "|" + "|".join(_fmt(values[k]) for k in keys) + "|"]
        rows = _rows_of(table)
        loose = [label for label, _ in rows if len(label) > 12]
        out = [*loose, "", "|项目|" + "|".join(c.label for c in table.blocks[0].columns) + "|", "|---|---|"]
        i = 0
        while i < len(rows):
            label, keys = rows[i]
            nums = [_fmt(values[k]) for k in keys]
            if i + 1 < len(rows) and i % 3 == 1 and len(rows[i + 1][1]) == len(keys):
                nums += [_fmt(values[k]) for k in rows[i + 1][1]]
                i += 1
            shown = "" if len(label) > 12 else label
            out.append(f"|{shown}|" + "|".join(nums) + "|")
            i += 1
        return out

    return _walk(template, year, write).replace("某某市某某局", agency)


HARD_LAYOUTS = {
    "flattened": flattened_text,
    "before-label": before_label_text,
    "numbered-columns": numbered_columns_text,
    "browser-copy": browser_copy_text,
    "merged-rows-md": merged_rows_markdown,
}


def blank_columns_text(template: Template, values: dict[str, int | float], agency: str, year: int) -> str:
    """pdftotext -layout of a table whose zero cells are left empty: numbers right-aligned in fixed
    columns (display width, CJK two wide), nothing where a cell is empty."""

    def width(text: str) -> int:
        return sum(2 if "\u3000" <= ch <= "\uffef" or "\u4e00" <= ch <= "\u9fff" else 1 for ch in text)

    def row_line(label: str, nums: list[str]) -> str:
        head = label + " " * max(1, 60 - width(label))
        return head + "".join(n.rjust(10) for n in nums)

    def write(table: Table) -> list[str]:
        out = ["   ".join(_headers(table))]
        if table.layout == "flat":
            return [*out, "   ".join(_fmt(values[k]) for k in _table_rows(table)[0][2])]
        for label, keys in _rows_of(table):
            out.append(row_line(label, [_fmt(values[k]) if values[k] else "" for k in keys]).rstrip())
        return out

    return _walk(template, year, write).replace("某某市某某局", agency)


HARD_LAYOUTS["blank-columns"] = blank_columns_text
