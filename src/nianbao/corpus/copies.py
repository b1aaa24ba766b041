"""Prose copied between agencies (内容雷同), found across the corpus (``nianbao corpus copies``): the
canonical report of every agency-year compared with all others (``nianbao.similarity``), and a
finding on both reports of each pair that names the other and the similarity. Run again from
scratch each time, so that it follows the corpus as it grows."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select

from nianbao.checks.base import location_of
from nianbao.checks.corpus import COPIED
from nianbao.corpus.dataset import agency_years
from nianbao.corpus.db import findings, insert_findings, reports
from nianbao.similarity import Prose, closest, copies

SCOPE_CORPUS = "corpus"  # findings.scope of a finding made across the corpus


def mark_copies(engine: Engine) -> int:
    """Mark every report whose prose another agency's report copies (or it copies), naming the
    closest and counting the others; returns how many pairs were found."""
    items, _ = agency_years(engine)
    chosen = {a.chosen.id: a for a in items}
    by_sha = {a.chosen.sha256: a for a in items}  # keyed by the file: the same result in any storing order
    with engine.connect() as conn:
        sections = (
            dict(conn.execute(select(reports.c.id, reports.c.sections).where(reports.c.id.in_(list(chosen)))).all())
            if chosen
            else {}
        )
    prose = [
        Prose(a.chosen.sha256, a.entry.agency_id, "\n".join(str(s.get("text", "")) for s in sections.get(rid) or []))
        for rid, a in chosen.items()
    ]
    pairs = copies(prose)
    with engine.begin() as conn:
        conn.execute(delete(findings).where(findings.c.rule == COPIED.id))
        for match in closest(pairs):
            this, other = by_sha[match.key], by_sha[match.other]
            more = f"；另有{match.others}份其他机关的报告与之雷同" if match.others else ""
            message = (
                f"正文与“{other.chosen.agency}”{other.year}年报告高度雷同（相似度{match.similarity:.0%}）{more}，"
                "疑似照抄，请核对"
            )
            insert_findings(conn, this.chosen.id, [COPIED.finding(message, [], location_of(None))], SCOPE_CORPUS)
    return len(pairs)
