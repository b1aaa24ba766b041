"""Findings for people and for programs: a list grouped by report and severity
(colour on a terminal, via rich), or JSON (a list of {source, findings})."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape

from nianbao.checks.base import SEVERITY_ORDER, SEVERITY_ZH
from nianbao.errors import NianbaoError
from nianbao.report import Finding, Location, Report

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_FIELD_ZH = {"title": "标题", "published": "发布日期"}


@dataclass
class CheckResult:
    """One input of `nianbao check`: its findings, or why it could not be read."""

    source: str
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    error: NianbaoError | None = None


def loc_text(loc: Location) -> str:
    """Where to look, in Chinese, counted from 1: 第3页 第12行, 表格2第4行第5列, 标题 (a grid's
    table, row and column are kept from 0 in ``loc``, for programs)."""
    parts = []
    if "page" in loc:
        parts.append(f"第{loc['page']}页")
    if "line" in loc:
        parts.append(f"第{loc['line']}行")
    if "table" in loc:
        cell = f"表格{loc['table'] + 1}"
        if "row" in loc:
            cell += f"第{loc['row'] + 1}行"
        if "col" in loc:
            cell += f"第{loc['col'] + 1}列"
        parts.append(cell)
    if "field" in loc:
        parts.append(_FIELD_ZH.get(loc["field"], loc["field"]))
    return " ".join(parts) or "全文"


def to_json(results: list[CheckResult]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in results:
        item: dict[str, Any] = {"source": r.source, "findings": [f.model_dump(mode="json") for f in r.findings]}
        if r.report is not None:
            item["agency"] = r.report.agency
            item["year"] = r.report.year
        if r.error is not None:
            item["error"] = {"code": r.error.code, "reason": r.error.reason}
        out.append(item)
    return out


def print_results(results: list[CheckResult], console: Console | None = None) -> None:
    """The readable list: per report a heading, then its findings, errors first."""
    console = console or Console(highlight=False)
    for r in results:
        head = f"[bold]{escape(r.source)}[/]"
        if r.report is not None:
            head += f"  {escape(r.report.agency or '（机关未识别）')} {r.report.year or '（年度未识别）'}"
        console.print(head)
        if r.error is not None:
            console.print(f"  [bold red]无法读取[/]：{escape(r.error.reason)} ({r.error.code})")
            continue
        if not r.findings:
            console.print("  [green]未发现问题[/]")
            continue
        faults = [f for f in r.findings if f.scope == "report"]
        for severity in SEVERITY_ORDER:
            group = [f for f in faults if f.severity == severity]
            if group:
                _print_group(console, f"{SEVERITY_ZH[severity]}（{len(group)}）", _STYLE[severity], group)
        gaps = [f for f in r.findings if f.scope == "reading"]
        if gaps:
            _print_group(console, f"读取问题（{len(gaps)}，nianbao 未能可靠读取之处，不是报告的问题）", "magenta", gaps)
        console.print()


def _print_group(console: Console, title: str, style: str, group: list[Finding]) -> None:
    console.print(f"  [{style}]{title}[/]")
    for f in group:
        place = f.where or loc_text(f.loc)
        console.print(f"    [{style}]{escape(f.rule)}[/] [dim]{escape(place)}[/]  {escape(f.message)}", soft_wrap=True)
