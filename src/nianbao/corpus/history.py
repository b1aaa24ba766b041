"""Neighbouring years as evidence, in the corpus: while an agency's years are linked, a cell that
its own table leaves ambiguous is fixed from the same agency's report of the year before or after,
as ``nianbao parse --history`` does (``extract.history.with_history``), and stored so.

The corpus, not the printed name, decides what one agency is (``agencies.normalize``: 孟津县 and
孟津区 are one), so each neighbour is handed over under the report's own name. A fixed cell can
in turn fix a cell of the next year: the fixing is repeated until nothing more changes, so that
the result does not depend on which years were ingested in which run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.engine import Connection

from nianbao.corpus.cells import Cell
from nianbao.corpus.db import SCOPE_REPORT, cells, findings, insert_findings, reports, store_cells
from nianbao.corpus.worker import StoredReport
from nianbao.extract.history import with_history
from nianbao.report import Finding, Report


@dataclass(frozen=True)
class Fix:
    """What the neighbouring years changed in one report: the report as it is now, the cells
    fixed, and its own findings that are no longer true (``removed``) or are new (``added``) —
    e.g. 表二's row no longer reported unreadable."""

    report: StoredReport
    cells: list[Cell]
    removed: list[Finding]
    added: list[Finding]


def has_open_cells() -> ColumnElement[bool]:
    """For a query of ``reports``: whether the report has a cell that another year may fix —
    unreadable, with every reading that fits its table (a cell without them is never filled
    from another year)."""
    return select(cells.c.report_id).where(cells.c.report_id == reports.c.id, cells.c.fixable.is_(True)).exists()


def neighbours(year: int | None, first: dict[int, int]) -> list[int]:
    """The reports of the year before and the year after (the first of each year by content,
    as the linking pairs them)."""
    if year is None:
        return []
    return [first[y] for y in (year - 1, year + 1) if y in first]


def fix_years(stored: dict[int, StoredReport], targets: Iterable[int], first: dict[int, int]) -> dict[int, Fix]:
    """The fixes of ``targets`` by their neighbours (all in ``stored``), repeated until none is
    left to make; reports that nothing fixed are left out."""
    targets = list(targets)
    original = {i: s.report() for i, s in stored.items()}
    current = dict(original)
    while True:
        changed: dict[int, Report] = {}
        for rid in targets:  # every report against the same state of the others: no order matters
            report = current[rid]
            others = [current[n].model_copy(update={"agency": report.agency}) for n in neighbours(report.year, first)]
            if not others:
                continue
            fixed = with_history(report, others)
            if _fixed_keys(report, fixed):
                changed[rid] = fixed
        if not changed:
            break
        current.update(changed)  # each round fixes at least one more cell: it ends
    out: dict[int, Fix] = {}
    for rid in targets:
        before, after = original[rid], current[rid]
        keys = set(_fixed_keys(before, after))
        if not keys:
            continue
        refixed = [
            Cell.of(c.key, after.values[c.key], after.provenance[c.key]) for c in stored[rid].cells if c.key in keys
        ]
        by_key = {c.key: c for c in refixed}
        updated = replace(stored[rid], cells=[by_key.get(c.key, c) for c in stored[rid].cells])
        removed, added = _own_findings(before, after)
        out[rid] = Fix(updated, refixed, removed, added)
    return out


def _fixed_keys(before: Report, after: Report) -> list[str]:
    return [k for k, p in after.provenance.items() if p.status != before.provenance[k].status]


def _finding_key(f: Finding) -> tuple[str, str, str, tuple[str, ...]]:
    # not by loc: where a finding points is made from what the stored report may not keep
    return (f.rule, f.severity, f.message, tuple(f.keys))


def _own_findings(before: Report, after: Report) -> tuple[list[Finding], list[Finding]]:
    """The report's own findings that the fixed cells take away and bring. Both sides are made
    from the stored report, so what it does not keep (the title's place, …) is the same in both
    and only what the fix changed differs; the cross-year rules are the linking's own."""
    from nianbao.checks import RULES, check_report

    crossyear = {r.id for r in RULES if r.family == "crossyear"}
    was = [f for f in check_report(before) if f.rule not in crossyear]
    now = [f for f in check_report(after) if f.rule not in crossyear]
    gone = Counter(_finding_key(f) for f in was) - Counter(_finding_key(f) for f in now)
    new = Counter(_finding_key(f) for f in now) - Counter(_finding_key(f) for f in was)
    return _take(was, gone), _take(now, new)


def _take(found: list[Finding], wanted: Counter[tuple[str, str, str, tuple[str, ...]]]) -> list[Finding]:
    left = Counter(wanted)
    out = []
    for f in found:
        if left[_finding_key(f)] > 0:
            left[_finding_key(f)] -= 1
            out.append(f)
    return out


def store_fix(conn: Connection, report_id: int, fix: Fix) -> None:
    """The fixed cells and the report's changed own findings, in the caller's transaction."""
    store_cells(conn, report_id, fix.report.cells)
    if fix.removed:
        stored = conn.execute(
            select(findings.c.id, findings.c.rule, findings.c.severity, findings.c.message, findings.c["keys"])
            .where(findings.c.report_id == report_id, findings.c.scope == SCOPE_REPORT)
            .order_by(findings.c.id)
        ).all()
        left = Counter(_finding_key(f) for f in fix.removed)
        gone = []
        for r in stored:
            k = (r.rule, r.severity, r.message, tuple(r._mapping["keys"] or []))
            if left[k] > 0:
                left[k] -= 1
                gone.append(r.id)
        if gone:
            conn.execute(delete(findings).where(findings.c.id.in_(gone)))
    insert_findings(conn, report_id, fix.added, SCOPE_REPORT)
