"""What a rendered report says, independent of the output format: the title, the preface,
the six sections' headings and paragraphs, and each table's cells filled with the report's
values in the layout's grid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from nianbao.extract.normalize import norm_label
from nianbao.numbering import BRACKETED_CN, CN_ENUM
from nianbao.render.layout import LayoutCell, ReportLayout, TableLayout, layout
from nianbao.render.title import title_lines
from nianbao.report import Number, Report

_SUBHEADING = re.compile(f"^(?:{BRACKETED_CN}|{CN_ENUM})[^。；]{{1,24}}[。：]?$")


@dataclass(frozen=True)
class Para:
    text: str
    sub: bool = False  # a short numbered sub-heading such as （一）主动公开


@dataclass(frozen=True)
class Filled:
    cell: LayoutCell
    text: str  # the label, or the formatted value

    @property
    def is_header(self) -> bool:
        return self.cell.kind in ("header", "note")


@dataclass(frozen=True)
class FilledTable:
    layout: TableLayout
    rows: tuple[tuple[Filled, ...], ...]

    @property
    def header(self) -> tuple[tuple[Filled, ...], ...]:
        return self.rows[: self.layout.header_rows]

    @property
    def body(self) -> tuple[tuple[Filled, ...], ...]:
        return self.rows[self.layout.header_rows :]


@dataclass(frozen=True)
class SectionContent:
    no: int
    heading: str
    paragraphs: tuple[Para, ...]
    tables: tuple[FilledTable, ...]


@dataclass(frozen=True)
class Content:
    title: str
    preface: tuple[Para, ...]
    sections: tuple[SectionContent, ...]
    layout: ReportLayout
    agency: str = ""  # the 落款 at the end, and the document's author
    date: date | None = None  # the 成文日期 of the 落款, and the document's date
    title_lines: tuple[str, ...] = ()  # the title as printed, broken at natural points (title.py)

    @property
    def title_printed(self) -> tuple[str, ...]:
        """The lines of the title (the title whole when it was not split)."""
        return self.title_lines or (self.title,)

    @property
    def date_text(self) -> str:
        """2026年1月20日: Arabic numerals, no leading zeros (GB/T 9704 7.3.5.4)."""
        d = self.date
        return f"{d.year}年{d.month}月{d.day}日" if d else ""


def format_value(value: Number) -> str:
    """12 → "12", 3.0 → "3", 1.25 → "1.25" (no float noise, no exponent)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return format(Decimal(repr(value)).normalize(), "f")


def paragraphs(text: str) -> tuple[Para, ...]:
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    return tuple(Para(ln, bool(_SUBHEADING.match(ln))) for ln in lines if ln)


def table_section_prose(text: str, tables: tuple[TableLayout, ...]) -> str:
    """The prose of a section that holds tables, without the trailing lines that are only
    those tables' header words (an extractor can leave a table's header, even broken one
    character per line, above its first row; printed above the table it would repeat)."""
    words = sorted({norm_label(c.text) for t in tables for c in t.cells() if c.kind != "value" and c.text}, key=len)
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(w) for w in reversed(words)))
    lines = text.split("\n")
    for i in range(len(lines)):
        if not pattern.sub("", norm_label("".join(lines[i:]))):
            return "\n".join(lines[:i])
    return text


def fill(table: TableLayout, values: dict[str, Number | None]) -> FilledTable:
    def one(c: LayoutCell) -> Filled:
        if c.kind != "value" or c.key is None:
            return Filled(c, c.text)
        value = values.get(c.key)
        return Filled(c, "" if value is None else format_value(value))

    return FilledTable(table, tuple(tuple(one(c) for c in row) for row in table.rows))


def build(report: Report, preface: str | None = None, today: date | None = None) -> Content:
    """The content of a validated report (see validate.validate_report), signed by the agency
    and dated ``today`` (the day it is rendered, unless given)."""
    plan = layout(report.template or "2021")
    template = plan.template
    texts = {s.no: s.text for s in report.sections}
    fields = {"agency": report.agency or "", "year": report.year, "name": template.name, "basis": template.basis}
    if preface is None:
        preface = plan.texts.preface.format(**fields)
    return Content(
        title=plan.texts.title.format(**fields),
        title_lines=title_lines(plan.texts.title, fields),
        preface=paragraphs(preface),
        sections=tuple(
            SectionContent(
                no=s.no,
                heading=s.heading,
                paragraphs=paragraphs(table_section_prose(texts.get(s.no, ""), s.tables)),
                tables=tuple(fill(t, report.values) for t in s.tables),
            )
            for s in plan.sections
        ),
        layout=plan,
        agency=report.agency or "",
        date=today or date.today(),
    )
