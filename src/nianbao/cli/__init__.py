"""The ``nianbao`` command: argument parsing and terminal output over the library (``nianbao``).

One module per group of commands; each imports what it uses inside its command function, so
that ``nianbao --help`` and ``nianbao parse`` start without the heavy parts.
"""

from __future__ import annotations

import argparse
import sys

from nianbao.cli import check, corpus, misc, parse, render
from nianbao.errors import MissingExtraError
from nianbao.extras import missing
from nianbao.files import iter_inputs

__all__ = ["build_parser", "iter_inputs", "main"]  # iter_inputs: for nianbao.corpus.ingest, until it moves


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; the corpus commands are built in full only when ``argv`` runs them."""
    parser = argparse.ArgumentParser(
        prog="nianbao", description="政府信息公开工作年度报告：解析、检查、生成与汇总 (parse, check, render, corpus)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    parse.add_parser(sub)
    check.add_parsers(sub)
    misc.add_parsers(sub)
    render.add_parser(sub)
    args = sys.argv[1:] if argv is None else argv
    corpus.add_parser(sub, wanted="corpus" in args)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser(argv).parse_args(argv)
        return int(args.func(args))
    except MissingExtraError as e:
        print(e.line(), file=sys.stderr)
        return 2
    except ImportError as e:  # a command whose extra is not installed
        extra = missing(e)
        if extra is None:
            raise
        print(extra.line(), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
