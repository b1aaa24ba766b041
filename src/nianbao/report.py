"""The structured report: the JSON contract of design.md, as pydantic models.

``schema/report.schema.json`` is generated from ``Report`` (``nianbao schema``).
Keys may be added, never renamed or dropped.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic reads TypedDicts from here on Python 3.11

SCHEMA_ID = "nianbao.report/1"

# ok: read from a text layer; ocr: read by OCR with enough confidence; blank: empty or dash (0);
# missing: not found (None); unreadable: found but not certainly a number (None)
Status = Literal["ok", "ocr", "blank", "missing", "unreadable"]
Severity = Literal["error", "warning", "info"]
Basis = Literal["printed", "arithmetic", "adjacent_year"]
Scope = Literal["report", "reading"]
Number = int | float


@with_config(ConfigDict(extra="forbid"))
class Location(TypedDict, total=False):
    """Where something stands in the source; each key only when known. Lines and pages count
    from 1; ``table``, ``row`` and ``col`` are the source's own table and grid position (from 0);
    ``bbox`` is x0, top, x1, bottom in PDF points on ``page``; ``lines`` are the source lines of a
    section's text lines; ``field`` names a part of the report that is not a table (title,
    published); ``file``, ``sheet``, ``cell`` place a value written in a data file (YAML, JSON,
    workbook)."""

    line: int
    lines: list[int]
    page: int
    table: int
    row: int
    col: int
    bbox: list[float]
    field: str
    file: str
    sheet: str
    cell: str


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    path: str = Field(description="the file as given")
    sha256: str
    format: str = Field(description="format told by the bytes: text, markdown, html, docx, pdf, …")
    size: int | None = None
    encoding: str | None = Field(default=None, description="text encoding detected, for text formats")
    damaged_lines: list[int] | None = Field(
        default=None,
        description="lines holding bytes that could not be decoded (read as U+FFFD): nothing read from "
        "them is taken as read cleanly",
    )


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    no: int = Field(ge=1, le=6)
    title: str = Field(description="the title as printed, without its number")
    text: str
    loc: Location = Field(default_factory=lambda: Location())


class Provenance(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    raw: str | None = Field(description="the text of the cell as printed (None when not found)")
    status: Status
    loc: Location = Field(default_factory=lambda: Location())
    note: str | None = Field(default=None, description="why the status is not ok, in Chinese")
    candidates: list[dict[str, Number]] | None = Field(
        default=None, description="for an ambiguous run of digits: every split that fits the table"
    )
    confidence: float | None = Field(default=None, description="OCR engine's confidence, for status ocr")
    basis: Basis | None = Field(
        default=None,
        description="how the value was fixed: printed (read as one cell), arithmetic (split or placed by the "
        "table's equations, the only reading that fits), adjacent_year (fixed by another year's report)",
    )
    basis_source: str | None = Field(default=None, description="for basis adjacent_year: the other year's report")
    candidates_complete: bool | None = Field(
        default=None,
        description="true when candidates are every reading that fits the table's equations (so that "
        "another year's report may choose among them)",
    )


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    rule: str
    severity: Severity
    message: str
    keys: list[str] = Field(default_factory=list)
    loc: Location = Field(default_factory=lambda: Location())
    scope: Scope = Field(
        default="report",
        description="report: the report's own fault (what a reviewer sends back); reading: what nianbao could "
        "not read — never the agency's fault",
    )
    where: str | None = Field(
        default=None,
        description="where to look, as a person reads it: page and line (1-based) and the table, row and "
        "column by their printed labels, e.g. 第2页 表三“（七）总计”行“自然人”列",
    )


class YearInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    value: int | None
    source: Literal["title", "period", "text", "none"]
    title_year: int | None = None
    period_year: int | None = None


class Report(BaseModel):
    """One annual report, as parsed."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    source: Source
    title: str | None = None
    title_loc: Location = Field(default_factory=lambda: Location(), description="where the title is (line, page)")
    agency: str | None = None
    year: int | None = None
    year_info: YearInfo | None = None
    template: str | None = Field(description="template version: 2021 or 2019")
    template_evidence: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    values: dict[str, Number | None] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    extra_rows: list[dict[str, Any]] = Field(
        default_factory=list, description="table rows that are not in the national format, kept as printed"
    )
    findings: list[Finding] = Field(default_factory=list)
    published: str | None = Field(default=None, description="publication date if the source says (ISO)")

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
