"""Neighbouring years as evidence: a cell that the table alone leaves ambiguous, fixed by the same
agency's report of the year before or after through the template's cross-year relations
(上年结转 = last year's 结转下年度; 现行有效件数 = last year's + 制发 − 废止; …).

Only the candidate readings of what was printed are chosen between — a cell without candidates is
never filled from another year, so a carry-over that really breaks stays a finding of the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nianbao.extract.cells import ADJACENT_YEAR
from nianbao.report import Provenance, Report
from nianbao.template import CrossYear, load

_WS = re.compile(r"[\s\u3000\u00a0]+")
Number = int | float


def same_agency(a: str | None, b: str | None) -> bool:
    return bool(a and b) and _WS.sub("", a or "") == _WS.sub("", b or "")


def neighbour(report: Report, others: Iterable[Report], offset: int) -> Report | None:
    """The same agency's report of ``report.year + offset`` among ``others``."""
    if report.year is None:
        return None
    return next((r for r in others if r.year == report.year + offset and same_agency(r.agency, report.agency)), None)


def with_history(report: Report, others: Iterable[Report]) -> Report:
    """The report with ambiguous cells fixed by the year before and the year after, where they can."""
    pool = list(others)
    before, after = neighbour(report, pool, -1), neighbour(report, pool, +1)
    if before is None and after is None:
        return report
    constraints: list[tuple[CrossYear, Report, str]] = []  # (relation, other report, role of this report)
    if before is not None:
        constraints += [(x, before, "this") for x in load(report.template).cross_year]
    if after is not None:
        constraints += [(x, after, "last") for x in load(after.template).cross_year]
    values = dict(report.values)
    provenance = dict(report.provenance)
    for group in _open_groups(report):
        _fix_group(group, values, provenance, constraints)
    return report.model_copy(update={"values": values, "provenance": provenance})


def _certain(report: Report, key: str) -> Number | None:
    p = report.provenance.get(key)
    return report.values.get(key) if p is not None and p.status in ("ok", "ocr", "blank") else None


def _open_groups(report: Report) -> list[list[str]]:
    """Unreadable cells grouped by the candidate readings they share (one row or segment)."""
    groups: dict[str, list[str]] = {}
    for key, p in report.provenance.items():
        if p.status == "unreadable" and p.candidates and p.candidates_complete:
            groups.setdefault(repr(p.candidates), []).append(key)
    return list(groups.values())


def _fix_group(
    keys: list[str],
    values: dict[str, Number | None],
    provenance: dict[str, Provenance],
    constraints: list[tuple[CrossYear, Report, str]],
) -> None:
    candidates = provenance[keys[0]].candidates or []
    fitting: list[dict[str, Number]] = []
    sources: set[str] = set()
    for cand in candidates:
        ok, used = _fits(cand, values, provenance, constraints)
        if ok:
            fitting.append(cand)
            sources |= used
    if not fitting or not sources or len(fitting) == len(candidates):
        return  # nothing ruled out: the other years say nothing about this group
    for key in keys:
        seen = {c.get(key) for c in fitting}
        if len(seen) == 1 and None not in seen:
            value = seen.pop()
            assert value is not None
            values[key] = value
            p = provenance[key]
            provenance[key] = p.model_copy(
                update={
                    "status": "ok",
                    "note": f"表格本身有多种读法，按相邻年度报告（{'、'.join(sorted(sources))}）的跨年度关系确定",
                    "basis": ADJACENT_YEAR,
                    "basis_source": sorted(sources)[0],
                    "candidates": None,
                }
            )


def _fits(
    cand: dict[str, Number],
    values: dict[str, Number | None],
    provenance: dict[str, Provenance],
    constraints: list[tuple[CrossYear, Report, str]],
) -> tuple[bool, set[str]]:
    """Whether a candidate reading keeps every cross-year relation that can be evaluated with it;
    and the other reports that took part in one."""

    def here(key: str) -> Number | None:
        if key in cand:
            return cand[key]
        p = provenance.get(key)
        return values.get(key) if p is not None and p.status in ("ok", "ocr", "blank") else None

    used: set[str] = set()
    for rel, other, role in constraints:
        if role == "this":  # this report is the later year: this_key = last(other) + add − subtract (here)
            this, last = [rel.this_key], rel.last_keys
            left = [here(k) for k in this]
            right_last = [_certain(other, k) for k in last]
            adds = [here(k) for k in rel.add]
            subs = [here(k) for k in rel.subtract]
        else:  # this report is the earlier year: other(this_key) = last(here) + add(other) − subtract(other)
            left = [_certain(other, rel.this_key)]
            right_last = [here(k) for k in rel.last_keys]
            adds = [_certain(other, k) for k in rel.add]
            subs = [_certain(other, k) for k in rel.subtract]
        mine = [rel.this_key, *rel.add, *rel.subtract] if role == "this" else list(rel.last_keys)
        if not any(k in cand for k in mine):
            continue
        parts = [*left, *right_last, *adds, *subs]
        if any(v is None for v in parts):
            continue
        total = sum(v for v in right_last if v is not None) + sum(v for v in adds if v is not None)
        total -= sum(v for v in subs if v is not None)
        if abs((left[0] or 0) - total) > 1e-6:
            return False, set()
        used.add(other.source.path)
    return True, used
