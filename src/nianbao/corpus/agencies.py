"""Agencies across years: one name for the many ways a report writes it, the region it names,
and the linking of each report to the same agency's report of the year before, with the
cross-year rules run on every such pair — after the cells that a report's own table leaves
ambiguous have been fixed, where they can be, by the year before or after (``corpus.history``).

Normalisation (``normalize``) folds what changes between two years' reports of one agency:
white space and full-width characters (NFKC), a parenthesised second name at the end
(e.g. “（区知识产权局）”), the higher levels in front of the county-level place
(“哈尔滨市阿城区…” and “阿城区…” are one agency) and a county that became a district
(“孟津县…” and “孟津区…”, 撤县设区). A national corpus with two districts of the same name in
different cities would merge them; ``region`` keeps the place as written, to tell them apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection

from nianbao.corpus.db import SCOPE_CROSSYEAR, fetch_report, files, findings, insert_findings, reports
from nianbao.corpus.history import Fix, fix_years, has_open_cells, neighbours, store_fix
from nianbao.corpus.pool import Runner
from nianbao.corpus.worker import Pair, StoredReport, crossyear
from nianbao.report import Finding

_SUFFIXES = "特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|区|县|旗"
# a place name's characters: none of the level suffixes, nor of the words that end an office's name
_PLACE_CHAR = r"[^\W_省市区县旗州盟局委办院厅部会处队所]"
# a place: 2–8 such characters, then its level; or a one-character county (沛县)
_UNIT = re.compile(rf"{_PLACE_CHAR}{{2,8}}?(?:{_SUFFIXES})|{_PLACE_CHAR}县")
_PARTY = re.compile(r"^(?:中国共产党|中共)")
_COUNTY = ("区", "县")
_TRAILING_ALIAS = re.compile(r"\([^()]*\)$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Agency:
    """A name as written, the key it is linked by, and the place it names (None when it names none)."""

    name: str
    norm: str
    region: str | None


def _clean(name: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def _units(text: str) -> list[str]:
    """The places at the front of a name (after a party prefix), highest first:
    哈尔滨市阿城区工信局 → [哈尔滨市, 阿城区]."""
    out: list[str] = []
    party = _PARTY.match(text)
    pos = party.end() if party else 0
    while m := _UNIT.match(text, pos):
        out.append(m.group(0))
        pos = m.end()
    return out


def region(name: str | None) -> str | None:
    """The place a name starts with, as written (full-width and spaces folded)."""
    if not name:
        return None
    units = _units(_clean(name))
    return "".join(units) or None


def normalize(name: str | None) -> str | None:
    """The key that links one agency's reports across years (see the module's doc)."""
    if not name:
        return None
    text = _clean(name)
    text = _TRAILING_ALIAS.sub("", text) or text
    units = _units(text)
    if units:
        party = _PARTY.match(text)
        head = party.group(0) if party else ""
        rest = text[len(head) + sum(len(u) for u in units) :]
        place = units[-1]
        if place.endswith(_COUNTY) and not place.endswith(("自治县", "地区", "自治区", "特别行政区")):
            place = place[:-1] + "区"
        text = head + place + rest
    return text or None


def agency(name: str | None) -> Agency | None:
    if not name:
        return None
    return Agency(name=name, norm=normalize(name) or name, region=region(name))


@dataclass
class _Links:
    """One agency being linked: each report's predecessor, the cells its neighbouring years
    fixed, and the findings of its pairs so far."""

    norm: str
    previous: dict[int, int | None]
    found: dict[int, list[Finding]] = field(default_factory=dict)
    waiting: int = 0
    fixes: dict[int, Fix] = field(default_factory=dict)


def link(engine: Engine, runner: Runner | None = None) -> int:
    """Link every agency that has a report not yet linked; returns how many agencies were.

    The pairs are checked on ``runner`` (the ingest's workers) when given, on the cells as the
    neighbouring years fixed them. Each agency is stored in one transaction (its fixed cells, its
    links and cross-year findings made again from scratch), so a run killed here leaves the
    agencies not yet stored marked and their cells as they were, and the next run does them.
    """
    with engine.connect() as conn:
        names = sorted(
            conn.execute(
                select(reports.c.agency_norm)
                .where(reports.c.linked.is_(False), reports.c.agency_norm.is_not(None))
                .distinct()
            ).scalars()
        )
    with engine.connect() as conn:
        pairs = _pairs(conn, names, lambda links: _store(engine, links))
        if runner is None:
            for links, pair in pairs:
                _found(engine, links, pair.report_id, crossyear(pair))
        else:
            _on(runner, engine, pairs)
    return len(names)


def _pairs(conn: Connection, names: list[str], store: Callable[[_Links], None]) -> Iterator[tuple[_Links, Pair]]:
    """Agency by agency: its ambiguous cells fixed by the neighbouring years, then each report
    paired with its predecessor, read from the database when wanted (an agency without pairs
    is stored at once)."""
    for norm in names:
        rows = conn.execute(
            select(reports.c.id, reports.c.year, has_open_cells().label("fixable"))
            .join(files, files.c.id == reports.c.file_id)
            .where(reports.c.agency_norm == norm)
            .order_by(reports.c.year, files.c.sha256)
        ).all()
        first: dict[int, int] = {}
        for r in rows:
            if r.year is not None:
                first.setdefault(r.year, r.id)  # a year with several reports: the first by content
        links = _Links(norm, {r.id: first.get(r.year - 1) if r.year is not None else None for r in rows})
        loaded: dict[int, StoredReport] = {}
        _fix(conn, links, [(r.id, r.year) for r in rows if r.fixable], first, loaded)
        todo = [(rid, prev) for rid, prev in links.previous.items() if prev is not None]
        links.waiting = len(todo)
        if not todo:
            conn.rollback()
            store(links)
            continue
        for rid, prev in todo:
            for i in (rid, prev):
                if i not in loaded:
                    loaded[i] = fetch_report(conn, i)
            yield links, Pair(rid, loaded[rid], loaded[prev])
        conn.rollback()  # end the read transaction: the writer must not wait on it (SQLite)


def _fix(
    conn: Connection,
    links: _Links,
    open_: list[tuple[int, int | None]],
    first: dict[int, int],
    loaded: dict[int, StoredReport],
) -> None:
    """The cells of the agency's ``open_`` reports (id, year) fixed by neighbouring years, kept in
    ``links`` (stored with the agency) and in ``loaded`` (so that the pairs are checked on them)."""
    targets = {rid: near for rid, year in open_ if (near := neighbours(year, first))}
    if not targets:
        return
    for i in sorted({*targets, *(n for near in targets.values() for n in near)}):
        loaded[i] = fetch_report(conn, i)
    links.fixes = fix_years(loaded, sorted(targets), first)
    for rid, fix in links.fixes.items():
        loaded[rid] = fix.report


def _on(runner: Runner, engine: Engine, pairs: Iterator[tuple[_Links, Pair]]) -> None:
    """The pairs checked on the runner, at most ``runner.slots`` at a time; a pair whose worker
    failed is checked here instead."""
    pending: dict[Any, tuple[_Links, Pair]] = {}
    exhausted = False
    while True:
        while not exhausted and len(pending) < runner.slots:
            item = next(pairs, None)
            if item is None:
                exhausted = True
            else:
                pending[runner.submit(crossyear, item[1])] = item
        if not pending:
            return
        done, _ = runner.wait(set(pending))
        for future in done:
            links, pair = pending.pop(future)
            try:
                found = runner.result(future)
            except Exception:  # a crashed worker: the checks are pure, so run them here
                found = crossyear(pair)
            _found(engine, links, pair.report_id, found)


def _found(engine: Engine, links: _Links, report_id: int, found: list[Finding]) -> None:
    links.found[report_id] = found
    links.waiting -= 1
    if links.waiting == 0:
        _store(engine, links)


def _store(engine: Engine, links: _Links) -> None:
    """One agency in one transaction: the cells fixed by neighbouring years, links, the cross-year
    findings made anew, marked linked."""
    ids = list(links.previous)
    with engine.begin() as conn:
        for rid, fix in sorted(links.fixes.items()):
            store_fix(conn, rid, fix)
        conn.execute(delete(findings).where(findings.c.report_id.in_(ids), findings.c.scope == SCOPE_CROSSYEAR))
        for rid, prev in links.previous.items():
            conn.execute(update(reports).where(reports.c.id == rid).values(previous_id=prev, linked=True))
            insert_findings(conn, rid, links.found.get(rid, []), SCOPE_CROSSYEAR)
