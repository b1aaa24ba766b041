"""The report's shape (spec §4.4): its six sections, three tables and every cell, the
template version against the data year, the year and the agency of the title."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from nianbao.checks.base import Context, Rule, fmt, line_loc, load_data, location_of, table_name
from nianbao.checks.prose import sentence_loc, sentences
from nianbao.numbering import BRACKETED_CN, cn_numeral
from nianbao.report import Finding, Location
from nianbao.template import Row, Table, Template, available, load

SECTIONS = Rule("struct.sections", "error", "六个部分齐全，顺序正确", "structure")
TABLES = Rule("struct.tables", "error", "表二、表三、表四齐全，行列完整", "structure")
VERSION = Rule(
    "struct.version",
    "error",
    "表格格式与数据年度相符（2020年及以前为2019年试行格式，2021年起为2021年格式），不混用",
    "structure",
)
YEAR = Rule("struct.year", "error", "标题年度、统计期限年度与正文所写年度一致", "structure")
AGENCY = Rule("struct.agency", "warning", "标题写明机关名称", "structure")
EXTRA_ROWS = Rule("struct.extra_rows", "info", "表格中有全国统一格式以外的行或列", "structure")
UNREADABLE = Rule(
    "struct.unreadable", "warning", "表格中有未能读出的单元格（不参与计算，请核对原文）", "structure", scope="reading"
)
UNFILLED = Rule("struct.unfilled", "error", "表格已填写（表二、表三、表四不能全部空白）", "structure")
SEC6_FEE = Rule("sec6.fee", "warning", "第六部分说明信息处理费的收取情况", "structure")

RULES: tuple[Rule, ...] = (SECTIONS, TABLES, VERSION, YEAR, AGENCY, EXTRA_ROWS, UNREADABLE, UNFILLED, SEC6_FEE)
# formats whose tables are real grids: a row or table not found there is not there
_GRID_FORMATS = ("html", "docx", "xlsx")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")
_WS = re.compile(r"[\s\u3000]+")
CANDIDATES_SHOWN = 3


def check(ctx: Context) -> Iterator[Finding]:
    yield from _sections(ctx)
    yield from _tables(ctx)
    yield from _version(ctx)
    yield from _year(ctx)
    yield from _agency(ctx)
    yield from _extra_rows(ctx)
    yield from _sec6_fee(ctx)


def _section_loc(ctx: Context, no: int) -> Location:
    sec = ctx.section(no)
    return line_loc(sec.loc) if sec is not None else {}


def _sections(ctx: Context) -> Iterator[Finding]:
    found = [s.no for s in ctx.report.sections]
    missing = [sec for sec in ctx.template.sections if sec.no not in found]
    read_tables = {t.section for t in ctx.template.tables if not _table_unread(ctx, t)}
    # a heading that text extraction broke leaves a section unfound though its table was read:
    # then the sections not found may be nianbao's gap as well
    doubtful = any(sec.no in read_tables for sec in missing) or _has_gaps(ctx)
    for sec in missing:
        # where it should stand: before the next section found, else after the last one
        near = next((s for s in ctx.report.sections if s.no > sec.no), None) or next(
            (s for s in reversed(ctx.report.sections) if s.no < sec.no), None
        )
        loc = line_loc(near.loc) if near is not None else {}
        title = f"第{cn_numeral(sec.no)}部分“{cn_numeral(sec.no)}、{sec.title}”"
        if sec.no in read_tables:
            yield UNREADABLE.finding(f"未能识别{title}的标题（该部分的表格已读出）", [], loc)
        elif doubtful:
            yield UNREADABLE.finding(f"未能识别{title}（文字提取可能打乱了标题），未核对该部分", [], loc)
        else:
            yield SECTIONS.finding(f"缺少{title}", [], loc)
    for prev, cur in zip(ctx.report.sections, ctx.report.sections[1:], strict=False):
        if cur.no <= prev.no:
            yield SECTIONS.finding(
                f"第{cn_numeral(cur.no)}部分“{cur.title}”出现在第{cn_numeral(prev.no)}部分“{prev.title}”之后，顺序不对",
                [],
                line_loc(cur.loc),
            )


def _tables(ctx: Context) -> Iterator[Finding]:
    if _unfilled(ctx):
        yield UNFILLED.finding(
            "表格未填写：表二、表三、表四的单元格全部空白", [], _section_loc(ctx, ctx.template.tables[0].section)
        )
        return
    grid = ctx.report.source.format in _GRID_FORMATS
    for table in ctx.template.tables:
        keys = [k for *_, k in table.cells()]
        if all(ctx.status(k) == "missing" for k in keys):
            where = f"{table_name(table)}“{table.title}”（第{cn_numeral(table.section)}部分）"
            others = [k for k in ctx.template.cell_keys() if k not in keys]
            if grid or all(ctx.status(k) not in ("missing", "unreadable") for k in others):
                yield TABLES.finding(f"未找到{where}", keys, _section_loc(ctx, table.section))
            else:
                yield UNREADABLE.finding(
                    f"未能读出{where}（可能是表格为图片，或文字提取打乱了表格），未核对该表",
                    keys,
                    _section_loc(ctx, table.section),
                )
            continue
        collapsed = _collapsed_groups(ctx, table)
        for group, extra in collapsed.items():
            rows = [r for r in table.all_rows() if r.group == group]
            names = "、".join(f"“{r.label}”" for r in rows)
            values = "、".join(fmt(v) for v in extra.get("values") or [])
            yield TABLES.finding(
                f"{table_name(table)}“{group}”只填了一行（{values}），是2019年试行格式的写法，"
                f"未按2021年格式分列为{names}{len(rows)}行",
                [table.cell_key(r, c) for r in rows for c in table.block_of(r.key).columns],
                location_of(extra["loc"]) if isinstance(extra.get("loc"), dict) else _section_loc(ctx, table.section),
                severity="warning",
            )
        for block in table.blocks:
            for row in block.rows:
                row_keys = [table.cell_key(row, c) for c in block.columns]
                if row.group in collapsed:
                    continue
                if all(ctx.status(k) == "missing" for k in row_keys):
                    yield _missing_row(ctx, table, row, row_keys, grid)
                else:
                    yield from _unreadable(ctx, table, row, [(c.label, table.cell_key(row, c)) for c in block.columns])


def _collapsed_groups(ctx: Context, table: Table) -> dict[str, dict[str, Any]]:
    """Groups of rows (（六）其他处理) printed as the one row of the older format: every row of
    the group not found, and a row beyond the format labelled with the group's name in its place."""
    out: dict[str, dict[str, Any]] = {}
    groups = {r.group for r in table.all_rows() if r.group}
    for group in sorted(groups):
        rows = [r for r in table.all_rows() if r.group == group]
        keys = [table.cell_key(r, c) for r in rows for c in table.block_of(r.key).columns]
        if not all(ctx.status(k) == "missing" for k in keys):
            continue
        name = _WS.sub("", re.sub(f"^{BRACKETED_CN}", "", group))
        for extra in ctx.report.extra_rows:
            if extra.get("table") == table.key and name and name in _WS.sub("", str(extra.get("label") or "")):
                out[group] = extra
                break
    return out


