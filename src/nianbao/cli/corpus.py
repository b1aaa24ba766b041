"""``nianbao corpus``: its parser still lives in ``nianbao.corpus.command`` (to move here), which
imports SQLAlchemy; it is built only when the command is ``corpus``, so that every other
command (and ``nianbao --help``) starts without it."""

from __future__ import annotations

from typing import Any

HELP = "many reports in one database: ingest, export, statistics"


def add_parser(sub: Any, wanted: bool) -> None:
    """The full ``corpus`` parser when ``wanted``, else a placeholder that lists it in the help."""
    if wanted:
        from nianbao.corpus.command import add_parser as add_corpus_parser

        add_corpus_parser(sub)
    else:
        sub.add_parser("corpus", help=HELP, add_help=False)
