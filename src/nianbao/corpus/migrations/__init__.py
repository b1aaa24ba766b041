"""Alembic migrations shipped inside the package and applied whenever a corpus database is opened.

The configuration that an ``alembic.ini`` would hold is made here in code, so that an installed
package needs no file outside itself. A developer adds a migration after changing ``db.py`` with
``python -m nianbao.corpus.migrations "what changed" [--db URL]`` (autogenerate against a database
at head).
"""

from __future__ import annotations

import argparse

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = "nianbao.corpus:migrations"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    rev = ScriptDirectory.from_config(config()).get_current_head()
    assert rev is not None
    return rev


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (nothing to do when it is there already)."""
    with engine.begin() as conn:
        if current(conn) == head():
            return
        command.upgrade(config(conn), "head")


def main() -> None:
    from nianbao.corpus import DEFAULT_URL
    from nianbao.corpus.db import make_engine

    ap = argparse.ArgumentParser(description="write a new migration from the difference between db.py and a database")
    ap.add_argument("message")
    ap.add_argument("--db", default=DEFAULT_URL)
    args = ap.parse_args()
    engine = make_engine(args.db)
    upgrade(engine)
    with engine.begin() as conn:
        command.revision(config(conn), message=args.message, autogenerate=True)


if __name__ == "__main__":
    main()
