"""Arithmetic of the tables (spec §4.1–4.3).

The equations are the template's relations (``Template.equations()``); this module only
evaluates them, names the numbers and the place, and adds the checks that are about one
cell at a time (non-negative integers, the 万元 unit, who may issue 规章).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checks.base import Context, Rule, fmt, load_data, rows_with, table_name
from nianbao.checks.crossyear import PREV_ITEMS
from nianbao.report import Finding, Location, Number
from nianbao.template import Equation, Template

BALANCE = Rule("app.balance", "error", "表三各列：第一项加第二项之和等于第三项加第四项之和", "arithmetic")
RESULTS_SUM = Rule("app.results_sum", "error", "表三各列：（七）总计等于各项办理结果之和", "arithmetic")
ROW_TOTAL = Rule("app.row_total", "error", "表三各行：总计列等于自然人与法人或其他组织各列之和", "arithmetic")
NONNEG_APP = Rule("app.nonneg_int", "error", "表三每格为非负整数", "arithmetic")
BLANK_TOTAL = Rule("app.blank_total", "warning", "表三总计未填（或只填总计、分列未填），不能核对", "arithmetic")
RESULTS_LE = Rule(
    "app.results_le_available", "error", "表三各列：办理结果总计、结转下年度均不超过第一项加第二项之和", "arithmetic"
)
GROUP_TOTAL = Rule(
    "appeals.group_total", "error", "表四各组：总计等于结果维持、结果纠正、其他结果、尚未审结之和", "arithmetic"
)
NONNEG_APPEALS = Rule("appeals.nonneg_int", "error", "表四每格为非负整数", "arithmetic")
NONNEG_ACTIVE = Rule("active.nonneg", "error", "表二件数为非负整数，收费金额不为负", "arithmetic")
FEES_UNIT = Rule("active.fees_unit", "info", "表二收费金额应以万元填报，疑似按元填写", "arithmetic")
ISSUER = Rule("active.regulations_issuer", "warning", "县级及以下机关无规章制定权，表二规章件数应为0", "arithmetic")
CHANGE_SIGN = Rule(
    "active19.change_sign", "error", "表二（2019年试行格式）各行：上一年项目数量加本年增/减不为负", "arithmetic"
)
PUBLISHED_LE_TOTAL = Rule(
    "active19.published_le_total", "warning", "表二（2019年试行格式）：本年新公开数量不超过对外公开总数量", "arithmetic"
)

RULES: tuple[Rule, ...] = (
    BALANCE,
    RESULTS_SUM,
    ROW_TOTAL,
    NONNEG_APP,
    BLANK_TOTAL,
    RESULTS_LE,
    GROUP_TOTAL,
    NONNEG_APPEALS,
    NONNEG_ACTIVE,
    FEES_UNIT,
    ISSUER,
    CHANGE_SIGN,
    PUBLISHED_LE_TOTAL,
)
_BY_ID = {r.id: r for r in RULES}
_NONNEG = {"applications": NONNEG_APP, "appeals": NONNEG_APPEALS, "active": NONNEG_ACTIVE}
# equations of this table whose one-cell side may be left blank: "总计未填", not "不平衡"
_BLANKABLE_TABLE = "applications"
_EPS = 1e-9


def check(ctx: Context) -> Iterator[Finding]:
    yield from _equations(ctx)
    yield from _nonneg(ctx)
    yield from _fees_unit(ctx)
    yield from _issuer(ctx)
    yield from _change_sign(ctx)
    yield from _published_le_total(ctx)


# -- equations -------------------------------------------------------------------


def _equations(ctx: Context) -> Iterator[Finding]:
    for eq in ctx.template.equations():
        keys = (*eq.lhs, *eq.rhs)
        if not all(ctx.usable(k) for k in keys):
            continue  # an unread cell is struct.unreadable's, never an arithmetic alarm
        left, right = ctx.total(eq.lhs), ctx.total(eq.rhs)
        blank = _blank_side(ctx, eq, left, right)
        if blank is not None:
            yield blank
            continue
        if abs(left - right) > _EPS:
            rule = _BY_ID.get(eq.rule) or Rule(eq.rule, "error", eq.description, "arithmetic")
            lname, rname = _side_names(ctx.template, eq)
            message = f"{_place(ctx.template, eq)}：{lname}（{fmt(left)}）不等于{rname}（{fmt(right)}）"
            doubt = _reading_doubt(ctx, eq, abs(left - right))
            if doubt:
                yield rule.finding(f"{message}；{doubt}", keys, _focus_loc(ctx, eq), "warning", "reading")
            else:
                yield rule.finding(message, keys, _focus_loc(ctx, eq))
        if eq.rule == BALANCE.id and all(ctx.value(k) >= 0 for k in keys):
            yield from _not_above_available(ctx, eq, left)


def _reading_doubt(ctx: Context, eq: Equation, gap: Number) -> str | None:
    """Why an equation that does not hold may be a reading gap rather than the report's fault: a
    cell of it read as blank while a number of the table was left over (an extra row's, or one that
    could not be placed) that would close the gap."""
    blanks = [k for k in (*eq.lhs, *eq.rhs) if ctx.status(k) == "blank"]
    if not blanks:
        return None
    leftover = [v for row in ctx.report.extra_rows if row.get("table") == eq.table for v in row.get("values") or []]
    for k in ctx.template.cell_keys():
        prov = ctx.report.provenance.get(k)
        if k.startswith(eq.table + ".") and prov is not None and prov.status == "unreadable":
            leftover += [v for cand in prov.candidates or [] for v in cand.values()]
    if not any(isinstance(v, int | float) and abs(v - gap) <= _EPS for v in leftover):
        return None
    label = _label(ctx.template, eq, blanks[0])
    return f"其中“{label}”读作空白，而表中有未能对应的数字{fmt(gap)}，可能是读取问题，未作为报告问题"


def _blank_side(ctx: Context, eq: Equation, left: Number, right: Number) -> Finding | None:
    """总计 left blank while the parts are filled (or only 总计 filled): say so instead of
    reporting an imbalance that is only a form not filled in."""
    if eq.table != _BLANKABLE_TABLE or abs(left - right) <= _EPS:
        return None
    place = _place(ctx.template, eq)
    for single, other_sum in ((eq.lhs, right), (eq.rhs, left)):
        if len(single) == 1 and ctx.status(single[0]) == "blank" and other_sum != 0:
            label = _label(ctx.template, eq, single[0])
            return BLANK_TOTAL.finding(
                f"{place}：“{label}”未填，而其余各格之和为{fmt(other_sum)}（总计未填，无法核对）",
                (*eq.lhs, *eq.rhs),
                ctx.loc(single[0]),
            )
    for single, other, single_sum in ((eq.lhs, eq.rhs, left), (eq.rhs, eq.lhs, right)):
        if len(single) == 1 and len(other) > 1 and single_sum != 0 and all(ctx.status(k) == "blank" for k in other):
            label = _label(ctx.template, eq, single[0])
            return BLANK_TOTAL.finding(
                f"{place}：只填了“{label}”（{fmt(single_sum)}），其余各格均未填（分列未填，无法核对）",
                (*eq.lhs, *eq.rhs),
                ctx.loc(other[0]),
            )
    return None


def _not_above_available(ctx: Context, eq: Equation, available: Number) -> Iterator[Finding]:
    """Each outcome of the balance (办理结果总计, 结转下年度) is at most what was to be handled."""
    lname, _ = _side_names(ctx.template, eq)
    for key in eq.rhs:
        v = ctx.value(key)
        if v - available > _EPS:
            yield RESULTS_LE.finding(
                f"{_place(ctx.template, eq)}：“{_label(ctx.template, eq, key)}”（{fmt(v)}）"
                f"大于{lname}（{fmt(available)}）",
                (key, *eq.lhs),
                ctx.loc(key),
            )


def _is_column_equation(eq: Equation) -> bool:
    """True when the equation runs down one column (its keys share the column ``along``)."""
    return eq.lhs[0].split(".")[2] == eq.along


def _place(template: Template, eq: Equation) -> str:
    table = template.table(eq.table)
    if _is_column_equation(eq):
        col = template.column(eq.lhs[0])
        return f"{table_name(table)}“{col.label}”列"
    row = template.row(eq.lhs[0])
    return f"{table_name(table)}“{row.label}”{'组' if table.layout == 'flat' else '行'}"


def _label(template: Template, eq: Equation, key: str) -> str:
    """The label that tells this cell apart within its equation (row label down a column)."""
    if _is_column_equation(eq):
        row = template.row(key)
        return row.head or row.label
    return template.column(key).label


def _side_names(template: Template, eq: Equation) -> tuple[str, str]:
    """How the message names each side: the cell's label for a one-cell side, the
    relation's own wording (split at 等于) for a sum."""
    halves = eq.description.split("等于", 1)
    names: list[str] = []
    for i, side in enumerate((eq.lhs, eq.rhs)):
        if len(side) == 1:
            names.append(_label(template, eq, side[0]))
        elif len(halves) == 2:
            names.append(halves[i])
        else:
            names.append("、".join(_label(template, eq, k) for k in side) + "之和")
    return names[0], names[1]


