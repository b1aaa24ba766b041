"""The workspace's service on each database the corpus runs on (SQLite, and PostgreSQL when
NIANBAO_TEST_PG_URL names a server; in CI always): accounts and sessions, a batch, a correction
checked again, a decision, a status, the dashboard's sorting and filters, the exports — and its
tables made by revision 0004 and taken away by its downgrade."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import inspect

from nianbao.corpus.db import open_db
from nianbao.corpus.migrations import config
from nianbao.pipeline import parse_file
from nianbao.web.workspace import auth, exports, service
from tests.corpus_support import KINDS, database
from tests.web_support import SAMPLE

USER = "库审核"


@pytest.mark.parametrize("kind", KINDS)
def test_workspace_service_on_the_database(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        engine = open_db(url)
        try:
            auth.add_user(engine, USER, "long enough password")
            user = auth.authenticate(engine, USER, "long enough password")
            assert user is not None
            sessions = auth.Sessions(engine)
            cookie, started = sessions.start(user)
            found = auth.Sessions(engine).find(cookie)  # another process: the key is in the database
            assert found is not None and found.csrf == started.csrf and found.user.name == USER

            batch = service.create_batch(engine, "库", USER)
            data = SAMPLE.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            added = service.add_file(engine, batch, SAMPLE.name, data, sha, parse_file(SAMPLE), None, USER)
            assert not added.resubmitted
            assert service.add_file(engine, batch, "again.txt", data, sha, parse_file(SAMPLE), None, USER).duplicate
            service.correct(engine, batch, added.report_id, "applications.new.natural_person", 2, "原件为2", USER)
            detail = service.detail(engine, batch, added.report_id)
            assert detail.row.errors == 2 and detail.corrections[0].user == USER
            service.decide(engine, batch, added.report_id, detail.keys[0], "dismissed", "口径差异", USER)
            service.set_status(engine, batch, added.report_id, "returned", "请核对", USER)

            (row,) = service.batch_rows(engine, batch, "status", True, True, "returned", "孟津")
            assert (row.errors, row.status_zh) == (1, "已退回")
            (info,) = service.list_batches(engine)
            assert (info.reports, info.with_errors, info.by_status) == (1, 1, {"returned": 1})
            name, xlsx = exports.summary(engine, batch, "xlsx")
            assert name == "库-审核汇总.xlsx"
            table = list(load_workbook(io.BytesIO(xlsx))["汇总"].iter_rows(values_only=True))
            assert table[1][-2:] == ("已退回", 1)
            with engine.connect() as conn:
                trail = service.audit_trail(conn, batch)
            assert [e.action for e in trail] == [
                "status.change",
                "finding.dismissed",
                "cell.correct",
                "report.upload",
                "batch.create",
            ]
            assert {e.user for e in trail} == {USER}

            with engine.begin() as conn:
                command.downgrade(config(conn), "0003")
                assert not any(t.startswith("ws_") for t in inspect(conn).get_table_names())
        finally:
            engine.dispose()