def _table_unread(ctx: Context, table: Table) -> bool:
    return all(ctx.status(k) == "missing" for *_, k in table.cells())


def _has_gaps(ctx: Context) -> bool:
    """Whether nianbao failed to read part of the tables (a sign that the text came out of order)."""
    return any(ctx.status(k) in ("missing", "unreadable") for k in ctx.template.cell_keys())


def _unfilled(ctx: Context) -> bool:
    """Every cell of every table found and left empty (not a dash, not a 0): the blank official form."""
    keys = ctx.template.cell_keys()
    return all(
        ctx.status(k) == "blank" and not ((p := ctx.report.provenance.get(k)) is not None and (p.raw or "").strip())
        for k in keys
    )


def _missing_row(ctx: Context, table: Table, row: Row, row_keys: list[str], grid: bool) -> Finding:
    """A row not found is the report's fault only where the table was read cleanly (a real grid, or
    every other row of it read); otherwise it is what nianbao could not read."""
    others = [k for _b, r, _c, k in table.cells() if r.group != row.group or not row.group]
    others = [k for k in others if k not in row_keys]
    if grid or all(ctx.status(k) not in ("missing", "unreadable") for k in others):
        return TABLES.finding(
            f"{table_name(table)}缺少“{row.label}”{_row_word(table)}", row_keys, _section_loc(ctx, table.section)
        )
    return UNREADABLE.finding(
        f"{table_name(table)}未能读出“{row.label}”{_row_word(table)}（可能是文字提取打乱了表格），未核对其勾稽关系",
        row_keys,
        _section_loc(ctx, table.section),
    )


