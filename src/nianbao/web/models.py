"""The JSON bodies of the API beyond the report contract (which is ``nianbao.report.Report``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from nianbao.report import Finding, Report

RenderFormat = Literal["docx", "pdf", "html", "md"]

Sort = Literal["agency", "year", "region", "template", "errors", "warnings"]
Status = Literal["errors", "clean"]

# the original files the corpus serves, by suffix (others as application/octet-stream)
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".wps": "application/vnd.ms-works",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xls": "application/vnd.ms-excel",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".rtf": "application/rtf",
    ".odt": "application/vnd.oasis.opendocument.text",
}


@dataclass(frozen=True)
class Selection:
    """What the researcher chose: the filters (agency text, year, region path prefix such as
    河南省 or 河南省/洛阳市, template version, with or without errors) and the sort."""

    agency: str | None = None
    year: int | None = None
    region: str | None = None
    template: str | None = None
    status: Status | None = None
    sort: Sort | None = None
    desc: bool = False


class Summary(BaseModel):
    """What a reviewer sees first: whose report, which year and format, how much is wrong."""

    agency: str | None
    year: int | None
    template: str | None
    format: str = Field(description="the file's format, told by its bytes")
    errors: int
    warnings: int
    infos: int
    cells: dict[str, int] = Field(description="how many cells have each status (ok, blank, missing, unreadable)")


class RenderProblem(BaseModel):
    """One thing that keeps ``/api/v1/render`` from drawing the report: what the live check of the
    form and the download both ask for (one function, ``nianbao.web.api.render_problems``)."""

    field: str = Field(description="agency, year, sections.N (a section's number) or values.KEY (a cell)")
    key: str | None = Field(default=None, description="the cell's key, for values.KEY")
    message: str = Field(description="what to fill in or correct, naming a cell by its labels (表三“…”行“…”列)")


class CheckResult(BaseModel):
    upload: str | None = Field(description="id of the stored upload, for /api/v1/uploads/{id}/source")
    name: str = Field(description="the file name as sent (display only)")
    summary: Summary
    findings: list[Finding]
    report: Report
    previous: Summary | None = Field(default=None, description="last year's report, when one was sent")
    required: list[RenderProblem] = Field(
        default_factory=list,
        description="what /api/v1/render would refuse in this data (empty: the download will be made); "
        "only /api/v1/check/data fills it",
    )


class SourceLineOut(BaseModel):
    text: str
    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    sheet: str | None = Field(default=None, description="a workbook's sheet (``line`` is then the row number)")
    focus: bool = Field(description="the line the location names")


class SourceExcerpt(BaseModel):
    upload: str
    name: str
    format: str
    lines: list[SourceLineOut]


class LayoutCellOut(BaseModel):
    row: int
    col: int
    kind: Literal["header", "label", "note", "value"]
    text: str
    key: str | None
    rowspan: int
    colspan: int


class TableLayoutOut(BaseModel):
    key: str
    width: int
    header_rows: int
    rows: list[list[LayoutCellOut]]


class SectionLayoutOut(BaseModel):
    no: int
    heading: str
    tables: list[TableLayoutOut]


class LayoutOut(BaseModel):
    """A template's official table layout, with each value cell's key, kind and description."""

    template: str
    name: str
    basis: str
    sections: list[SectionLayoutOut]
    kinds: dict[str, str] = Field(description="cell key → count (integer ≥ 0), decimal or signed")
    cells: dict[str, str] = Field(description="cell key → its place in Chinese (表三“…”行“…”列)")
    required_sections: list[int] = Field(description="sections that are prose only and must be written")


class CorpusHit(BaseModel):
    id: int
    agency: str | None
    year: int | None
    template: str | None
    region: str | None
    errors: int = Field(description="findings of severity error")
    warnings: int


class CorpusPage(BaseModel):
    total: int = Field(description="reports that match, in all pages")
    items: list[CorpusHit]
    years: list[int] = Field(description="every year in the corpus")
    regions: list[str] = Field(description="the provinces and prefectures of the corpus, as region paths")
    templates: list[str] = Field(description="the template versions of the corpus")


class CorpusCrossFinding(BaseModel):
    rule: str
    severity: str
    message: str


class CorpusYear(BaseModel):
    id: int
    year: int | None
    agency: str | None = Field(description="the agency as this year's report names it")
    current: bool = Field(description="the report asked about")
    crossyear: list[CorpusCrossFinding] = Field(description="findings against the year before")


class CorpusReportOut(BaseModel):
    id: int
    previous_id: int | None = Field(description="last year's report of the same agency, if in the corpus")
    summary: Summary
    findings: list[Finding]
    report: Report


class StatsGroup(BaseModel):
    name: str = Field(description="the year, region or agency; 全部 when not grouped")
    reports: int = Field(description="agency-years (one canonical report each)")
    reports_with_errors: int
    received: float = Field(description="applications received this year (table 三, row 一, total)")
    carried_over: float
    results_total: float
    carried_forward: float
    granted_share: float | None = Field(description="予以公开 / 办理结果总计")
    partial_share: float | None
    corrected_share: float | None = Field(description="appeals decided whose result was corrected")
    outcomes: dict[str, float] = Field(description="results by outcome (table 三 groups)")
    appeals: dict[str, float] = Field(description="appeals by kind (table 四 totals)")
    appeal_results: dict[str, float] = Field(
        default_factory=dict, description="appeals of all kinds by result (table 四: 维持, 纠正, 其他结果, 尚未审结)"
    )
    left_out: dict[str, int] = Field(
        default_factory=dict,
        description="for each figure above that is a sum (received, carried_over, results_total, carried_forward): "
        "the agency-years whose cell was not read and is therefore not in it (never counted as 0)",
    )
    small: bool = Field(default=False, description="fewer than 5 agency-years: figures to read with care")


class StatsRule(BaseModel):
    rule: str
    description: str
    severity: str
    reports: int


class StatsOut(BaseModel):
    by: Literal["year", "region", "agency"] | None
    groups: list[StatsGroup]
    rules: list[StatsRule]
