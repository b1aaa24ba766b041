"""Reports as research data (issue 17): the variables that mean the same in every template version
(one name across 2019 and 2021, with a crosswalk and flags where they do not), and the derived
measures with their 口径 — each value either read with certainty or empty with the reason.

Data, not code: variables.yaml holds the exceptions to "a shared cell key is one variable";
measures.yaml the measures. Both are checked against the templates when loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from nianbao.packaged import load_yaml
from nianbao.report import Number, Report
from nianbao.template import Template, available, load

__all__ = [
    "CellState",
    "Measure",
    "Reading",
    "Variable",
    "cell_states",
    "measure_readings",
    "measure_values",
    "measures",
    "number_of",
    "variable_readings",
    "variable_values",
    "variables",
]

# a cell whose number counts: read, read by OCR with enough confidence, or left blank (0)
KNOWN = frozenset({"ok", "ocr", "blank"})
ReadingStatus = Literal["ok", "unread", "not_in_format", "zero_denominator"]


@dataclass(frozen=True)
class Variable:
    name: str  # applications_new_total
    label: str  # 表三“一、本年新收政府信息公开申请数量”行“总计”列
    unit: str  # 件, 万元, …
    kind: str  # count | decimal | signed
    cells: dict[str, tuple[str, ...]]  # template version → the cells summed
    comparable: bool  # the same meaning in every version that has it
    note: str | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    definition: str  # the 口径, in Chinese


@dataclass(frozen=True)
class Reading:
    """A variable's or measure's value in one report; None with the reason when not certain."""

    value: Number | None
    status: ReadingStatus
    reason: str | None = None


def _data(name: str) -> Any:
    return load_yaml(__package__, name)


def _unit(template: Template, key: str) -> tuple[str, str]:
    column = template.column(key)
    unit = {"as_written": "按报告所写", None: "件"}.get(column.unit, column.unit or "件")
    return unit, column.kind


@cache
def variables() -> tuple[Variable, ...]:
    """Every research variable, in the newest template's cell order, then the older versions' own."""
    data = _data("variables.yaml")
    versions = available()
    summed = _sums(data.get("sums") or [])
    taken = {key for v in summed for keys in v.cells.values() for key in keys}
    out: dict[str, Variable] = {}
    for version in versions:
        template = load(version)
        for key in template.cell_keys():
            name = key.replace(".", "_")
            if key in taken or name in out:
                continue
            cells: dict[str, tuple[str, ...]] = {v: (key,) for v in versions if key in load(v).cell_keys()}
            unit, kind = _unit(template, key)
            out[name] = Variable(name, template.describe(key), unit, kind, cells, True)
    for v in summed:
        out[v.name] = v
    for note in data.get("notes") or []:
        for name in note["variables"]:
            if name not in out:
                raise ValueError(f"variables.yaml: a note names no variable: {name}")
            v = out[name]
            out[name] = Variable(v.name, v.label, v.unit, v.kind, v.cells, bool(note["comparable"]), note["note"])
    return tuple(out.values())


def _sums(entries: list[dict[str, Any]]) -> list[Variable]:
    out: list[Variable] = []
    newest = load(available()[0])
    for e in entries:
        table = newest.table(e["columns_of"])
        for column in table.blocks[0].columns:
            cells = {str(v): tuple(k.format(column=column.key) for k in keys) for v, keys in e["cells"].items()}
            for version, keys in cells.items():
                missing = [k for k in keys if k not in load(version).cell_keys()]
                if missing:
                    raise ValueError(f"variables.yaml: template {version} has no cells {missing}")
            first = cells[newest.version][0]
            unit, kind = _unit(newest, first)
            label = f"{table.name}“{e['label']}”行“{column.label}”列"
            name = e["variable"].format(column=column.key)
            out.append(Variable(name, label, unit, kind, cells, True, e.get("note")))
    return out


@cache
def measures() -> tuple[Measure, ...]:
    """Every derived measure, its cells checked to exist in every template version."""
    out: list[Measure] = []
    for m in _data("measures.yaml")["measures"]:
        if "each" in m:
            each = m["each"]
            template = load(available()[0])
            table = template.table(each["table"])
            rows = [r for r in table.all_rows() if r.group == each["group"]]
            every = tuple(table.cell_key(r, template.column(f"{table.key}.{r.key}.{each['column']}")) for r in rows)
            for r, key in zip(rows, every, strict=True):
                fill = {"row": r.key, "label": r.label}
                out.append(
                    Measure(
                        m["name"].format(**fill),
                        m["label"].format(**fill),
                        (key,),
                        every,
                        m["definition"].format(**fill),
                    )
                )
        else:
            out.append(Measure(m["name"], m["label"], tuple(m["numerator"]), tuple(m["denominator"]), m["definition"]))
    for version in available():
        keys = set(load(version).cell_keys())
        for measure in out:
            missing = [k for k in (*measure.numerator, *measure.denominator) if k not in keys]
            if missing:
                raise ValueError(f"measures.yaml: {measure.name}: template {version} has no cells {missing}")
    return tuple(out)


# a cell as the readings need it: its value (None when not read) and its status
CellState = tuple[Number | None, str]


def cell_states(report: Report) -> dict[str, CellState]:
    """The report's cells as (value, status); a value without provenance counts as read."""
    out: dict[str, CellState] = {}
    for key, value in report.values.items():
        prov = report.provenance.get(key)
        out[key] = (value, prov.status if prov is not None else ("ok" if value is not None else "missing"))
    return out


