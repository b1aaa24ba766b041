"""``nianbao parse``: report files in, the JSON contract or a readable summary out."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nianbao.cli.output import dump_json, print_error, say
from nianbao.errors import NianbaoError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("parse", help="parse report files into structured data")
    p.add_argument("files", nargs="+", help="report files or directories")
    p.add_argument("--json", action="store_true", help="print the JSON contract (several files: an array)")
    p.add_argument("-o", "--output", help="write the JSON to this file")
    p.add_argument("--check", action="store_true", help="add the findings of `nianbao check` to the JSON")
    p.add_argument(
        "--history",
        metavar="DIR",
        help="other years' reports of the same agencies: a cell the table leaves ambiguous is fixed by the "
        "year before or after where the cross-year relations allow (provenance basis adjacent_year)",
    )
    p.set_defaults(func=cmd_parse)


def cmd_parse(args: argparse.Namespace) -> int:
    from nianbao._api import check, parse_many, read_history
    from nianbao.files import iter_inputs

    if not any(True for _ in iter_inputs(args.files)):
        say("nianbao: 没有找到报告文件 (E_NO_INPUT)")
        return 2
    history = read_history(args.history, on_error=print_error)
    reports: list[dict[str, object]] = []
    failed = 0
    for report in parse_many(args.files, history=history):
        if isinstance(report, NianbaoError):
            print_error(report)
            failed += 1
            continue
        if args.check:
            report = report.model_copy(update={"findings": check(report)})
        if args.json:
            reports.append(report.to_json_dict())
        else:
            from nianbao.summary import print_summary  # rich, only for the terminal

            print_summary(report)
    if args.json:
        single = len(args.files) == 1 and not Path(args.files[0]).is_dir()
        dump_json(reports[0] if single and len(reports) == 1 else reports, args.output)
    return 1 if failed else 0
