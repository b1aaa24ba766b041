"""What `nianbao check` gives a reviewer with a batch of reports: a summary row per report, the
findings as a table (JSON, CSV, Excel, HTML) and a 问题清单 per agency to send back — with what
nianbao could not read kept apart from what the agency must fix."""

from __future__ import annotations

from nianbao.review.agency import write_per_agency
from nianbao.review.rows import Sheet, SummaryRow, findings_sheet, summarize, summary_sheet
from nianbao.review.write import format_for, write_findings, write_summary

__all__ = [
    "Sheet",
    "SummaryRow",
    "findings_sheet",
    "format_for",
    "summarize",
    "summary_sheet",
    "write_findings",
    "write_per_agency",
    "write_summary",
]