def number_of(state: CellState) -> Number | None:
    """A cell's number when it is certain (read, read by OCR with enough confidence, or left blank:
    0); None when it is not."""
    value, status = state
    if status not in KNOWN or (value is None and status != "blank"):
        return None
    return value or 0


def _sum(cells: Mapping[str, CellState], keys: tuple[str, ...]) -> tuple[Number | None, list[str]]:
    """The sum of the cells, and the cells whose number is not certain (then the sum is None)."""
    unread = []
    total: Number = 0
    for key in keys:
        number = number_of(cells.get(key, (None, "missing")))
        if number is None:
            unread.append(key)
        else:
            total += number
    return (None if unread else total), unread


def variable_readings(version: str | None, cells: Mapping[str, CellState]) -> dict[str, Reading]:
    """Every variable's value in a report of template ``version`` with these cells."""
    out: dict[str, Reading] = {}
    for v in variables():
        keys = v.cells.get(version or "")
        if keys is None:
            out[v.name] = Reading(None, "not_in_format", f"{version}年格式无此项")
            continue
        total, unread = _sum(cells, keys)
        out[v.name] = (
            Reading(total, "ok") if total is not None else Reading(None, "unread", "未读出：" + "、".join(unread))
        )
    return out


def measure_readings(cells: Mapping[str, CellState]) -> dict[str, Reading]:
    """Every measure's value: only where every cell is certain and the denominator is above 0."""
    out: dict[str, Reading] = {}
    for m in measures():
        top, unread_top = _sum(cells, m.numerator)
        bottom, unread_bottom = _sum(cells, m.denominator)
        if top is None or bottom is None:
            out[m.name] = Reading(None, "unread", "未读出：" + "、".join(dict.fromkeys(unread_top + unread_bottom)))
        elif bottom <= 0:
            out[m.name] = Reading(None, "zero_denominator", "分母为0")
        else:
            out[m.name] = Reading(top / bottom, "ok")
    return out


def variable_values(report: Report) -> dict[str, Reading]:
    """Every variable's value in the report (its template version's cells)."""
    return variable_readings(report.template, cell_states(report))


def measure_values(report: Report) -> dict[str, Reading]:
    """Every measure's value in the report."""
    return measure_readings(cell_states(report))


def codebook() -> list[dict[str, str]]:
    """One row per variable and measure: its name, Chinese label, unit, the cells of each template
    version (the crosswalk), whether it is comparable across versions, and its 口径."""
    versions = available()
    rows: list[dict[str, str]] = []
    for v in variables():
        row = {"name": v.name, "kind": "variable", "label": v.label, "unit": v.unit, "type": v.kind}
        for version in versions:
            row[f"cells_{version}"] = " + ".join(v.cells.get(version, ()))
        row["comparable"] = "yes" if v.comparable and len(v.cells) == len(versions) else "no"
        row["definition"] = v.note or ("" if len(v.cells) == len(versions) else f"仅{'、'.join(v.cells)}年格式有此项")
        rows.append(row)
    for m in measures():
        row = {"name": m.name, "kind": "measure", "label": m.label, "unit": "比例（0–1）", "type": "ratio"}
        for version in versions:
            row[f"cells_{version}"] = f"({' + '.join(m.numerator)}) / ({' + '.join(m.denominator)})"
        row["comparable"] = "yes"
        row["definition"] = m.definition
        rows.append(row)
    return rows


def codebook_markdown() -> str:
    """docs/codebook.md: the codebook as a table (``tests/test_dataset.py`` keeps the file current)."""
    rows = codebook()
    head = list(rows[0])
    lines = [
        "# Codebook: research variables and measures",
        "",
        "Generated by `nianbao.dataset.codebook_markdown()`; do not edit by hand. Variables are the cells",
        "of the official tables, one name across the 2019 and 2021 formats where they mean the same",
        "(`comparable`); measures are ratios computed only where every cell was read and the",
        "denominator is above 0. Data: `src/nianbao/dataset/variables.yaml`, `measures.yaml`.",
        "",
        "| " + " | ".join(head) + " |",
        "| " + " | ".join("---" for _ in head) + " |",
    ]
    lines += ["| " + " | ".join(r[h].replace("|", "\\|") for h in head) + " |" for r in rows]
    return "\n".join(lines) + "\n"