def _focus_loc(ctx: Context, eq: Equation) -> Location:
    """Where to look: the one-cell side (a 总计), else the first cell of the equation."""
    for side in (eq.lhs, eq.rhs):
        if len(side) == 1:
            return ctx.loc(side[0])
    return ctx.loc(eq.lhs[0])


# -- one cell at a time ------------------------------------------------------------


def _nonneg(ctx: Context) -> Iterator[Finding]:
    for table in ctx.template.tables:
        rule = _NONNEG.get(table.key)
        if rule is None:
            continue
        for _block, _row, col, key in table.cells():
            if col.kind == "signed" or ctx.status(key) != "ok" or ctx.report.values.get(key) is None:
                continue
            v = ctx.value(key)
            bad = v < 0 or (col.kind == "count" and not float(v).is_integer())
            if bad:
                raw = _raw(ctx, key)
                want = "非负整数" if col.kind == "count" else "非负数"
                yield rule.finding(f"{ctx.template.describe(key)}：“{raw}”不是{want}", [key], ctx.loc(key))


def _raw(ctx: Context, key: str) -> str:
    prov = ctx.report.provenance.get(key)
    return prov.raw if prov is not None and prov.raw is not None else fmt(ctx.report.values.get(key))


def _fees_unit(ctx: Context) -> Iterator[Finding]:
    limit = float(ctx.params["fees_unit_max_wan"])
    for table in ctx.template.tables:
        for _block, _row, col, key in table.cells():
            if col.unit != "万元" or not ctx.usable(key):
                continue
            raw = _raw(ctx, key)
            v = ctx.value(key)
            if "元" in raw and "万" not in raw:
                yield FEES_UNIT.finding(
                    f"{ctx.template.describe(key)}：填写为“{raw}”，本栏单位为万元，请换算后填报", [key], ctx.loc(key)
                )
            elif v >= limit:
                yield FEES_UNIT.finding(
                    f"{ctx.template.describe(key)}：{fmt(v)}万元（即{fmt(v / 10000)}亿元）数额异常，疑似按元填写",
                    [key],
                    ctx.loc(key),
                )