def _row_word(table: Table) -> str:
    return "组" if table.layout == "flat" else "行"


def _unreadable(ctx: Context, table: Table, row: Row, cols: list[tuple[str, str]]) -> Iterator[Finding]:
    """One finding per row for its cells that were not read (unreadable, or missing in a
    row that was found): they are left out of every sum."""
    bad = [(label, k) for label, k in cols if ctx.status(k) in ("unreadable", "missing")]
    if not bad:
        return
    raws = {(p.raw if (p := ctx.report.provenance.get(k)) is not None else None) for _l, k in bad}
    if len(bad) > 1 and len(raws) == 1 and None not in raws:
        parts = [f"{'、'.join(f'“{label}”' for label, _k in bad)}（原文“{raws.pop()}”）"]
    else:
        parts = []
        for label, k in bad:
            prov = ctx.report.provenance.get(k)
            raw = prov.raw if prov is not None else None
            parts.append(f"“{label}”（原文“{raw}”）" if raw else f"“{label}”（未找到）")
    notes = {p.note for _l, k in bad if (p := ctx.report.provenance.get(k)) is not None and p.note}
    place = f"{table_name(table)}“{row.label}”{_row_word(table)}"
    message = f"{place}：{'、'.join(parts)}未能可靠读出数字，未核对其勾稽关系，请核对原文"
    if notes:
        message += f"（{'；'.join(sorted(notes))}）"
    candidates = next((p.candidates for _l, k in bad if (p := ctx.report.provenance.get(k)) and p.candidates), None)
    if candidates:
        shown = "；".join(
            "、".join(f"{_short(ctx, k)}={fmt(v)}" for k, v in c.items()) for c in candidates[:CANDIDATES_SHOWN]
        )
        message += f"。可能的读法{len(candidates)}种，如：{shown}"
    keys = [k for _l, k in bad]
    loc = next((ctx.loc(k) for k in keys if ctx.loc(k)), _section_loc(ctx, table.section))
    yield UNREADABLE.finding(message, keys, loc)


def _short(ctx: Context, key: str) -> str:
    return ctx.template.column(key).label if ctx.has_key(key) else key


def _covers(template: Template, year: int) -> bool:
    """Whether a template is the format for reports of this year."""
    return template.year_from <= year and (template.year_to is None or year <= template.year_to)


def _version(ctx: Context) -> Iterator[Finding]:
    t, year = ctx.template, ctx.report.year
    loc = _section_loc(ctx, 2)
    if year is not None and (year < t.year_from or (t.year_to is not None and year > t.year_to)):
        expected = next((load(v) for v in available() if _covers(load(v), year)), None)
        should = f"应使用《{expected.name}》（{expected.basis}）" if expected else "不适用现有任何格式"
        yield VERSION.finding(
            f"本报告为{year}年度报告，{should}，但表格为《{t.name}》（{t.basis}，适用于{t.year_from}年起的报告）",
            [],
            loc,
        )
    markers: dict[str, list[str]] = {}
    for item in ctx.report.template_evidence:
        version, sep, marker = item.partition(": ")
        if sep:
            markers.setdefault(version, []).append(marker)
    least = int(ctx.params["mixed_version_min_markers"])
    for version, words in markers.items():
        if version != t.version and len(words) >= least:
            yield VERSION.finding(
                f"表格为{t.version}年格式，但出现{version}年格式的栏目（{'、'.join(words)}），疑似混用新旧模板",
                [],
                loc,
                severity="warning",
            )


