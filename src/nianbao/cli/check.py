"""``nianbao check`` and ``nianbao rules``: the findings of a batch, in the reviewer's formats."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.cli.output import add_limit_flags, limits_from, print_error, say
from nianbao.errors import NianbaoError

if TYPE_CHECKING:

    from nianbao.report import Finding, Report


def _date(text: str) -> str:
    from nianbao.checks.publication import parse_date

    if parse_date(text) is None:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}")
    return text


def add_parsers(sub: Any) -> None:
    c = sub.add_parser("check", help="check reports against the rules (arithmetic, structure, text, years)")
    c.add_argument("files", nargs="+", help="report files or directories")
    last = c.add_mutually_exclusive_group()
    last.add_argument("--previous", metavar="FILE", help="last year's report of the same agency")
    last.add_argument(
        "--history",
        metavar="DIR",
        help="earlier reports of the agencies (last year's is picked; the batch itself is always searched)",
    )
    shape = c.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print a JSON list of {source, findings} (= --format json)")
    shape.add_argument(
        "--format",
        choices=["text", "json", "csv", "xlsx", "html"],
        help="output format of the findings (one row per finding) or of --summary; default: the suffix of -o, "
        "else text",
    )
    c.add_argument(
        "--summary",
        action="store_true",
        help="one row per report (agency, year, format, errors, warnings, reading gaps, cells deduced or "
        "unreadable), most errors first",
    )
    c.add_argument("-o", "--output", metavar="OUT", help="write the findings or the summary to this file")
    c.add_argument(
        "--per-agency",
        metavar="DIR",
        help="write DIR/<agency>-<year>-问题清单.docx and .xlsx (the report's own faults, to send to the agency) "
        "and DIR/全部问题.xlsx (every finding, reading gaps on their own sheet)",
    )
    c.add_argument(
        "--severity", choices=["error", "warning", "info"], default="info", help="show findings of this level or worse"
    )
    c.add_argument("--published", metavar="DATE", type=_date, help="publication date (YYYY-MM-DD) for pub.deadline")
    add_limit_flags(c)
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rules", help="list the rules of `nianbao check` (id, severity, description)")
    r.add_argument("--markdown", action="store_true", help="print docs/rules.md")
    r.set_defaults(func=cmd_rules)


def _checked(args: argparse.Namespace, reports: list[Report], earlier: list[Report]) -> list[list[Finding]]:
    """Each report's findings: against the one --previous report, or against last year's found by
    the library in the batch and under --history."""
    from nianbao._api import check, check_many

    if args.previous:
        previous = earlier[0] if earlier else None
        return [check(r, previous=previous, published=args.published) for r in reports]
    return [found for _, found in check_many(reports, history=earlier, published=args.published)]


def cmd_check(args: argparse.Namespace) -> int:
    from datetime import date

    from nianbao._api import read_history
    from nianbao.checks import at_least
    from nianbao.checks.render_findings import CheckResult
    from nianbao.files import iter_inputs
    from nianbao.render.located import parse_inputs, relocate
    from nianbao.report import Report
    from nianbao.review import format_for, summarize, write_findings, write_per_agency, write_summary

    fmt = format_for("json" if args.json else args.format, args.output)
    if fmt == "xlsx" and not args.output:
        say("nianbao: xlsx 格式须用 -o 指定输出文件 (E_USAGE)")
        return 2
    if not any(True for _ in iter_inputs(args.files)):
        say("nianbao: 没有找到报告文件 (E_NO_INPUT)")
        return 2
    unread: list[NianbaoError] = []

    def unreadable(e: NianbaoError) -> None:  # named, and the batch goes on without it
        print_error(e)
        unread.append(e)

    limits = limits_from(args)
    earlier = read_history(args.previous or args.history, on_error=unreadable, limits=limits, isolate=True)
    # report files each in a bounded child; render's data files (YAML, JSON, workbook) read in place
    parsed = list(parse_inputs(args.files, limits=limits, isolate=True, workers=args.workers))
    for item in parsed:
        if isinstance(item, NianbaoError):
            unreadable(item)
    reports = [r for r in parsed if isinstance(r, Report)]
    # a data file's findings point at the line or cell the value was typed in
    findings = iter(relocate(r, f) for r, f in zip(reports, _checked(args, reports, earlier), strict=True))
    # every filter level keeps the errors, so the exit status reads the shown findings
    results = [
        CheckResult(r.source.path, r, at_least(next(findings), args.severity))
        if isinstance(r, Report)
        else CheckResult(str(r.path), error=r)
        for r in parsed
    ]
    out = Path(args.output) if args.output else None
    try:
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
        if args.summary:
            write_summary(summarize(results), fmt, out)
        else:
            write_findings(results, fmt, out)
        if out is not None:
            say(f"已生成 {out}")
        if args.per_agency:
            written = write_per_agency(results, Path(args.per_agency), date.today())
            lists = (len(written) - 1) // 2
            say(f"已生成 {lists} 份问题清单（DOCX 与 XLSX）及 {written[-1]}")
    except OSError as e:
        say(f"nianbao: {e.filename or out}: 无法写入：{e.strerror or e} (E_IO)")
        return 2
    if unread:
        return 2
    return 1 if any(f.severity == "error" for r in results for f in r.findings) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    import sys

    from nianbao.checks import RULES, rules_markdown

    if args.markdown:
        sys.stdout.write(rules_markdown() + "\n")
        return 0
    for r in RULES:
        print(f"{r.id:<28} {r.severity:<8} {r.description_zh}")
    return 0
