"""The `nianbao` command: a thin edge over parse, check, render and the corpus."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from nianbao.errors import NianbaoError
from nianbao.report import Report

REPORT_SUFFIXES = {
    ".txt",
    ".md",
    ".markdown",
    ".htm",
    ".html",
    ".shtml",
    ".xhtml",
    ".mht",
    ".docx",
    ".doc",
    ".wps",
    ".rtf",
    ".pdf",
    ".xlsx",
    ".xls",
    ".et",
    ".odt",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".bmp",
    ".gif",
    ".webp",
}


def iter_inputs(paths: list[str]) -> Iterator[Path]:
    """Files named, and every report file under directories named (sorted, so runs repeat)."""
    for name in paths:
        p = Path(name)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES)
        else:
            yield p


def _print_error(e: NianbaoError) -> None:
    print(e.line(), file=sys.stderr)


def _dump_json(obj: object, out: str | None) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=2)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def cmd_parse(args: argparse.Namespace) -> int:
    from nianbao.pipeline import parse_file
    from nianbao.summary import print_summary

    reports: list[dict[str, object]] = []
    failed = 0
    files = list(iter_inputs(args.files))
    if not files:
        print("nianbao: 没有找到报告文件 (E_NO_INPUT)", file=sys.stderr)
        return 2
    history = _read_history(args.history) if args.history else []
    for path in files:
        try:
            report = parse_file(path)
        except NianbaoError as e:
            _print_error(e)
            failed += 1
            continue
        if history:
            from nianbao.extract.history import with_history

            report = with_history(report, history)
        if getattr(args, "check", False):
            report = _with_findings(report)
        if args.json:
            reports.append(report.to_json_dict())
        else:
            print_summary(report)
    if args.json:
        single = len(args.files) == 1 and not Path(args.files[0]).is_dir()
        _dump_json(reports[0] if single and len(reports) == 1 else reports, args.output)
    return 1 if failed else 0


def _read_history(directory: str) -> list[Report]:
    """Every readable report under ``directory``; one that cannot be read is named and left out."""
    from nianbao.pipeline import parse_file

    out: list[Report] = []
    for path in iter_inputs([directory]):
        try:
            out.append(parse_file(path))
        except NianbaoError as e:
            _print_error(e)
    return out


def _with_findings(report: Report) -> Report:
    from nianbao.checks import check_report

    return report.model_copy(update={"findings": check_report(report)})


def cmd_check(args: argparse.Namespace) -> int:
    from datetime import date

    from nianbao.checks import at_least, check_batch, check_report
    from nianbao.checks.render_findings import CheckResult
    from nianbao.pipeline import parse_file
    from nianbao.review import format_for, summarize, write_findings, write_per_agency, write_summary

    fmt = format_for("json" if args.json else args.format, args.output)
    if fmt == "xlsx" and not args.output:
        print("nianbao: xlsx 格式须用 -o 指定输出文件 (E_USAGE)", file=sys.stderr)
        return 2
    files = list(iter_inputs(args.files))
    if not files:
        print("nianbao: 没有找到报告文件 (E_NO_INPUT)", file=sys.stderr)
        return 2
    unread = 0
    earlier: list[Report] = []  # --previous, or every report under --history
    for path in iter_inputs([args.previous or args.history] if args.previous or args.history else []):
        try:
            earlier.append(parse_file(path))
        except NianbaoError as e:  # the reports are still checked, without this one
            _print_error(e)
            unread += 1
    parsed: list[tuple[Path, Report | NianbaoError]] = []
    for path in files:
        try:
            parsed.append((path, parse_file(path)))
        except NianbaoError as e:  # named in the results; the batch goes on
            _print_error(e)
            parsed.append((path, e))
            unread += 1
    reports = [r for _, r in parsed if isinstance(r, Report)]
    if args.previous:
        previous = earlier[0] if earlier else None
        checked = [check_report(r, previous=previous, published=args.published) for r in reports]
    else:  # each report's last year is looked for in the batch itself and under --history
        checked = [found for _, found in check_batch(reports, history=earlier, published=args.published)]
    findings = iter(checked)
    # every filter level keeps the errors, so the exit status reads the shown findings
    results = [
        CheckResult(str(path), r, at_least(next(findings), args.severity))
        if isinstance(r, Report)
        else CheckResult(str(path), error=r)
        for path, r in parsed
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
            print(f"已生成 {out}", file=sys.stderr)
        if args.per_agency:
            written = write_per_agency(results, Path(args.per_agency), date.today())
            lists = (len(written) - 1) // 2
            print(f"已生成 {lists} 份问题清单（DOCX 与 XLSX）及 {written[-1]}", file=sys.stderr)
    except OSError as e:
        print(f"nianbao: {e.filename or out}: 无法写入：{e.strerror or e} (E_IO)", file=sys.stderr)
        return 2
    if unread:
        return 2
    return 1 if any(f.severity == "error" for r in results for f in r.findings) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    from nianbao.checks import RULES, rules_markdown

    if args.markdown:
        sys.stdout.write(rules_markdown() + "\n")
        return 0
    for r in RULES:
        print(f"{r.id:<28} {r.severity:<8} {r.description_zh}")
    return 0


def _date(text: str) -> str:
    from nianbao.checks.publication import parse_date

    if parse_date(text) is None:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}")
    return text


def cmd_template(args: argparse.Namespace) -> int:
    from nianbao.summary import print_template
    from nianbao.template import available, load

    if args.version not in available():
        print(f"nianbao: 未知的模板版本 {args.version}（可用：{'、'.join(available())}） (E_TEMPLATE)", file=sys.stderr)
        return 2
    if args.json:
        _dump_json(load(args.version).raw, None)
    else:
        print_template(load(args.version))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from nianbao.schema import report_schema

    _dump_json(report_schema(), args.output)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from nianbao.web.server import serve

    serve(args.host, args.port, args.db, args.workers, args.data_dir)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao", description="政府信息公开工作年度报告：解析、检查、生成与汇总 (parse, check, render, corpus)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

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
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rules", help="list the rules of `nianbao check` (id, severity, description)")
    r.add_argument("--markdown", action="store_true", help="print docs/rules.md")
    r.set_defaults(func=cmd_rules)

    t = sub.add_parser("template", help="show a template version (rows, columns, cell keys, arithmetic)")
    tsub = t.add_subparsers(dest="action", required=True)
    ts = tsub.add_parser("show", help="print one template")
    ts.add_argument("version", help="2021 or 2019")
    ts.add_argument("--json", action="store_true", help="print the template data as JSON")
    ts.set_defaults(func=cmd_template)

    s = sub.add_parser("schema", help="print the JSON Schema of the report object")
    s.add_argument("-o", "--output", help="write to this file")
    s.set_defaults(func=cmd_schema)

    w = sub.add_parser("serve", help="run the web pages and the JSON API (/api/v1, /openapi.json)")
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    w.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    w.add_argument("--db", metavar="URL", help="corpus database (default: that of `nianbao corpus`)")
    w.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    w.add_argument("--data-dir", metavar="DIR", help="where uploads are kept (default: a temporary directory)")
    w.set_defaults(func=cmd_serve)

    from nianbao.render.command import add_parser as add_render_parser

    add_render_parser(sub)

    from nianbao.corpus.command import add_parser as add_corpus_parser

    add_corpus_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