def _issuer(ctx: Context) -> Iterator[Finding]:
    agency = ctx.report.agency
    if not agency or not re.search(load_data("phrases.yaml")["county_level"], agency):
        return
    prefix = str(ctx.params["regulations_row"]) + "."
    nonzero = [k for k in ctx.template.cell_keys() if k.startswith(prefix) and ctx.usable(k) and ctx.value(k) > 0]
    if not nonzero:
        return
    parts = "，".join(f"“{ctx.template.column(k).label}”为{fmt(ctx.value(k))}" for k in nonzero)
    row = ctx.template.row(nonzero[0])
    table = ctx.template.table(nonzero[0].split(".")[0])
    siblings = [r.label for r in table.block_of(row.key).rows if r.key != row.key]
    hint = f"，请核实是否应填在“{siblings[0]}”行" if siblings else "，请核实"
    yield ISSUER.finding(
        f"{table_name(table)}“{row.label}”行：{parts}；“{agency}”为县级及以下机关，没有规章制定权{hint}",
        nonzero,
        ctx.loc(nonzero[0]),
    )


# -- 2019 format: T2 items and documents (the rows that have these columns) --------------


def _change_sign(ctx: Context) -> Iterator[Finding]:
    """上一年项目数量 + 本年增/减 is this year's number of items: it cannot be negative. The cells
    are those the template's cross-year relation xyear.prev_items carries into next year."""
    for x in ctx.template.cross_year:
        if x.rule != PREV_ITEMS.id:
            continue
        before, change = x.last_keys
        if not (ctx.usable(before) and ctx.usable(change)):
            continue
        now = ctx.value(before) + ctx.value(change)
        if now >= 0:
            continue
        yield CHANGE_SIGN.finding(
            f"{table_name(ctx.template.table(before.split('.')[0]))}“{ctx.template.row(before).label}”行："
            f"“{ctx.template.column(before).label}”{fmt(ctx.value(before))}"
            f"加“{ctx.template.column(change).label}”{fmt(ctx.value(change))}为{fmt(now)}，项目数量不能为负",
            [before, change],
            ctx.loc(change),
        )


def _published_le_total(ctx: Context) -> Iterator[Finding]:
    """What was newly made public this year is part of what is public in all."""
    spec = ctx.params["public"]
    table = ctx.template.table(spec["table"])
    for row in rows_with(table, spec["part"], spec["whole"]):
        part, whole = (f"{table.key}.{row.key}.{spec[n]}" for n in ("part", "whole"))
        if not (ctx.usable(part) and ctx.usable(whole)) or ctx.value(part) - ctx.value(whole) <= _EPS:
            continue
        yield PUBLISHED_LE_TOTAL.finding(
            f"{table_name(table)}“{row.label}”行：“{ctx.template.column(part).label}”（{fmt(ctx.value(part))}）"
            f"大于“{ctx.template.column(whole).label}”（{fmt(ctx.value(whole))}）",
            [part, whole],
            ctx.loc(part),
        )
