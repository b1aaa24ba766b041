"""Readable terminal output of a report and of a template (rich tables, colour on a tty)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from nianbao.report import Report
from nianbao.template import Template, load

_STATUS_STYLE = {"ok": "", "ocr": "cyan", "blank": "dim", "missing": "bold red", "unreadable": "bold magenta"}
_STATUS_ZH = {"ocr": "ᵒ", "blank": "空", "missing": "缺", "unreadable": "?"}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, width=200)


def _cell(report: Report, key: str) -> str:
    prov = report.provenance.get(key)
    value = report.values.get(key)
    status = prov.status if prov else "missing"
    text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    if status != "ok":
        text = f"{text}{_STATUS_ZH[status]}" if text else _STATUS_ZH[status]
    style = _STATUS_STYLE[status]
    return f"[{style}]{text}[/]" if style else text


def print_summary(report: Report) -> None:
    console = _console()
    template = load(report.template or "2021")
    counts: dict[str, int] = {}
    for p in report.provenance.values():
        counts[p.status] = counts.get(p.status, 0) + 1
    console.print(f"[bold]{report.source.path}[/]  格式 {report.source.format}")
    console.print(
        f"  机关：{report.agency or '（未识别）'}  年度：{report.year or '（未识别）'}"
        f"（来源：{report.year_info.source if report.year_info else '-'}）  模板：{report.template}"
    )
    console.print(
        f"  章节：{'、'.join(str(s.no) for s in report.sections) or '无'}  单元格："
        + "，".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )
    for table in template.tables:
        if table.layout == "flat":
            rt = RichTable(title=table.title, show_lines=False)
            rt.add_column("")
            block = table.blocks[0]
            for c in block.columns:
                rt.add_column(c.label, justify="right")
            for r in block.rows:
                rt.add_row(r.label, *(_cell(report, table.cell_key(r, c)) for c in block.columns))
            console.print(rt)
            continue
        for block in table.blocks:
            rt = RichTable(title=block.label or table.title, show_lines=False)
            rt.add_column("信息内容" if block.label else "")
            for c in block.columns:
                rt.add_column(c.label, justify="right")
            for r in block.rows:
                rt.add_row(r.label, *(_cell(report, table.cell_key(r, c)) for c in block.columns))
            console.print(rt)
    for f in report.findings:
        console.print(f"  [{f.severity}] {f.rule}: {f.message}")
    console.print()


def print_template(template: Template) -> None:
    console = _console()
    console.print(f"[bold]{template.name}[/]（{template.basis}），版本 {template.version}")
    console.print("章节：" + "；".join(f"{s.no}. {s.title}" for s in template.sections))
    for table in template.tables:
        rt = RichTable(title=f"{table.title}（{table.key}.*）")
        for heading in ("行 ROW", "标签", "列 COL", "单元格键"):
            rt.add_column(heading)
        for block, row, col, key in table.cells():
            rt.add_row(row.key, row.label if col == block.columns[0] else "", col.label, key)
        console.print(rt)
    console.print("勾稽关系：")
    for rel in template.relations:
        console.print(f"  {rel.id}: {' + '.join(rel.lhs)} = {' + '.join(rel.rhs)}（{rel.description}）")
