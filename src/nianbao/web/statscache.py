"""The corpus statistics as the web serves them, computed once per state of the database: the
statistics page and ``GET /api/v1/corpus/stats`` read them from a cache keyed by the grouping and
the database's fingerprint — the last ingest time and the count and highest id of the files,
reports and findings (an ingest adds files; linking years adds and removes findings). A page load
costs that one small query instead of the sums over every cell (seconds on a large corpus)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from sqlalchemy import Engine, case, func, select
from sqlalchemy.exc import SQLAlchemyError

from nianbao.errors import NianbaoError
from nianbao.web.errors import E_CORPUS

if TYPE_CHECKING:
    from fastapi import FastAPI

    from nianbao.corpus.stats import By, Stats

Fingerprint = tuple[object, ...]


def fingerprint(engine: Engine) -> Fingerprint:
    """What changes whenever an ingest or a linking run changes what the statistics count."""
    from nianbao.corpus.db import files, findings, reports

    try:
        with engine.connect() as conn:
            f = conn.execute(select(func.max(files.c.ingested_at), func.count(), func.max(files.c.id))).one()
            linked = func.sum(case((reports.c.linked.is_(True), 1), else_=0))
            r = conn.execute(select(func.count(), func.max(reports.c.id), linked).select_from(reports)).one()
            g = conn.execute(select(func.count(), func.max(findings.c.id)).select_from(findings)).one()
    except SQLAlchemyError as e:
        raise NianbaoError(E_CORPUS, f"无法读取年报库（{type(e).__name__}），请先运行 nianbao corpus ingest") from None
    return (*f, *r, *g)


class StatsCache:
    """Statistics by (grouping, fingerprint); those of an older fingerprint are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str | None, Fingerprint], Stats] = {}
        self.computed = 0  # how many times the statistics were computed (for the tests)

    def get(self, engine: Engine, by: By | None) -> Stats:
        from nianbao.web.corpus import stats

        stamp = fingerprint(engine)
        key = (by, stamp)
        with self._lock:  # one computation at a time: a second request for the same waits and reads it
            found = self._entries.get(key)
            if found is None:
                found = stats(engine, by)
                self.computed += 1
                self._entries = {k: v for k, v in self._entries.items() if k[1] == stamp}
                self._entries[key] = found
        return found


def cache_of(app: FastAPI) -> StatsCache:
    """The app's cache, made on first use (from the event loop, so made once)."""
    cache: StatsCache | None = getattr(app.state, "nianbao_stats", None)
    if cache is None:
        cache = StatsCache()
        app.state.nianbao_stats = cache
    return cache
