"""Two consecutive reports of one agency (spec §4.6): the carry-over of requests, the
stock of documents in force (2021) or of items and public documents (2019 format), and
prose copied from last year (内容雷同). A rule compares a cell only when both years'
templates have it, so measures that differ between the formats are never compared."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from nianbao.checks.base import Context, Rule, fmt, line_loc, report_template, rows_with, table_name
from nianbao.extract.history import same_agency
from nianbao.numbering import cn_numeral
from nianbao.report import Finding, Report
from nianbao.template import CrossYear

CARRY = Rule("xyear.carry", "error", "本年“上年结转”各列等于上年报告“结转下年度继续办理”各列", "crossyear")
IN_FORCE = Rule("xyear.in_force", "warning", "现行有效件数 = 上年现行有效件数 + 本年制发 − 本年废止", "crossyear")
PREV_ITEMS = Rule(
    "xyear.prev_items",
    "warning",
    "2019年试行格式：上一年项目数量 = 上年报告上一年项目数量 + 上年本年增/减",
    "crossyear",
)
PUBLIC_TOTAL = Rule(
    "xyear.public_total", "info", "2019年试行格式：对外公开总数量不少于上年报告的对外公开总数量", "crossyear"
)
IDENTICAL = Rule("xyear.identical", "warning", "正文与上年报告高度雷同（内容雷同），或全部数字与上年相同", "crossyear")

COMPARED = Rule("xyear.compared", "info", "与上年报告核对的结果，或未能核对的原因", "crossyear")

RULES: tuple[Rule, ...] = (CARRY, IN_FORCE, PREV_ITEMS, PUBLIC_TOTAL, IDENTICAL, COMPARED)
_WS = re.compile(r"[\s\u3000\u00a0]+")
_DIGITS = re.compile(r"\d+")


def pick_previous(report: Report, history: Iterable[Report]) -> Report | None:
    """Last year's report among earlier reports: the one whose year is this year − 1, of
    the same agency (a report of another named agency is never taken; one whose agency is
    unknown only when no report names this agency)."""
    if report.year is None:
        return None
    found = [r for r in history if r.year == report.year - 1]
    same = [r for r in found if report.agency and r.agency and same_agency(r.agency, report.agency)]
    unknown = [r for r in found if not (report.agency and r.agency)]
    chosen = same or unknown
    return chosen[0] if chosen else None


def check(ctx: Context) -> Iterator[Finding]:
    prev = ctx.previous
    if prev is None:
        return
    this_year, last_year = ctx.report.year, prev.year
    if this_year is not None and last_year is not None and last_year != this_year - 1:
        yield CARRY.finding(
            f"作为上年报告的文件（{prev.source.path}）是{last_year}年度报告，不是{this_year - 1}年度，未做跨年度比对",
            [],
            {},
            severity="info",
        )
        return
    last = Context(report=prev, template=report_template(prev), params=ctx.params)
    found = [*_carry(ctx, last), *_in_force(ctx, last), *_prev_items(ctx, last)]
    yield from found
    yield from _public_total(ctx, last)
    yield from _identical(ctx, last)
    yield _compared(ctx, last, {f.rule for f in found})


_RELATION_ZH = {CARRY.id: "上年结转", IN_FORCE.id: "现行有效件数", PREV_ITEMS.id: "上一年项目数量"}


def _compared(ctx: Context, last: Context, differing: set[str]) -> Finding:
    """What the comparison with last year's report covered, so that a reviewer knows it ran."""
    where = f"与上年（{last.report.year}年）报告（{last.report.source.path}）核对"
    compared = [
        x.rule
        for x in ctx.template.cross_year
        if last.has_key(x.this_key)
        and all(last.has_key(k) for k in x.last_keys)
        and ctx.usable(x.this_key)
        and all(last.usable(k) for k in x.last_keys)
    ]
    names = [_RELATION_ZH.get(r, r) for r in dict.fromkeys(compared)]
    if not names:
        return COMPARED.finding(f"{where}：两年报告中可比的单元格未能读出，未能核对结转等跨年度关系")
    same = [n for r, n in zip(dict.fromkeys(compared), names, strict=True) if r not in differing]
    differ = [n for r, n in zip(dict.fromkeys(compared), names, strict=True) if r in differing]
    parts = []
    if same:
        parts.append(f"{'、'.join(same)}一致")
    if differ:
        parts.append(f"{'、'.join(differ)}不一致（见上）")
    return COMPARED.finding(f"{where}：{'；'.join(parts)}")


