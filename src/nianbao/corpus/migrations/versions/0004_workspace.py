"""The reviewer's workspace of ``nianbao serve`` (issue 18): accounts and their sessions, batches of
uploaded reports with each upload kept as a version, the decisions on findings, the cells
corrected by hand and the audit trail (the tables of ``nianbao.web.workspace.db``).

Why: a batch and what its reviewers decided must survive reloads and restarts of the server, and
live where the corpus does (one database, SQLite by default). The tables are new: nothing stored
before this revision changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def _fk(table: str, column: str, other: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{other}.id"], name=op.f(f"fk_{table}_{column}_{other}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "ws_users",
        sa.Column("id", BigId, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_users")),
        sa.UniqueConstraint("name", name=op.f("uq_ws_users_name")),
    )
    op.create_table(
        "ws_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=False),
        _fk("ws_sessions", "user_id", "ws_users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_sessions")),
    )
    op.create_index(op.f("ix_ws_sessions_user_id"), "ws_sessions", ["user_id"], unique=False)
    op.create_table(
        "ws_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_ws_settings")),
    )
    op.create_table(
        "ws_batches",
        sa.Column("id", BigId, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_batches")),
    )
    op.create_table(
        "ws_reports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("batch_id", BigId, nullable=False),
        sa.Column("agency", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=32), nullable=True),
        sa.Column("template", sa.String(length=16), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=32), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("previous_mode", sa.String(length=16), nullable=False),
        sa.Column("previous_ref", sa.BigInteger(), nullable=True),
        sa.Column("previous_label", sa.Text(), nullable=True),
        sa.Column("previous_link", sa.Text(), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
        _fk("ws_reports", "batch_id", "ws_batches"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_reports")),
    )
    op.create_index(op.f("ix_ws_reports_batch_id"), "ws_reports", ["batch_id"], unique=False)
    op.create_table(
        "ws_versions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("report_id", BigId, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("upload", sa.String(length=32), nullable=True),
        sa.Column("parsed", sa.JSON(), nullable=True),
        sa.Column("checked", sa.JSON(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        _fk("ws_versions", "report_id", "ws_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_versions")),
    )
    op.create_index(op.f("ix_ws_versions_report_id"), "ws_versions", ["report_id"], unique=False)
    op.create_table(
        "ws_corrections",
        sa.Column("id", BigId, nullable=False),
        sa.Column("version_id", BigId, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("before", sa.Double(), nullable=True),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_name", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        _fk("ws_corrections", "version_id", "ws_versions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_corrections")),
    )
    op.create_index(op.f("ix_ws_corrections_version_id"), "ws_corrections", ["version_id"], unique=False)
    op.create_table(
        "ws_decisions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("report_id", BigId, nullable=False),
        sa.Column("finding", sa.String(length=400), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_name", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        _fk("ws_decisions", "report_id", "ws_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_decisions")),
    )
    op.create_index(op.f("ix_ws_decisions_report_id"), "ws_decisions", ["report_id"], unique=False)
    op.create_table(
        "ws_audit",
        sa.Column("id", BigId, nullable=False),
        sa.Column("batch_id", BigId, nullable=True),
        sa.Column("report_id", sa.BigInteger(), nullable=True),
        sa.Column("user_name", sa.Text(), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        _fk("ws_audit", "batch_id", "ws_batches"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_audit")),
    )
    op.create_index(op.f("ix_ws_audit_batch_id"), "ws_audit", ["batch_id"], unique=False)
    op.create_index(op.f("ix_ws_audit_report_id"), "ws_audit", ["report_id"], unique=False)


def downgrade() -> None:
    for table in ("ws_audit", "ws_decisions", "ws_corrections", "ws_versions", "ws_reports", "ws_batches"):
        op.drop_table(table)
    for table in ("ws_settings", "ws_sessions", "ws_users"):
        op.drop_table(table)