def _year(ctx: Context) -> Iterator[Finding]:
    report = ctx.report
    info = report.year_info
    if report.year is None:
        yield YEAR.finding(
            "未能确定报告年度：标题和统计期限均未写明年度",
            [],
            Location(field="title", **report.title_loc),
            severity="warning",
        )
        return
    if info is not None and info.title_year and info.period_year and info.title_year != info.period_year:
        yield YEAR.finding(
            f"标题年度（{info.title_year}年）与统计期限年度（{info.period_year}年）不一致",
            [],
            Location(field="title", **report.title_loc),
        )
    sec = ctx.section(1)
    if sec is None:
        return
    counts: Counter[int] = Counter()
    first: dict[int, int] = {}
    for sent in sentences(sec):
        for y in _YEAR.findall(sent.norm):
            counts[int(y)] += 1
            first.setdefault(int(y), sent.line_index)
    if counts[report.year] > 0 or not counts:
        return
    other, n = counts.most_common(1)[0]
    if n >= int(ctx.params["text_year_min_mentions"]):
        yield YEAR.finding(
            f"{cn_numeral(1)}、{sec.title}：{n}处写“{other}年”，未出现本报告年度{report.year}年，疑为沿用其他年度的文字",
            [],
            sentence_loc(sec, first[other]),
            severity="warning",
        )


def _agency(ctx: Context) -> Iterator[Finding]:
    title, agency = ctx.report.title, ctx.report.agency
    where = Location(field="title", **ctx.report.title_loc)
    if not title:
        yield AGENCY.finding("未找到报告标题，无法确认机关名称", [], where)
    elif not agency:
        yield AGENCY.finding(f"标题“{title}”未写明机关名称", [], where)
    elif _WS.sub("", agency) not in _WS.sub("", title):
        yield AGENCY.finding(f"标题“{title}”未写明机关名称（正文中的机关为“{agency}”）", [], where)


def _extra_rows(ctx: Context) -> Iterator[Finding]:
    taken = [id(x) for t in ctx.template.tables for x in _collapsed_groups(ctx, t).values()]
    for row in ctx.report.extra_rows:
        if id(row) in taken:
            continue  # the older format's row in place of a group: struct.tables says so
        label = row.get("label") or row.get("text") or "、".join(str(v) for v in row.values() if isinstance(v, str))
        table = row.get("table")
        where = f"{table_name(ctx.template.table(table))}中" if table in {t.key for t in ctx.template.tables} else ""
        loc = location_of(row.get("loc"))
        yield EXTRA_ROWS.finding(f"{where}有全国统一格式以外的行或列：“{label}”（已保留，未参与计算）", [], loc)


def _sec6_fee(ctx: Context) -> Iterator[Finding]:
    fees = load_data("phrases.yaml")["fees"]
    year = ctx.report.year
    if year is not None and year < int(ctx.params["fee_from_year"]):
        return
    sections = [s for no in fees["sections"] if (s := ctx.section(no)) is not None]
    if not sections:
        return
    if any(word in s.text for s in sections for word in fees["mention"]):
        return
    key = fees["billed_key"]
    keys: list[str] = []
    extra = ""
    if ctx.has_key(key) and ctx.usable(key) and ctx.value(key) > 0:
        keys = [key]
        extra = f"；{ctx.template.describe(key)}为{fmt(ctx.value(key))}，说明曾发出收费通知"
    sec = sections[0]
    yield SEC6_FEE.finding(
        f"{cn_numeral(sec.no)}、{sec.title}：未说明信息处理费的收取情况（国办函〔2020〕109号）{extra}",
        keys,
        line_loc(sec.loc),
    )
