"""The ``nianbao`` command: argument parsing and terminal output over the library (``nianbao``).

One module per group of commands; each imports what it uses inside its command function, so
that ``nianbao --help`` and ``nianbao parse`` start without the heavy parts.
"""

from __future__ import annotations

import argparse
import sys

from nianbao.cli import check, corpus, misc, parse, render, user
from nianbao.errors import MissingExtraError
from nianbao.extras import missing

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="nianbao", description="政府信息公开工作年度报告：解析、检查、生成与汇总 (parse, check, render, corpus)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    parse.add_parser(sub)
    check.add_parsers(sub)
    misc.add_parsers(sub)
    render.add_parser(sub)
    corpus.add_parser(sub)
    user.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
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
