"""Issue 13: findings a reviewer can send back — what nianbao could not read is never blamed on the
agency (scope reading), and each finding says where to look as a person reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.checks import check_batch, check_report
from nianbao.pipeline import parse_bytes, parse_file
from tests.check_helpers import check, of_rule, parse, sample
from tests.test_variants import VARIANTS, _names, sidecar

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", [n for n in _names() if "skew" not in n and not n.startswith("bench-")])
def test_no_report_error_on_tables_that_add_up_whatever_was_not_read(name: str) -> None:
    """Every variant whose printed tables add up (the skew set's and the benchmark's, with a total off,
    do not): tool outputs that
    nianbao reads partly, with rows lost and cells unreadable, raise no report-scope error."""
    report = parse_file(VARIANTS / f"{name}.txt")
    faults = [f for f in check_report(report) if f.scope == "report" and f.severity == "error"]
    assert faults == [], sidecar(name)["origin"]


def test_row_lost_by_extraction_is_a_reading_gap() -> None:
    # pdftotext's plain output heaps labels and loses rows of 表三: none may be sent to the agency
    report = parse_file(VARIANTS / "official-big-pdftotext.txt")
    found = check_report(report)
    lost = [f for f in found if "未能读出“（七）总计”行" in f.message]
    assert [(f.rule, f.scope, f.severity) for f in lost] == [("struct.unreadable", "reading", "warning")]
    assert of_rule(found, "struct.tables") == []


def test_row_missing_from_a_table_read_cleanly_is_the_reports_fault() -> None:
    s = sample("002")
    row_line = parse(s).provenance["applications.partially_granted.total"].loc["line"]
    text = "\n".join(line for i, line in enumerate(s.split("\n"), 1) if i != row_line)
    found = of_rule(check(text), "struct.tables")
    assert [(f.scope, f.severity) for f in found] == [("report", "error")]


def test_unreadable_cell_says_its_equations_were_not_checked() -> None:
    report = parse_file(VARIANTS / "official-big-pdftotext.txt")
    gap = next(f for f in check_report(report) if "“（二）部分公开" in f.message)
    assert gap.scope == "reading"
    assert "未核对其勾稽关系" in gap.message
    assert gap.where == "第138行 表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行"


def test_blank_official_template_is_unfilled() -> None:
    report = parse_file(ROOT / "examples" / "files" / "official-template-blank.docx")
    found = of_rule(check_report(report), "struct.unfilled")
    assert [(f.severity, f.scope, f.message) for f in found] == [
        ("error", "report", "表格未填写：表二、表三、表四的单元格全部空白")
    ]


def test_section_heading_broken_by_extraction_is_a_reading_gap() -> None:
    # the 2019 page printed to PDF: pdftotext splits the headings of 三 and 五
    report = parse_file(VARIANTS / "pingtan2019-pdf-pdftotext.txt")
    found = check_report(report)
    assert of_rule(found, "struct.sections") == []
    gaps = [f.message for f in found if f.rule == "struct.unreadable" and "部分" in f.message]
    assert "未能识别第三部分“三、收到和处理政府信息公开申请情况”的标题（该部分的表格已读出）" in gaps


def test_where_names_table_row_and_column_by_their_labels() -> None:
    text = sample("002").replace("一、本年新收政府信息公开申请数量\t\t0\t0", "一、本年新收政府信息公开申请数量\t\t5\t0")
    found = of_rule(check(text), "app.row_total")
    assert [f.where for f in found] == ["第41行 表三“一、本年新收政府信息公开申请数量”行"]
    balance = of_rule(check(text), "app.balance")
    assert [f.where for f in balance] == ["第41行 表三“自然人”列"]


def test_batch_picks_last_year_from_the_batch() -> None:
    s = sample("002")
    this = parse_bytes(s.encode(), "2023.txt")
    last = parse_bytes(s.replace("2023", "2022").encode(), "2022.txt")
    results = dict((r.source.path, f) for r, f in check_batch([this, last]))
    assert set(results) == {"2023.txt", "2022.txt"}
    assert of_rule(results["2023.txt"], "xyear.identical") != []  # compared with 2022
    assert of_rule(results["2022.txt"], "xyear.identical") == []  # no 2021 report in the batch


def test_2019_single_other_row_in_a_2021_table_is_one_layout_warning() -> None:
    lines = sample("002").split("\n")
    at = next(i for i, line in enumerate(lines) if "其他处理" in line)
    lines[at : at + 3] = ["\t(六) 其他处理\t\t0\t0\t0\t0\t0\t0\t0"]
    found = check("\n".join(lines))
    assert [(f.rule, f.severity, f.scope) for f in found] == [("struct.tables", "warning", "report")]
    assert found[0].message.startswith("表三“（六）其他处理”只填了一行（0、0、0、0、0、0、0），是2019年试行格式的写法")
    assert found[0].where == f"第{at + 1}行 表三"
