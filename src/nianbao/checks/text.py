"""The prose against the tables (spec §4.5).

What a sentence can state is data (``phrases.yaml``: patterns, and the cells each
statement is about); this module finds the statements, reads their numbers and
compares them with the cells. Every finding quotes the sentence and points to its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from nianbao.checks.base import CN_DIGITS, Context, Rule, fmt, load_data
from nianbao.checks.prose import Sentence, cn_int, sentence_loc, sentences
from nianbao.report import Finding, Section

APPLICATIONS = Rule(
    "text.applications", "warning", "正文所述依申请公开件数（收到、上年结转、办结、结转下年度）与表三一致", "text"
)
APPEALS = Rule("text.appeals", "warning", "正文所述行政复议、行政诉讼情况与表四一致", "text")
ACTIVE = Rule("text.active", "warning", "正文所述制发、废止、现行有效的规章和规范性文件件数与表二一致", "text")
FEES = Rule("text.fees", "info", "第六部分称未收取信息处理费，而表三有因逾期未缴费不再处理的申请", "text")

RULES: tuple[Rule, ...] = (APPLICATIONS, APPEALS, ACTIVE, FEES)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")


@dataclass(frozen=True)
class Claim:
    what: str
    patterns: tuple[re.Pattern[str], ...]
    value: int | None  # for a statement without a number
    sums: tuple[tuple[str, ...], ...]
    each: bool  # every sum must equal the value (else: any one)


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
    out = []
    for item in data["claims"][rule_id]["items"]:
        sums = item.get("each") or item["sums"]
        out.append(
            Claim(
                what=item["what"],
                patterns=tuple(_compile(p, fill) for p in item.get("patterns") or [item["pattern"]]),
                value=item.get("value"),
                sums=tuple(tuple(s) for s in sums),
                each="each" in item,
            )
        )
    return tuple(out)


def _compile(pattern: str, fill: dict[str, str]) -> re.Pattern[str]:
    for name, body in fill.items():
        pattern = pattern.replace("{" + name + "}", body)
    return re.compile(pattern)


def _check_section(
    ctx: Context, rule: Rule, section: Section, claims: tuple[Claim, ...], skip_other_years: bool
) -> Iterator[Finding]:
    for sent in sentences(section):
        if skip_other_years and _about_other_year(sent, ctx.report.year):
            continue
        taken: list[tuple[int, int]] = []
        for claim in claims:
            alternatives = [s for s in claim.sums if all(ctx.has_key(k) for k in s)]
            if not alternatives:
                continue
            for pattern in claim.patterns:
                for m in pattern.finditer(sent.norm):
                    if any(m.start() < b and a < m.end() for a, b in taken):
                        continue
                    taken.append(m.span())
                    claimed = cn_int(m.group("n")) if "n" in pattern.groupindex else claim.value
                    if claimed is None or not all(ctx.usable(k) for s in alternatives for k in s):
                        continue
                    yield from _compare(ctx, rule, section, sent, claim, claimed, m.group(0), alternatives)


def _compare(
    ctx: Context,
    rule: Rule,
    section: Section,
    sent: Sentence,
    claim: Claim,
    claimed: int,
    said: str,
    alternatives: list[tuple[str, ...]],
) -> Iterator[Finding]:
    if claim.each:
        wrong = [s for s in alternatives if ctx.total(s) != claimed]
    else:
        wrong = [] if any(ctx.total(s) == claimed for s in alternatives) else alternatives[:1]
    if not wrong:
        return
    stated = claim.what if claim.value is not None else f"{claim.what}{claimed}件"
    tables = "，".join(f"{_name(ctx, s)}为{fmt(ctx.total(s))}" for s in wrong)
    yield rule.finding(
        f"{_section_name(section)}：“{sent.quote()}”称{stated}（“{said}”），而{tables}",
        [k for s in wrong for k in s],
        sentence_loc(section, sent.line_index),
    )


def _name(ctx: Context, keys: tuple[str, ...]) -> str:
    if len(keys) == 1:
        return ctx.template.describe(keys[0])
    return "与".join(ctx.template.describe(k) for k in keys) + "之和"


def _section_name(section: Section) -> str:
    return f"{CN_DIGITS[section.no]}、{section.title}"


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
