"""Cells keep their whole provenance: note, candidates (and whether they are complete), basis and
the report it names, OCR confidence.

Why: a cell that its own table leaves ambiguous keeps its candidate readings in the database, so
that the linking of an agency's years can still fix it from the year before or after, and the
value then says how it was fixed (``basis`` ``adjacent_year``, ``basis_source`` the other report).
Cells stored before this revision get NULL in each new column: no note, no candidates, basis unknown.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("note", sa.Text()),
    ("candidates", sa.JSON(none_as_null=True)),
    ("candidates_complete", sa.Boolean()),
    ("basis", sa.String(length=16)),
    ("basis_source", sa.Text()),
    ("confidence", sa.Double()),
)


def upgrade() -> None:
    # plain ALTER TABLE … ADD COLUMN on both SQLite and PostgreSQL: nullable columns need no
    # rewrite of the table (SQLite's WITHOUT ROWID table is kept as it is)
    for name, type_ in COLUMNS:
        op.add_column("values", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # SQLite ≥ 3.35 drops a column in place; a batch (copy of the table) would lose WITHOUT ROWID
    for name, _ in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "values" DROP COLUMN {name}')
        else:
            op.drop_column("values", name)
