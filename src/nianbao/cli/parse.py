"""``nianbao parse``: report files in, the JSON contract or a readable summary out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nianbao.cli.output import JsonStream, add_limit_flags, dump_json, limits_from, print_error, say
from nianbao.errors import NianbaoError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("parse", help="parse report files into structured data")
    p.add_argument("files", nargs="+", help="report files or directories")
    p.add_argument("--json", action="store_true", help="print the JSON contract (several files: an array)")
    p.add_argument(
        "--jsonl", action="store_true", help="print one JSON object per line, each as soon as its file is parsed"
    )
    p.add_argument("-o", "--output", help="write the JSON to this file")
    p.add_argument("--check", action="store_true", help="add the findings of `nianbao check` to the JSON")
    p.add_argument(
        "--history",
        metavar="DIR",
        help="other years' reports of the same agencies: a cell the table leaves ambiguous is fixed by the "
        "year before or after where the cross-year relations allow (provenance basis adjacent_year)",
    )
    add_limit_flags(p)
    p.set_defaults(func=cmd_parse)


def cmd_parse(args: argparse.Namespace) -> int:
    from nianbao._api import check, parse_many, read_history
    from nianbao.files import iter_inputs

    if not any(True for _ in iter_inputs(args.files)):
        say("nianbao: 没有找到报告文件 (E_NO_INPUT)")
        return 2
    limits = limits_from(args)
    history = read_history(args.history, on_error=print_error, limits=limits, isolate=True)
    single = len(args.files) == 1 and not Path(args.files[0]).is_dir()
    stream = JsonStream(args.output, args.jsonl) if args.jsonl or (args.json and not single) else None
    failed = 0
    one: dict[str, object] | None = None
    _stop_on_sigterm()
    try:
        for report in parse_many(args.files, history=history, limits=limits, isolate=True, workers=args.workers):
            if isinstance(report, NianbaoError):
                print_error(report)
                failed += 1
                continue
            if args.check:
                report = report.model_copy(update={"findings": check(report)})
            if stream is not None:
                stream.write(report.to_json_dict())
            elif args.json:
                one = report.to_json_dict()
            else:
                from nianbao.summary import print_summary  # rich, only for the terminal

                print_summary(report)
    finally:
        if stream is not None:
            stream.close()  # the array is closed even when the run is interrupted
    if one is not None:
        dump_json(one, args.output)
    elif single and args.json and not args.jsonl:
        dump_json([], args.output)
    return 1 if failed else 0


def _stop_on_sigterm() -> None:
    """SIGTERM ends the run as Ctrl-C does: what was parsed is kept, the output closed."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
