"""The rows a reviewer reads: one per report (the summary) and one per finding, with Chinese
headers, built once so every output format shows the same columns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nianbao.checks.base import SCOPE_ZH, SEVERITY_ZH
from nianbao.checks.render_findings import CheckResult
from nianbao.report import Finding, Report, Scope

UNKNOWN_AGENCY = "机关未识别"
UNKNOWN_YEAR = "年度未识别"
UNREAD_FILE = "文件无法读取"  # the 类别 of an input that could not be read at all
DEDUCED = ("arithmetic", "adjacent_year")
# findings that say what the check covered (「与上年报告核对：…一致」), not what is wrong: for the
# reviewer, never in an agency's 问题清单
ABOUT_THE_CHECK = frozenset({"xyear.compared"})

SUMMARY_HEADERS = (
    "文件",
    "机关",
    "年度",
    "格式",
    "模板",
    "错误",
    "警告",
    "读取问题",
    "推算单元格",
    "无法读取单元格",
    UNREAD_FILE,
)
FINDING_HEADERS = ("文件", "机关", "年度", "规则", "严重程度", "类别", "位置", "说明")
_SCOPE_COLUMN = FINDING_HEADERS.index("类别")
SCOPE_HEADERS = tuple(h for h in FINDING_HEADERS if h != "类别")


@dataclass(frozen=True)
class Sheet:
    """A table for people: its name (a workbook's sheet, a page's title), headers and rows."""

    name: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class SummaryRow:
    """One report of a batch in figures; the counts are None for a file that could not be read.
    ``errors`` and ``warnings`` count the report's own faults, ``reading_gaps`` what nianbao
    could not read, ``deduced`` the cells fixed by arithmetic or another year's report."""

    file: str
    agency: str | None
    year: int | None
    format: str | None
    template: str | None
    errors: int | None
    warnings: int | None
    reading_gaps: int | None
    deduced: int | None
    unreadable_cells: int | None
    error_code: str | None = None
    error_reason: str | None = None

    @property
    def failure(self) -> str | None:
        """「原因 (E_CODE)」 for a file that could not be read."""
        return f"{self.error_reason} ({self.error_code})" if self.error_code else None

    def cells(self) -> tuple[Any, ...]:
        return (
            self.file,
            self.agency,
            self.year,
            self.format,
            self.template,
            self.errors,
            self.warnings,
            self.reading_gaps,
            self.deduced,
            self.unreadable_cells,
            self.failure,
        )


def faults(findings: Iterable[Finding]) -> list[Finding]:
    """The report's own faults: what the agency must fix."""
    return [f for f in findings if f.scope == "report"]


def to_fix(findings: Iterable[Finding]) -> list[Finding]:
    """What the agency must fix: the report's own faults, without the notes on what the check covered."""
    return [f for f in faults(findings) if f.rule not in ABOUT_THE_CHECK]


def gaps(findings: Iterable[Finding]) -> list[Finding]:
    """What nianbao could not read: for the reviewer only, never for the agency."""
    return [f for f in findings if f.scope == "reading"]


def summarize(results: Iterable[CheckResult]) -> list[SummaryRow]:
    """One row per input: files that could not be read first (they were not checked at all),
    then by errors, warnings and reading gaps, most first; ties by file name."""
    rows = [_summary_row(r) for r in results]
    return sorted(
        rows,
        key=lambda s: (s.error_code is None, -(s.errors or 0), -(s.warnings or 0), -(s.reading_gaps or 0), s.file),
    )


def _summary_row(result: CheckResult) -> SummaryRow:
    report = result.report
    if report is None:
        code, reason = _failure(result)
        return SummaryRow(result.source, None, None, None, None, None, None, None, None, None, code, reason)
    own = faults(result.findings)
    return SummaryRow(
        file=result.source,
        agency=report.agency,
        year=report.year,
        format=report.source.format,
        template=report.template,
        errors=sum(f.severity == "error" for f in own),
        warnings=sum(f.severity == "warning" for f in own),
        reading_gaps=len(gaps(result.findings)),
        deduced=sum(p.basis in DEDUCED for p in report.provenance.values()),
        unreadable_cells=sum(p.status == "unreadable" for p in report.provenance.values()),
    )


def summary_sheet(rows: list[SummaryRow]) -> Sheet:
    return Sheet("汇总", SUMMARY_HEADERS, [r.cells() for r in rows])


def finding_cells(source: str, report: Report, finding: Finding) -> tuple[Any, ...]:
    return (
        source,
        report.agency,
        report.year,
        finding.rule,
        SEVERITY_ZH[finding.severity],
        SCOPE_ZH[finding.scope],
        finding.where or "",
        finding.message,
    )


def findings_sheet(results: Iterable[CheckResult]) -> Sheet:
    """Every finding of every report, in the order of the inputs; an input that could not be
    read is one row of 类别「文件无法读取」 with its code as the rule."""
    rows: list[tuple[Any, ...]] = []
    for r in results:
        if r.report is None:
            code, reason = _failure(r)
            rows.append((r.source, None, None, code, SEVERITY_ZH["error"], UNREAD_FILE, "", reason))
            continue
        rows += [finding_cells(r.source, r.report, f) for f in r.findings]
    return Sheet("检查结果", FINDING_HEADERS, rows)


def _failure(result: CheckResult) -> tuple[str, str]:
    """The code and reason of an input that was not read (a result without a report has an error)."""
    assert result.error is not None, result.source
    return result.error.code, result.error.reason


def scope_sheet(results: Iterable[CheckResult], scope: Scope) -> Sheet:
    """The findings of one scope only, so the agency's faults and nianbao's reading gaps are
    never in one table."""
    rows = [
        tuple(c for i, c in enumerate(finding_cells(r.source, r.report, f)) if i != _SCOPE_COLUMN)
        for r in results
        if r.report is not None
        for f in r.findings
        if f.scope == scope
    ]
    return Sheet(SCOPE_ZH[scope], SCOPE_HEADERS, rows)
