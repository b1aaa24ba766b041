"""A report's cells in one row: table ``cells`` (report id, the cells as one JSON object, whether
another year may fix one) replaces ``values`` (a row per cell).

Why: writing 200 rows a report was most of the ingest parent's work, and the parent must keep up
with every worker (issue 16: two workers at least 1.8 times as fast as one). The object holds each
cell by key with the same fields as the rows did, empty ones left out (``nianbao.corpus.cells``).
The cells stored before are carried over, and back on downgrade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# a cell's fields, in the order of the old table's columns (after report_id and key)
FIELDS = (
    "value",
    "status",
    "raw",
    "loc",
    "note",
    "candidates",
    "candidates_complete",
    "basis",
    "basis_source",
    "confidence",
)
BATCH = 500  # reports carried over per statement


def _cells_table() -> sa.TableClause:
    return sa.table(
        "cells", sa.column("report_id", BigId), sa.column("data", sa.JSON()), sa.column("fixable", sa.Boolean())
    )


def _values_table() -> sa.TableClause:
    return sa.table(
        "values",
        sa.column("report_id", BigId),
        sa.column("key", sa.String()),
        sa.column("value", sa.Double()),
        sa.column("status", sa.String()),
        sa.column("raw", sa.Text()),
        sa.column("loc", sa.JSON(none_as_null=True)),
        sa.column("note", sa.Text()),
        sa.column("candidates", sa.JSON(none_as_null=True)),
        sa.column("candidates_complete", sa.Boolean()),
        sa.column("basis", sa.String()),
        sa.column("basis_source", sa.Text()),
        sa.column("confidence", sa.Double()),
    )


def upgrade() -> None:
    op.create_table(
        "cells",
        sa.Column("report_id", BigId, autoincrement=False, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fixable", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_cells_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_cells")),
    )
    conn = op.get_bind()
    cells = _cells_table()
    for batch in _reports_cells(conn):
        conn.execute(sa.insert(cells), batch)
    op.drop_table("values")


def _reports_cells(conn: sa.Connection) -> Iterator[list[dict[str, Any]]]:
    """Every report's cells as the new rows, a batch of reports at a time."""
    values = _values_table()
    query = sa.select(values).order_by(values.c.report_id, values.c.key)
    batch: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for row in conn.execute(query).mappings():
        if current is None or current["report_id"] != row["report_id"]:
            if current is not None:
                batch.append(current)
                if len(batch) == BATCH:
                    yield batch
                    batch = []
            current = {"report_id": row["report_id"], "data": {}, "fixable": False}
        cell = {name: row[name] for name in FIELDS if row[name] is not None}
        if "value" in cell and float(cell["value"]).is_integer():
            cell["value"] = int(cell["value"])  # a count, as the worker writes it
        current["data"][row["key"]] = cell
        if row["status"] == "unreadable" and row["candidates_complete"] is True:
            current["fixable"] = True
    if current is not None:
        batch.append(current)
    if batch:
        yield batch


def downgrade() -> None:
    op.create_table(
        "values",
        sa.Column("report_id", BigId, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("loc", sa.JSON(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("candidates", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("candidates_complete", sa.Boolean(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=True),
        sa.Column("basis_source", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_values_report_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", "key", name=op.f("pk_values")),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    values, cells = _values_table(), _cells_table()
    rows: list[dict[str, Any]] = []
    for report_id, data in conn.execute(sa.select(cells.c.report_id, cells.c.data)):
        stored = json.loads(data) if isinstance(data, str) else data
        for key, cell in stored.items():
            rows.append({"report_id": report_id, "key": key, **{name: cell.get(name) for name in FIELDS}})
        if len(rows) >= BATCH * 200:
            conn.execute(sa.insert(values), rows)
            rows = []
    if rows:
        conn.execute(sa.insert(values), rows)
    op.drop_table("cells")
