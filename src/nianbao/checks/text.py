"""The prose against the tables (spec §4.5).

What a sentence can state is data (``phrases.yaml``: patterns, and the cells each
statement is about); this module finds the statements, reads their numbers and
compares them with the cells. Every finding quotes the sentence and points to its line.
A number next to an outcome of 表三 (予以公开, 不予公开 …) is that outcome's rows, never the
total of requests; a phrase that can be read several ways (受理) is wrong only when no
reading fits; a statement over a cell not read with certainty is never compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

from nianbao.checks.base import Context, Rule, fmt, load_data, table_name
from nianbao.checks.prose import Sentence, cn_int, opens_part, sentence_loc, sentences
from nianbao.numbering import cn_numeral
from nianbao.report import Finding, Section

APPLICATIONS = Rule(
    "text.applications",
    "warning",
    "正文所述依申请公开件数（收到或受理、上年结转、办结、各项办理结果、结转下年度）与表三一致",
    "text",
)
APPEALS = Rule("text.appeals", "warning", "正文所述行政复议、行政诉讼情况与表四一致", "text")
ACTIVE = Rule("text.active", "warning", "正文所述制发、废止、现行有效的规章和规范性文件件数与表二一致", "text")
FEES = Rule("text.fees", "info", "第六部分称未收取信息处理费，而表三有因逾期未缴费不再处理的申请", "text")

RULES: tuple[Rule, ...] = (APPLICATIONS, APPEALS, ACTIVE, FEES)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")


@dataclass(frozen=True)
class Outcome:
    """One result of 表三 as the prose names it (予以公开, 不予公开 …): a part, never a total."""

    what: str
    sums: tuple[tuple[str, ...], ...]
    lumped: tuple[tuple[str, ...], ...]  # readings taken only when the outcome is named alone


@dataclass(frozen=True)
class Claim:
    what: str
    patterns: tuple[re.Pattern[str], ...]
    value: int | None  # for a statement without a number
    sums: tuple[tuple[str, ...], ...]
    each: bool  # every sum must equal the value (else: any one)
    # a grouped claim (「予以公开及部分公开31件」): its outcomes, told apart in the match by `terms`
    outcomes: tuple[Outcome, ...] = ()
    terms: re.Pattern[str] | None = None
    # only in a sentence about this (or within `reach` sentences after one, in the same part)
    about: re.Pattern[str] | None = None
    reach: int = 0


@dataclass(frozen=True)
class Statement:
    """What one match states: a number and the sums of cells that may hold it."""

    stated: str
    claimed: int
    alternatives: tuple[tuple[str, ...], ...]
    each: bool


def check(ctx: Context) -> Iterator[Finding]:
    data = load_data("phrases.yaml")
    for rule in (APPLICATIONS, APPEALS, ACTIVE):
        spec = data["claims"][rule.id]
        for no in spec["sections"]:
            section = ctx.section(no)
            if section is not None:
                yield from _check_section(ctx, rule, section, _claims(rule.id), bool(data["skip_other_years"]))
    yield from _fees(ctx, data["fees"])


@cache
def _claims(rule_id: str) -> tuple[Claim, ...]:
    data = load_data("phrases.yaml")
    fill = data["placeholders"]
    spec = data["claims"][rule_id]
    out = list(_outcome_claims(spec["outcomes"], fill)) if "outcomes" in spec else []
    for item in spec["items"]:
        sums = item.get("each") or item["sums"]
        out.append(
            Claim(
                what=item["what"],
                patterns=tuple(_compile(p, fill) for p in item.get("patterns") or [item["pattern"]]),
                value=item.get("value"),
                sums=_sums(sums),
                each="each" in item,
            )
        )
    return tuple(out)


def _outcome_claims(spec: dict[str, Any], fill: dict[str, str]) -> Iterator[Claim]:
    """The grouped claim first (its span holds the single outcomes it joins), then one claim
    per outcome, alone with its number (alone, its lumped readings count too)."""
    items = spec["items"]
    outcomes = tuple(Outcome(i["what"], _sums(i["sums"]), _sums(i.get("lumped") or [])) for i in items)
    labels = [f"(?:{i['label']})" for i in items]
    parts = {**fill, "T": spec["tail"]}
    about, reach = re.compile(spec["about"]), int(spec["reach"])
    yield Claim(
        what="、".join(o.what for o in outcomes),
        patterns=(_compile(spec["group"], {**parts, "O": "(?:" + "|".join(labels) + ")"}),),
        value=None,
        sums=(),
        each=False,
        outcomes=outcomes,
        terms=re.compile("|".join(f"(?P<o{i}>{label})" for i, label in enumerate(labels))),
        about=about,
        reach=reach,
    )
    for outcome, label in zip(outcomes, labels, strict=True):
        yield Claim(
            what=outcome.what,
            patterns=(_compile(spec["single"], {**parts, "O": label}),),
            value=None,
            sums=outcome.sums + outcome.lumped,
            each=False,
            about=about,
            reach=reach,
        )


def _sums(sums: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(s) for s in sums)


def _compile(pattern: str, fill: dict[str, str]) -> re.Pattern[str]:
    for name, body in fill.items():
        pattern = pattern.replace("{" + name + "}", body)
    return re.compile(pattern)


def _check_section(
    ctx: Context, rule: Rule, section: Section, claims: tuple[Claim, ...], skip_other_years: bool
) -> Iterator[Finding]:
    sents = sentences(section)
    for i, sent in enumerate(sents):
        if skip_other_years and _about_other_year(sent, ctx.report.year):
            continue
        taken: list[tuple[int, int]] = []
        for claim in claims:
            if not claim.outcomes and not _known(ctx, claim.sums):
                continue
            if claim.about is not None and not _in_context(sents, i, claim.about, claim.reach):
                continue
            for pattern in claim.patterns:
                for m in pattern.finditer(sent.norm):
                    if any(m.start() < b and a < m.end() for a, b in taken):
                        continue
                    taken.append(m.span())
                    claimed = cn_int(m.group("n")) if "n" in pattern.groupindex else claim.value
                    if claimed is None:
                        continue
                    for st in _statements(claim, m, claimed):
                        alternatives = _known(ctx, st.alternatives)
                        # a cell not read with certainty is a reading gap, never the agency's fault
                        if alternatives and all(ctx.usable(k) for s in alternatives for k in s):
                            yield from _compare(ctx, rule, section, sent, st, m.group(0), alternatives)


def _in_context(sents: list[Sentence], i: int, about: re.Pattern[str], reach: int) -> bool:
    """The sentence, or one of the ``reach`` before it in the same part of the section, is
    about ``about``: a list split over sentences by ；keeps the subject its first one named."""
    for j in range(i, max(i - reach, 0) - 1, -1):
        if about.search(sents[j].norm):
            return True
        if opens_part(sents[j]):
            return False
    return False


def _known(ctx: Context, sums: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The readings whose cells the report's template has (2019 vs 2021)."""
    return tuple(s for s in sums if all(ctx.has_key(k) for k in s))


