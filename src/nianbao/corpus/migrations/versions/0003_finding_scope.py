"""Findings keep whether they are the report's fault or nianbao's reading gap, and where to look.

Why: a reviewer's view of the corpus must never show what nianbao could not read as the agency's
fault; ``kind`` is the finding's scope (``report`` or ``reading``), ``place`` its location as a person
reads it. Findings stored before this revision get NULL: read back as the report's own.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

COLUMNS = (("kind", sa.String(length=16)), ("place", sa.Text()))


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("findings", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "findings" DROP COLUMN {name}')
        else:
            op.drop_column("findings", name)