def not_compared(report: Report) -> Finding:
    """Other reports were given, but none is this agency's of the year before."""
    year = f"{report.year - 1}年度" if report.year is not None else "上一年度"
    return COMPARED.finding(f"所给的其他报告中没有本机关{year}的报告，未做跨年度核对")


def _prev_where(last: Context, key: str) -> str:
    line = last.loc(key).get("line")
    return f"（上年报告第{line}行）" if line else ""


def _relations(ctx: Context, last: Context, rule: Rule) -> Iterator[CrossYear]:
    """The template's cross-year relations of ``rule`` whose cells last year's report has: a cell
    is compared only when both years' templates have it."""
    for x in ctx.template.cross_year:
        if x.rule == rule.id and all(last.has_key(k) for k in x.last_keys):
            yield x


def _carry(ctx: Context, last: Context) -> Iterator[Finding]:
    agency_this, agency_last = ctx.report.agency, last.report.agency
    renamed = bool(agency_this and agency_last and not same_agency(agency_this, agency_last))
    for x in _relations(ctx, last, CARRY):
        key = x.this_key
        if not (ctx.usable(key) and all(last.usable(k) for k in x.last_keys)):
            continue
        now, before = ctx.value(key), sum(last.value(k) for k in x.last_keys)
        if now == before:
            continue
        prev_key = x.last_keys[0]
        note = f"；两年机关名称不同（“{agency_last}”→“{agency_this}”），如系机构调整请说明" if renamed else ""
        yield CARRY.finding(
            f"{_table_of(ctx, key)}“{ctx.template.column(key).label}”列：本年“{ctx.template.row(key).label}”为"
            f"{fmt(now)}，而上年（{last.report.year}年）报告“{last.template.row(prev_key).label}”为{fmt(before)}"
            f"{_prev_where(last, prev_key)}{note}",
            [key],
            ctx.loc(key),
            severity="warning" if renamed else None,
        )


def _in_force(ctx: Context, last: Context) -> Iterator[Finding]:
    for x in _relations(ctx, last, IN_FORCE):
        stock, moved = x.this_key, (*x.add, *x.subtract)
        if not all(ctx.usable(k) for k in (stock, *moved)) or not all(last.usable(k) for k in x.last_keys):
            continue
        before = sum(last.value(k) for k in x.last_keys)
        added, removed = sum(ctx.value(k) for k in x.add), sum(ctx.value(k) for k in x.subtract)
        expected = before + added - removed
        if ctx.value(stock) == expected:
            continue
        yield IN_FORCE.finding(
            f"{_table_of(ctx, stock)}“{ctx.template.row(stock).label}”行：“{ctx.template.column(stock).label}”为"
            f"{fmt(ctx.value(stock))}，而上年（{last.report.year}年）现行有效{fmt(before)}"
            f"{_prev_where(last, x.last_keys[0])}加本年制发{fmt(added)}减本年废止{fmt(removed)}应为{fmt(expected)}"
            f"（如有文件到期失效或重新清理，请在正文说明）",
            [stock, *moved],
            ctx.loc(stock),
        )


def _prev_items(ctx: Context, last: Context) -> Iterator[Finding]:
    """This year's 上一年项目数量 is last year's count moved by last year's 本年增/减; only
    between reports whose templates both have the two columns (never 2020 → 2021)."""
    for x in _relations(ctx, last, PREV_ITEMS):
        before, *moves = x.last_keys
        if not (ctx.usable(x.this_key) and all(last.usable(k) for k in x.last_keys)):
            continue
        expected = sum(last.value(k) for k in x.last_keys)
        if ctx.value(x.this_key) == expected:
            continue
        label = ctx.template.column(x.this_key).label
        added = "".join(f"加“{last.template.column(k).label}”{fmt(last.value(k))}" for k in moves)
        yield PREV_ITEMS.finding(
            f"{_table_of(ctx, x.this_key)}“{ctx.template.row(x.this_key).label}”行：“{label}”为"
            f"{fmt(ctx.value(x.this_key))}，而上年（{last.report.year}年）报告“{last.template.column(before).label}”"
            f"{fmt(last.value(before))}{_prev_where(last, before)}{added}应为{fmt(expected)}",
            [x.this_key],
            ctx.loc(x.this_key),
        )


