"""Agency-years, not files: the reports of one agency and year — the same report in other
encodings or formats, or a re-published version — are one observation. One is canonical by a
stated rule; the others are versions, kept with their differences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.dataset import number_of
from nianbao.report import Number, Report

RULE = "读出的单元格最多者为准；相同时取发布日期最新者（再相同时取文件SHA-256较小者）"


@dataclass(frozen=True)
class Candidate:
    """One report of an agency-year, as the choice needs it."""

    key: str  # the caller's id of the report (e.g. its database id or file sha256)
    cells_read: int  # cells whose number is certain (ok, ocr, blank)
    stored: str  # when it was published (ISO 8601; "" when unknown): newer wins a tie
    sha256: str


def cells_read(report: Report) -> int:
    """Cells whose number is certain: read, read by OCR with enough confidence, or blank (0)."""
    return sum(
        1
        for key, value in report.values.items()
        if (p := report.provenance.get(key)) is not None and number_of((value, p.status)) is not None
    )


def canonical(candidates: Sequence[Candidate]) -> Candidate:
    """The report that stands for its agency-year (RULE)."""
    if not candidates:
        raise ValueError("no report to choose from")
    ordered = sorted(candidates, key=lambda c: c.sha256)  # stable sorts: the last key decides first
    ordered.sort(key=lambda c: c.stored, reverse=True)
    ordered.sort(key=lambda c: c.cells_read, reverse=True)
    return ordered[0]


@dataclass(frozen=True)
class Difference:
    key: str
    canonical: Number | None
    other: Number | None


def differences(chosen: Report, other: Report) -> list[Difference]:
    """The cells whose values differ between two versions of an agency-year, in the template's order."""
    keys = list(dict.fromkeys([*chosen.values, *other.values]))
    return [
        Difference(k, chosen.values.get(k), other.values.get(k))
        for k in keys
        if chosen.values.get(k) != other.values.get(k)
    ]
