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
    for path in files:
        try:
            report = parse_file(path)
        except NianbaoError as e:
            _print_error(e)
            failed += 1
            continue
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


def _with_findings(report: Report) -> Report:
    from nianbao.checks import run_checks

    return report.model_copy(update={"findings": run_checks(report)})


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
    p.set_defaults(func=cmd_parse)

    t = sub.add_parser("template", help="show a template version (rows, columns, cell keys, arithmetic)")
    tsub = t.add_subparsers(dest="action", required=True)
    ts = tsub.add_parser("show", help="print one template")
    ts.add_argument("version", help="2021 or 2019")
    ts.add_argument("--json", action="store_true", help="print the template data as JSON")
    ts.set_defaults(func=cmd_template)

    s = sub.add_parser("schema", help="print the JSON Schema of the report object")
    s.add_argument("-o", "--output", help="write to this file")
    s.set_defaults(func=cmd_schema)
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