def _statements(claim: Claim, m: re.Match[str], claimed: int) -> list[Statement]:
    """What a match states. A grouped claim states the sum of its outcomes (every way of
    reading each outcome, the parts never overlapping) or, with 各, each outcome's number."""
    if claim.terms is None:
        return [Statement(_stated(claim.what, claimed, claim.value), claimed, claim.sums, claim.each)]
    named = [
        claim.outcomes[int(t.lastgroup[1:])]
        for t in claim.terms.finditer(m.string, m.start("terms"), m.end("terms"))
        if t.lastgroup is not None
    ]
    if m.group("each"):
        return [Statement(f"{o.what}{claimed}件", claimed, o.sums, False) for o in named]
    readings = []
    for combo in product(*(o.sums for o in named)):
        keys = tuple(k for s in combo for k in s)
        if len(set(keys)) == len(keys):
            readings.append(keys)
    what = "、".join(o.what for o in named)
    return [Statement(f"{what}合计{claimed}件", claimed, tuple(readings), False)]


def _stated(what: str, claimed: int, value: int | None) -> str:
    return what if value is not None else f"{what}{claimed}件"


def _compare(
    ctx: Context,
    rule: Rule,
    section: Section,
    sent: Sentence,
    st: Statement,
    said: str,
    alternatives: tuple[tuple[str, ...], ...],
) -> Iterator[Finding]:
    if st.each:
        wrong = [s for s in alternatives if ctx.total(s) != st.claimed]
    else:
        wrong = [] if any(ctx.total(s) == st.claimed for s in alternatives) else list(alternatives[:1])
    if not wrong:
        return
    tables = "，".join(f"{_name(ctx, s)}为{fmt(ctx.total(s))}" for s in wrong)
    yield rule.finding(
        f"{_section_name(section)}：“{sent.quote()}”称{st.stated}（“{said}”），而{tables}",
        [k for s in wrong for k in s],
        sentence_loc(section, sent.line_index),
    )


def _name(ctx: Context, keys: tuple[str, ...]) -> str:
    """Cells as a reviewer finds them: the rows of a whole group of 表三 named by the group
    (“（三）不予公开”各项), not eight row labels one by one."""
    if len(keys) == 1:
        return ctx.template.describe(keys[0])
    tables, columns = {k.split(".")[0] for k in keys}, {k.split(".")[2] for k in keys}
    table = ctx.template.table(next(iter(tables)))
    if len(tables) > 1 or len(columns) > 1 or table.layout != "rows":
        return "与".join(ctx.template.describe(k) for k in keys) + "之和"
    rows = {k.split(".")[1] for k in keys}
    parts: list[str] = []
    for row in table.all_rows():
        if row.key not in rows:
            continue
        group = [r.key for r in table.all_rows() if row.group is not None and r.group == row.group]
        name = f"“{row.group}”各项" if group and rows.issuperset(group) else f"“{row.label}”行"
        if name not in parts:
            parts.append(name)
    return f"{table_name(table)}{'、'.join(parts)}“{ctx.template.column(keys[0]).label}”列之和"


def _section_name(section: Section) -> str:
    return f"{cn_numeral(section.no)}、{section.title}"


def _about_other_year(sent: Sentence, year: int | None) -> bool:
    """A sentence that names other years but not the report's own speaks of them."""
    if year is None:
        return False
    years = {int(y) for y in _YEAR.findall(sent.norm)}
    return bool(years) and year not in years


def _fees(ctx: Context, spec: dict[str, Any]) -> Iterator[Finding]:
    key = spec["billed_key"]
    if not ctx.has_key(key) or not ctx.usable(key) or ctx.value(key) <= 0:
        return
    fill = load_data("phrases.yaml")["placeholders"]
    none = [_compile(p, fill) for p in spec["none"]]
    for no in spec["sections"]:
        section = ctx.section(no)
        if section is None:
            continue
        for sent in sentences(section):
            m = next((m for p in none if (m := p.search(sent.norm))), None)
            if m is None:
                continue
            yield FEES.finding(
                f"{_section_name(section)}：“{sent.quote()}”称未产生或未收取信息处理费（“{m.group(0)}”），"
                f"而{ctx.template.describe(key)}为{fmt(ctx.value(key))}，说明曾发出收费通知，请核实并说明收费情况",
                [key],
                sentence_loc(section, sent.line_index),
            )
            return
