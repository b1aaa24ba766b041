"""Alembic's entry point: migrations always run on the connection handed over in the config."""

from __future__ import annotations

from alembic import context

from nianbao.corpus.db import Base
from nianbao.web.workspace.db import metadata as workspace  # the reviewer's workspace (revision 0004)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("nianbao migrations run only through nianbao.corpus.migrations.upgrade()")
context.configure(
    connection=connection,
    target_metadata=[Base.metadata, workspace],
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