def _table_of(ctx: Context, key: str) -> str:
    return table_name(ctx.template.table(key.split(".")[0]))


def _public_total(ctx: Context, last: Context) -> Iterator[Finding]:
    """对外公开总数量 accumulates: it does not fall below last year's. Compared only with a
    report whose template has the same column (2021's 现行有效件数 is another measure)."""
    spec = ctx.params["public"]
    table = ctx.template.table(spec["table"])
    for row in rows_with(table, spec["whole"]):
        whole, part = (f"{table.key}.{row.key}.{spec[n]}" for n in ("whole", "part"))
        if not (last.has_key(whole) and ctx.usable(whole) and last.usable(whole)):
            continue
        now, before = ctx.value(whole), last.value(whole)
        if now >= before:
            continue
        hint = ""
        if ctx.has_key(part) and ctx.usable(part):
            hint = (
                f"；按上年总数加本年“{ctx.template.column(part).label}”{fmt(ctx.value(part))}"
                f"约为{fmt(before + ctx.value(part))}"
            )
        yield PUBLIC_TOTAL.finding(
            f"{table_name(table)}“{row.label}”行：“{ctx.template.column(whole).label}”为{fmt(now)}，"
            f"少于上年（{last.report.year}年）报告的{fmt(before)}{_prev_where(last, whole)}{hint}",
            [whole],
            ctx.loc(whole),
        )


def shingles(text: str, n: int) -> set[str]:
    """Character n-grams of the prose, white space dropped and every number made '#',
    so that a text copied with only its years and figures changed still matches."""
    flat = _DIGITS.sub("#", _WS.sub("", text))
    return {flat[i : i + n] for i in range(max(len(flat) - n + 1, 0))}


def similarity(a: str, b: str, n: int) -> float:
    """Jaccard index of the two texts' shingles (0 = nothing shared, 1 = the same)."""
    sa, sb = shingles(a, n), shingles(b, n)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _identical(ctx: Context, last: Context) -> Iterator[Finding]:
    spec = ctx.params["identical"]
    n, threshold = int(spec["shingle"]), float(spec["threshold"])
    this_secs = {s.no: s for s in ctx.report.sections if s.no in spec["sections"]}
    last_text = {s.no: s.text for s in last.report.sections if s.no in spec["sections"]}
    common = [no for no in spec["sections"] if no in this_secs and no in last_text]
    joined_this = "\n".join(this_secs[no].text for no in common)
    joined_last = "\n".join(last_text[no] for no in common)
    if common and min(len(joined_this), len(joined_last)) >= int(spec["min_chars"]):
        whole = similarity(joined_this, joined_last, n)
        if whole >= threshold:
            parts = "、".join(
                f"{cn_numeral(no)}、{this_secs[no].title} {similarity(this_secs[no].text, last_text[no], n):.0%}"
                for no in common
            )
            yield IDENTICAL.finding(
                f"正文与上年（{last.report.year}年）报告相似度为{whole:.0%}（{parts}），"
                f"达到雷同标准{threshold:.0%}，疑为照抄上年报告",
                [],
                line_loc(this_secs[common[0]].loc),
            )
    yield from _same_numbers(ctx, last, int(spec["numbers_min_nonzero"]))


def _same_numbers(ctx: Context, last: Context, min_nonzero: int) -> Iterator[Finding]:
    keys = [k for k in ctx.template.cell_keys() if last.has_key(k) and ctx.usable(k) and last.usable(k)]
    nonzero = [k for k in keys if ctx.value(k) != 0]
    if len(nonzero) < min_nonzero or any(ctx.value(k) != last.value(k) for k in keys):
        return
    yield IDENTICAL.finding(
        f"三张表的全部{len(keys)}个数字与上年（{last.report.year}年）报告完全相同（其中{len(nonzero)}个不为0），"
        f"疑为沿用上年数据",
        [],
        ctx.loc(nonzero[0]),
    )
