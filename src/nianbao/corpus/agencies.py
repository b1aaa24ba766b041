"""Agencies across years: the linking of each report to the same agency's report of the year
before, with the cross-year rules run on every such pair — after the cells that a report's own
table leaves ambiguous have been fixed, where they can be, by the year before or after
(``corpus.history``). An agency is known by its normalised name (``names.normalize``).

Two ways to the same links. ``Linker`` links as reports arrive during an ingest: for each batch
stored, the agencies it touches get only the pairs that are new or changed, checked by the
cross-year rules alone on the reports as the workers made them (no reading back, no other
rule run again). An agency it cannot do that way — one with a cell another year may fix, or
with reports not linked before this run — is left unlinked, for ``link``: at the end of the
ingest, every agency with a report not linked is linked from scratch, as it always was.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection

from nianbao.corpus.db import (
    SCOPE_CROSSYEAR,
    Writer,
    fetch_report,
    files,
    findings,
    insert_findings,
    reports,
)
from nianbao.corpus.history import Fix, fix_years, has_open_cells, neighbours, store_fix
from nianbao.corpus.names import Agency as Agency
from nianbao.corpus.names import agency as agency
from nianbao.corpus.names import normalize as normalize
from nianbao.corpus.names import region as region
from nianbao.corpus.pool import Runner
from nianbao.corpus.worker import Pair, PairJob, Parsed, StoredReport, crossyear, pack
from nianbao.report import Finding


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
    return len(link_names(engine, runner))


def link_names(engine: Engine, runner: Runner | None = None) -> list[str]:
    """Link every agency that has a report not yet linked; returns them (``link``: how many).

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
    return names


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


@dataclass
class _Agency:
    """One agency being linked as its reports arrive: the reports whose link is new or changed
    (id → its previous), the findings of their pairs so far, and how many are still checked."""

    norm: str
    previous: dict[int, int | None]
    found: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    waiting: int = 0


class Linker:
    """Links agencies as their reports are stored (see the module's doc).

    ``added`` is told of each batch once it is committed; the pairs to check go to ``pairs``,
    for the ingest to run on its workers (``PairJob`` → ``check_pair``), and each result comes
    back through ``found``. An agency whose pairs are all checked is written by ``write``, in
    one transaction with the others then ready (the ingest calls it with each batch). Until
    then its new reports stay unlinked: a run killed meanwhile leaves them to ``link``.
    ``norms`` are the agencies linked so far."""

    def __init__(self, engine: Engine, keep: int = 1024) -> None:
        self.engine = engine
        self.pairs: deque[PairJob] = deque()
        self.norms: set[str] = set()
        self._keep = keep
        self._packed: OrderedDict[int, bytes] = OrderedDict()  # the reports met lately, packed
        self._new: dict[str, set[int]] = {}  # agency → its reports stored by this run, not yet linked
        self._busy: dict[str, _Agency] = {}  # agencies with pairs being checked
        self._of: dict[int, _Agency] = {}  # report id → its agency, while its pair is checked
        self._ready: list[_Agency] = []

    def added(self, stored: list[tuple[int, Parsed]]) -> None:
        """Reports just committed (id, what the worker made of it): plan their agencies."""
        for report_id, parsed in stored:
            if parsed.norm is None or parsed.year is None:
                continue  # stored linked: nothing to link
            self._new.setdefault(parsed.norm, set()).add(report_id)
            self._remember(report_id, parsed.stored)
        self._plan(sorted({p.norm for _, p in stored if p.norm is not None and p.year is not None}))

    def found(self, job: PairJob, rows: list[tuple[Any, ...]]) -> None:
        """The cross-year findings of a pair sent out by ``pairs``."""
        links = self._of.pop(job.report_id)
        links.found[job.report_id] = rows
        links.waiting -= 1
        if links.waiting == 0:
            del self._busy[links.norm]
            self._ready.append(links)

    @property
    def idle(self) -> bool:
        """Nothing being checked, nothing left to write."""
        return not self._busy and not self._ready and not self.pairs

    def write(self) -> None:
        """The agencies whose pairs are all checked, in one transaction: their new and changed
        reports' links and cross-year findings, marked linked; then the agencies that got more
        reports while they were being checked are planned again."""
        if not self._ready:
            return
        ready, self._ready = self._ready, []
        with self.engine.begin() as conn:
            ids = [rid for links in ready for rid in links.previous]
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                conn.execute(
                    delete(findings).where(findings.c.report_id.in_(part), findings.c.scope == SCOPE_CROSSYEAR)
                )
            writer = Writer(conn)
            for links in ready:
                for rid, prev in links.previous.items():
                    writer.link(rid, prev)
                    writer.findings(rid, links.found.get(rid, []))
            writer.flush()
        for links in ready:
            self.norms.add(links.norm)
        self._plan(sorted(n for n in {links.norm for links in ready} if n in self._new))

    def _remember(self, report_id: int, packed: bytes) -> None:
        if not packed:
            return
        self._packed[report_id] = packed
        self._packed.move_to_end(report_id)
        while len(self._packed) > self._keep:
            self._packed.popitem(last=False)

    def _plan(self, norms: list[str]) -> None:
        """For each agency not being checked now: what ``link`` would change in it, the pairs to
        check for that; an agency ``link`` must do (see the class's doc) is left to it."""
        todo = [n for n in norms if n not in self._busy]
        if not todo:
            return
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    reports.c.id,
                    reports.c.agency_norm,
                    reports.c.year,
                    reports.c.previous_id,
                    reports.c.linked,
                    has_open_cells().label("fixable"),
                )
                .join(files, files.c.id == reports.c.file_id)
                .where(reports.c.agency_norm.in_(todo))
                .order_by(reports.c.agency_norm, reports.c.year, files.c.sha256)
            ).all()
            by_norm: dict[str, list[Any]] = {}
            for r in rows:
                by_norm.setdefault(r.agency_norm, []).append(r)
            for norm in todo:
                new = self._new.pop(norm, set())
                members = by_norm.get(norm, [])
                if any(r.fixable for r in members) or any(not r.linked and r.id not in new for r in members):
                    continue  # left unlinked, for link()
                first: dict[int, int] = {}
                for r in members:
                    if r.year is not None:
                        first.setdefault(r.year, r.id)  # a year with several reports: the first by content
                previous = {r.id: first.get(r.year - 1) if r.year is not None else None for r in members}
                changed = {r.id: previous[r.id] for r in members if r.id in new or r.previous_id != previous[r.id]}
                links = _Agency(norm, changed)
                for rid, prev in changed.items():
                    if prev is None:
                        continue
                    job = PairJob(rid, self._pack(conn, rid), self._pack(conn, prev))
                    self.pairs.append(job)
                    self._of[rid] = links
                    links.waiting += 1
                if links.waiting:
                    self._busy[norm] = links
                else:
                    self._ready.append(links)
            conn.rollback()  # end the read transaction: the writer must not wait on it (SQLite)

    def _pack(self, conn: Connection, report_id: int) -> bytes:
        """A report packed: as the worker made it, or read back from the database."""
        packed = self._packed.get(report_id)
        if packed is None:
            packed = pack(fetch_report(conn, report_id))
            self._remember(report_id, packed)
        return packed
