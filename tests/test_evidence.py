"""A report must look like a report (issue 14): one table cell is not enough."""

from __future__ import annotations

import io

import pytest

import nianbao
from nianbao.errors import NianbaoError
from nianbao.evidence import MIN_SCORE, evidence
from nianbao.pipeline import parse_bytes
from tests import hostile_files as hf
from tests.conftest import ROOT, SAMPLES


def _code(data: bytes, name: str) -> str:
    with pytest.raises(NianbaoError) as info:
        parse_bytes(data, name)
    return info.value.code


def test_a_notice_naming_one_row_is_not_a_report() -> None:
    assert _code(hf.notice(), "notice.txt") == "E_NOT_REPORT"
    text = "关于政府信息公开工作年度报告编制工作的通知\n一、总体情况\n本年度行政处罚 5 次。\n".encode()
    assert _code(text, "notice2.txt") == "E_NOT_REPORT"


def test_a_sheet_with_one_labelled_number_is_not_a_report() -> None:
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.append(["行政处罚", 5])
    buf = io.BytesIO()
    wb.save(buf)
    assert _code(buf.getvalue(), "one.xlsx") == "E_NOT_REPORT"


def test_one_long_line_of_report_words_is_not_a_report() -> None:
    assert _code(hf.long_line(0.05), "line.txt") == "E_NOT_REPORT"


def test_the_blank_official_template_is_a_report() -> None:
    report = nianbao.parse(ROOT / "examples" / "files" / "official-template-blank.docx")
    assert evidence(report).score >= MIN_SCORE
    assert {p.status for p in report.provenance.values()} <= {"blank", "ok", "missing"}


def test_every_sample_is_a_report_with_evidence_to_spare() -> None:
    for item in nianbao.parse_many([SAMPLES]):
        assert isinstance(item, nianbao.Report), item
        assert evidence(item).score >= MIN_SCORE + 3
