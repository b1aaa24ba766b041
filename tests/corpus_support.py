"""What the corpus tests share: a database of each kind (SQLite file, or a fresh database on the
PostgreSQL server named by NIANBAO_TEST_PG_URL), the expected content from parsing the corpus
directly, and a dump of a database's content that two runs can be compared by."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url

from nianbao.corpus import db
from nianbao.corpus.agencies import normalize
from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_file
from nianbao.report import Report
from tests.corpus_gen import build_corpus

PG_ENV = "NIANBAO_TEST_PG_URL"
KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=PG_ENV))]


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    """The URL of an empty database of that kind, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'corpus-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    server = make_url(db.engine_url(os.environ[PG_ENV]))
    name = f"nianbao_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Corpus:
    root: Path
    files: list[Path]


@cache
def corpus(root: Path) -> Corpus:
    return Corpus(root, build_corpus(root))


@dataclass(frozen=True)
class Expected:
    """Each file of the corpus parsed on its own: the report, or the error."""

    reports: dict[str, Report]  # sha256 → report (the first path when two files are the same)
    failures: dict[str, NianbaoError]  # sha256 → error
    paths: dict[str, str]  # sha256 → the path stored


@cache
def expected(root: Path) -> Expected:
    import hashlib

    reports: dict[str, Report] = {}
    failures: dict[str, NianbaoError] = {}
    paths: dict[str, str] = {}
    for path in corpus(root).files:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha in paths:
            continue
        paths[sha] = str(path)
        try:
            reports[sha] = parse_file(path)
        except NianbaoError as e:
            failures[sha] = e
    return Expected(reports, failures, paths)


def fill(url: str, exp: Expected) -> None:
    """Store the corpus as parsed here (the ingest's own store and link, without the pool): a
    quick database for the tests of what reads it (export, stats)."""
    from nianbao.checks import check_report
    from nianbao.corpus.agencies import agency, link
    from nianbao.report import Source

    engine = db.open_db(url)
    for report in exp.reports.values():
        with engine.begin() as conn:
            file_id = db.insert_file(conn, report.source, "ok")
            who = agency(report.agency)
            checked = report.model_copy(update={"findings": check_report(report)})
            db.insert_report(conn, file_id, checked, who.norm if who else None, who.region if who else None)
    for sha, error in exp.failures.items():
        with engine.begin() as conn:
            source = Source(path=exp.paths[sha], sha256=sha, format="text")
            db.insert_file(conn, source, "failed", error.code, error.reason)
    link(engine)
    engine.dispose()


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One corpus for the whole session (its parse is cached by path)."""
    return corpus(tmp_path_factory.getbasetemp() / "corpus" / "reports").root


def previous_of(exp: Expected, sha: str) -> str | None:
    """The report the corpus should link ``sha`` to: same normalised agency, the year before,
    the first by sha256 when that year has several."""
    r = exp.reports[sha]
    norm = normalize(r.agency)
    if norm is None or r.year is None:
        return None
    found = sorted(s for s, o in exp.reports.items() if normalize(o.agency) == norm and o.year == r.year - 1)
    return found[0] if found else None


def dump(engine: Engine) -> dict[str, Any]:
    """Everything stored, keyed by content (sha256), free of ids and times: equal for two
    databases that hold the same corpus however (and on whichever server) they were filled."""
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        query = select(db.reports.c.id, db.files.c.sha256).join(db.files, db.files.c.id == db.reports.c.file_id)
        sha_of_report: dict[int | None, str] = {r.id: r.sha256 for r in conn.execute(query)}
        for f in conn.execute(select(db.files)).mappings():
            out[f["sha256"]] = {
                "file": {k: f[k] for k in ("path", "format", "size", "status", "error_code", "error")},
            }
        for r in conn.execute(select(db.reports)).mappings():
            sha = sha_of_report[r["id"]]
            row = {k: r[k] for k in ("title", "agency", "agency_norm", "region", "year", "template", "published")}
            row["sections"] = r["sections"]
            row["previous"] = sha_of_report.get(r["previous_id"])
            row["linked"] = r["linked"]
            out[sha]["report"] = row
            out[sha]["values"] = {}
            out[sha]["findings"] = []
        for report_id, cells in db.fetch_cells(conn, [i for i in sha_of_report if i is not None]).items():
            out[sha_of_report[report_id]]["values"] = {c.key: (c.value, c.status, c.raw, c.loc) for c in cells}
        for f in conn.execute(select(db.findings)).mappings():
            loc = repr(sorted(f["loc"].items()))
            item = (f["scope"], f["rule"], f["severity"], f["message"], tuple(f["keys"]), loc)
            out[sha_of_report[f["report_id"]]]["findings"].append(item)
    for entry in out.values():
        if "findings" in entry:
            entry["findings"].sort()
    return out
