"""``nianbao render``: data in, a report in the official layout out — after the checks.

Nothing is written when the data is bad (E_DATA), and when the checks find errors unless
``--force`` is given (the findings are printed either way). Files are written whole or not
at all.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.cli.output import say
from nianbao.errors import E_DATA, NianbaoError

if TYPE_CHECKING:
    from nianbao.render.inputs import Draft


def add_parser(sub: Any) -> None:
    from nianbao.template import available

    p = sub.add_parser(
        "render",
        help="render a report in the official layout (DOCX, PDF, HTML, Markdown)",
        description="从数据生成官方格式的年度报告：DOCX、PDF、HTML 或 Markdown。",
    )
    p.add_argument("data", nargs="?", help="YAML/TOML/JSON data, the workbook of --template-xlsx, or a report file")
    p.add_argument("-o", "--output", help="report.docx|.pdf|.html|.md, or .yaml/.json to write the data itself")
    p.add_argument("--force", action="store_true", help="write even when the checks find errors")
    p.add_argument("--from-previous", metavar="FILE", help="start from last year's report (carry-overs, prose)")
    p.add_argument("--template-xlsx", metavar="OUT", help="write the Excel workbook to fill in (prefilled if data)")
    p.add_argument("--template", choices=available(), help="template version of an empty workbook")
    p.set_defaults(func=cmd_render)


def _draft(args: argparse.Namespace) -> tuple[Draft | None, Draft | None]:
    from nianbao.render.inputs import from_previous, load_file

    given = load_file(args.data) if args.data else None
    last = load_file(args.from_previous) if args.from_previous else None
    return (from_previous(last, given) if last else given), last


def _checked(draft: Draft, last: Draft | None, force: bool) -> bool:
    """Run the checks; print the findings; True when writing may go ahead."""
    from rich.console import Console

    from nianbao._api import check
    from nianbao.checks.render_findings import CheckResult, print_results
    from nianbao.render.inputs import to_report
    from nianbao.render.validate import validate_report

    report = to_report(draft)
    validate_report(report)
    findings = check(report, previous=to_report(last) if last else None)
    if findings:
        print_results([CheckResult(draft.source.path, report, findings)], Console(stderr=True, highlight=False))
    errors = [f for f in findings if f.severity == "error"]
    if errors and not force:
        say(f"nianbao: 检查发现{len(errors)}处错误，未生成文件；改正数据后重试，或加 --force 仍然生成")
        return False
    return True


def cmd_render(args: argparse.Namespace) -> int:
    from nianbao.files import write_atomic
    from nianbao.render import format_for, render
    from nianbao.render.inputs import to_report, to_yaml
    from nianbao.template import available

    if not (args.data or args.from_previous or args.template_xlsx):
        say("nianbao: 请给出数据文件、--from-previous 或 --template-xlsx (E_USAGE)")
        return 2
    if not (args.output or args.template_xlsx):
        say("nianbao: 请用 -o 指定输出文件（.docx .pdf .html .md .yaml .json） (E_USAGE)")
        return 2
    try:
        draft, last = _draft(args)
        if args.template_xlsx:
            from nianbao.render import workbook

            version = draft.version() if draft else (args.template or available()[0])
            write_atomic(args.template_xlsx, workbook.write(version, draft))
            say(f"已写入工作簿 {args.template_xlsx}")
        if not args.output:
            return 0
        if draft is None:
            raise NianbaoError(E_DATA, "没有数据可生成报告")
        suffix = Path(args.output).suffix.lower()
        if suffix in (".yaml", ".yml"):
            write_atomic(args.output, to_yaml(draft).encode("utf-8"))
        elif suffix == ".json":
            write_atomic(args.output, to_report(draft).model_dump_json(by_alias=True, indent=2).encode("utf-8"))
        else:
            fmt = format_for(args.output)
            if not _checked(draft, last, args.force):
                return 1
            write_atomic(args.output, render(to_report(draft), fmt, preface=draft.preface))
        say(f"已生成 {args.output}")
        return 0
    except NianbaoError as e:
        if e.path is None and args.data:
            e.with_path(args.data)
        say(e.line())
        return 1
