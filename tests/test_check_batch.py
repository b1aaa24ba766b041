"""Issue 13, batch outputs for reviewers: `nianbao check DIR --summary`, the findings as CSV, JSON,
XLSX and HTML, and `--per-agency` 问题清单 that hold only what the agency must fix.

The batch is the real samples: 002 changed so that 表三 does not add up, 003 with a cell nianbao
cannot read (a reading gap, never the agency's fault), and one empty file."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from nianbao.checks import check_report
from nianbao.cli import main
from nianbao.pipeline import parse_file
from nianbao.report import Finding
from nianbao.review.agency import safe_name
from nianbao.review.rows import Sheet
from nianbao.review.write import to_html
from tests.check_helpers import SAMPLES, sample, sample_path, set_cells, with_applications

UNBALANCED = "002_4ecfdd6e8ff7f901.txt"  # 表三 一、本年新收 自然人 and 总计 5: the row adds up, the columns do not
GAP = "003_3282c18a880ba7c1.txt"  # （一）予以公开 自然人 printed “1l”
PERSON = "表三“自然人”列：第一项加第二项之和（5）不等于第三项加第四项之和（0）"
PERSON_WHERE = "第41行 表三“自然人”列"
TOTAL = "表三“总计”列：第一项加第二项之和（5）不等于第三项加第四项之和（0）"
TOTAL_WHERE = "第41行 表三“总计”列"
TEXT_WHERE = "第11行 表三“一、本年新收政府信息公开申请数量”行“总计”列"
TEXT_QUOTE = "“（二）依申请公开：2023 年新收到政府信息公开申请数量 0 条。”"  # the sentence, quoted in the message
SUMMARY_HEADER = [
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
    "文件无法读取",
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "reports"
    folder.mkdir()
    for path in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    unbalanced = set_cells(sample("002"), {"applications.new.natural_person": "5", "applications.new.total": "5"})
    (folder / UNBALANCED).write_text(unbalanced, encoding="utf-8")
    (folder / GAP).write_text(set_cells(sample("003"), {"applications.granted.natural_person": "1l"}), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def gap(batch: Path) -> tuple[Finding, int]:
    """The reading gap of 003 as the checks give it (how much of the row is lost is the
    extractor's business), and how many cells of 003 are unreadable."""
    report = parse_file(batch / GAP)
    found = [f for f in check_report(report) if f.scope == "reading"]
    assert len(found) == 1 and found[0].rule == "struct.unreadable" and "1l" in found[0].message
    assert (found[0].where or "").startswith("第45行 表三“（一）予以公开”行")
    return found[0], sum(p.status == "unreadable" for p in report.provenance.values())


@pytest.fixture(scope="module")
def per_agency(batch: Path) -> Path:
    out = batch.parent / "清单"
    assert main(["check", str(batch), "--per-agency", str(out), "--format", "json"]) == 2
    return out


def test_summary_rows_most_errors_first(
    batch: Path, gap: tuple[Finding, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(batch), "--summary", "--format", "json"]) == 2
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    assert [(Path(r["file"]).name, r["errors"], r["warnings"], r["reading_gaps"]) for r in rows] == [
        ("empty.txt", None, None, None),  # not checked at all: first
        (UNBALANCED, 2, 1, 0),
        ("004_7806471f1d994abd.txt", 0, 1, 0),
        (GAP, 0, 0, 1),
        ("000_de40de658abca76d.txt", 0, 0, 0),
        ("001_5cbb82ac5aa5eb0a.txt", 0, 0, 0),
    ]
    assert rows[0]["error_code"] == "E_EMPTY" and rows[0]["error_reason"] == "文件为空"
    assert rows[1] == {
        "file": str(batch / UNBALANCED),
        "agency": "卫东区工业和信息化局",
        "year": 2023,
        "format": "markdown",
        "template": "2021",
        "errors": 2,
        "warnings": 1,
        "reading_gaps": 0,
        "deduced": 0,
        "unreadable_cells": 0,
        "error_code": None,
        "error_reason": None,
    }
    assert (rows[2]["agency"], rows[2]["format"], rows[2]["deduced"]) == ("阿城区工业信息科技局", "text", 7)
    assert (rows[3]["agency"], rows[3]["year"], rows[3]["unreadable_cells"]) == ("西工区科学技术局", 2024, gap[1])
    assert gap[1] >= 1
    assert "E_EMPTY" in captured.err  # the batch went on


def test_summary_table_on_the_terminal(
    batch: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["check", str(batch), "--summary"]) == 2
    lines = capsys.readouterr().out.splitlines()
    assert [h in lines[0] for h in SUMMARY_HEADER[:-1]] == [True] * 10
    body = [line for line in lines[2:] if "│" in line]
    assert "empty.txt" in body[0] and "无法读取：文件为空 (E_EMPTY)" in body[0]
    cells = [c.strip() for c in body[1].split("│")]
    assert cells == [
        str(batch / UNBALANCED),
        "卫东区工业和信息化局",
        "2023",
        "markdown",
        "2021",
        "2",
        "1",
        "0",
        "0",
        "0",
    ]
    assert lines[-1] == "共 6 份报告：有错误的 1 份，无法读取的 1 份。"


def test_summary_xlsx(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    assert main(["check", str(batch), "--summary", "-o", str(out)]) == 2  # format from the suffix
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总"]
    ws = wb["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == SUMMARY_HEADER
    assert rows[1] == (str(batch / "empty.txt"), *[None] * 9, "文件为空 (E_EMPTY)")
    assert rows[2] == (str(batch / UNBALANCED), "卫东区工业和信息化局", 2023, "markdown", "2021", 2, 1, 0, 0, 0, None)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K7"
    assert ws.column_dimensions["B"].width == 26  # 中站区科技和工业信息化局: 12 Chinese characters and a margin
    assert ws["K2"].alignment.wrap_text


def test_findings_csv(batch: Path, gap: tuple[Finding, int], tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    assert main(["check", str(batch), "--format", "csv", "-o", str(out)]) == 2
    with out.open(encoding="utf-8-sig", newline="") as fh:  # with a BOM, for Excel
        rows = list(csv.reader(fh))
    assert rows[0] == ["文件", "机关", "年度", "规则", "严重程度", "类别", "位置", "说明"]
    mine = [r for r in rows[1:] if r[0] == str(batch / UNBALANCED)]
    assert [r[3:7] for r in mine] == [
        ["app.balance", "错误", "报告问题", PERSON_WHERE],
        ["app.balance", "错误", "报告问题", TOTAL_WHERE],
        ["text.applications", "警告", "报告问题", TEXT_WHERE],
    ]
    assert mine[0][:3] == [str(batch / UNBALANCED), "卫东区工业和信息化局", "2023"] and mine[0][7] == PERSON
    assert TEXT_QUOTE in mine[2][7]
    reading = [str(batch / GAP), "西工区科学技术局", "2024", "struct.unreadable", "警告", "读取问题"]
    assert [*reading, gap[0].where, gap[0].message] in rows
    assert [str(batch / "empty.txt"), "", "", "E_EMPTY", "错误", "文件无法读取", "", "文件为空"] in rows


def test_findings_json_is_the_check_contract(
    batch: Path, gap: tuple[Finding, int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(batch), "--format", "json"]) == 2
    via_format = json.loads(capsys.readouterr().out)
    assert main(["check", str(batch), "--json"]) == 2
    assert json.loads(capsys.readouterr().out) == via_format
    found = next(r for r in via_format if r["source"].endswith(GAP))
    assert (found["agency"], found["year"]) == ("西工区科学技术局", 2024)
    assert [(f["rule"], f["scope"], f["where"]) for f in found["findings"]] == [
        ("struct.unreadable", "reading", gap[0].where),
    ]
    assert via_format[-1] == {
        "source": str(batch / "empty.txt"),
        "findings": [],
        "error": {"code": "E_EMPTY", "reason": "文件为空"},
    }


def test_findings_html_is_one_escaped_page(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(batch), "--format", "html"]) == 2
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and "<title>政府信息公开工作年度报告检查结果</title>" in page
    assert (
        f'<td>app.balance</td><td class="s-错误">错误</td><td>报告问题</td><td>{TOTAL_WHERE}</td><td>{TOTAL}</td>'
        in page
    )
    assert "<script" not in page and "http" not in page  # nothing to fetch
    sheet = Sheet("x", ("机关",), [("<b>某局</b> & 某办",)])
    assert "<td>&lt;b&gt;某局&lt;/b&gt; &amp; 某办</td>" in to_html(sheet, "<t>")
    assert "<title>&lt;t&gt;</title>" in to_html(sheet, "<t>")


def test_per_agency_files(per_agency: Path) -> None:
    agencies = ["中站区科技和工业信息化局-2023", "孟津区科技和工业信息化局-2023", "卫东区工业和信息化局-2023"]
    agencies += ["西工区科学技术局-2024", "阿城区工业信息科技局-2023"]
    lists = [f"{a}-问题清单.{suffix}" for a in agencies for suffix in ("docx", "xlsx")]
    assert sorted(p.name for p in per_agency.iterdir()) == sorted([*lists, "全部问题.xlsx"])


def test_per_agency_docx_lists_the_faults_with_their_places(per_agency: Path) -> None:
    document = docx.Document(str(per_agency / "卫东区工业和信息化局-2023-问题清单.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:6] == [
        "卫东区工业和信息化局2023年政府信息公开工作年度报告问题清单",
        "机关：卫东区工业和信息化局",
        "年度：2023",
        f"文件：{UNBALANCED}",
        f"检查日期：{date.today().isoformat()}",
        "问题：共 3 项：错误 2 项，警告 1 项，提示 0 项",
    ]
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "严重程度", "位置", "问题说明"]
    assert rows[1] == ["1", "错误", PERSON_WHERE, PERSON]
    assert rows[2] == ["2", "错误", TOTAL_WHERE, TOTAL]
    assert rows[3][:3] == ["3", "警告", TEXT_WHERE] and TEXT_QUOTE in rows[3][3]
    assert len(rows) == 4  # xyear.compared says what the check covered: not sent


def test_reading_gaps_never_reach_the_agency(per_agency: Path, gap: tuple[Finding, int]) -> None:
    document = docx.Document(str(per_agency / "西工区科学技术局-2024-问题清单.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "问题：未发现需要修改的问题。" in text and document.tables == []
    assert gap[0].message not in text and "1l" not in text and "读取" not in text
    ws = openpyxl.load_workbook(per_agency / "西工区科学技术局-2024-问题清单.xlsx")["问题清单"]
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert gap[0].message not in cells and not any("1l" in c for c in cells)
    assert list(ws.iter_rows(min_row=7, values_only=True)) == [("序号", "严重程度", "位置", "问题说明")]


def test_per_agency_xlsx(per_agency: Path) -> None:
    wb = openpyxl.load_workbook(per_agency / "卫东区工业和信息化局-2023-问题清单.xlsx")
    assert wb.sheetnames == ["问题清单"]
    ws = wb["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[:5] == [
        ("机关", "卫东区工业和信息化局", None, None),
        ("年度", "2023", None, None),
        ("文件", UNBALANCED, None, None),
        ("检查日期", date.today().isoformat(), None, None),
        ("问题", "共 3 项：错误 2 项，警告 1 项，提示 0 项", None, None),
    ]
    assert rows[6] == ("序号", "严重程度", "位置", "问题说明")
    assert rows[7] == (1, "错误", PERSON_WHERE, PERSON)
    assert rows[8] == (2, "错误", TOTAL_WHERE, TOTAL)
    assert len(rows) == 10
    assert ws.freeze_panes == "A8" and ws.auto_filter.ref == "A7:D10"
    assert ws["D8"].alignment.wrap_text and ws.column_dimensions["D"].width == 60
    assert ws["B8"].font.color.rgb == "00C00000"  # 错误 in red


def test_all_findings_workbook_keeps_reading_gaps_apart(
    per_agency: Path, batch: Path, gap: tuple[Finding, int]
) -> None:
    wb = openpyxl.load_workbook(per_agency / "全部问题.xlsx")
    assert wb.sheetnames == ["汇总", "报告问题", "读取问题"]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert [Path(str(r[0])).name for r in summary[1:3]] == ["empty.txt", UNBALANCED]
    assert summary[1][-1] == "文件为空 (E_EMPTY)"
    headers = ("文件", "机关", "年度", "规则", "严重程度", "位置", "说明")
    faults = list(wb["报告问题"].iter_rows(values_only=True))
    assert faults[0] == headers
    total = (str(batch / UNBALANCED), "卫东区工业和信息化局", 2023, "app.balance", "错误", TOTAL_WHERE, TOTAL)
    assert total in faults
    assert all(r[3] != "struct.unreadable" for r in faults)
    gaps = list(wb["读取问题"].iter_rows(values_only=True))
    reading = (str(batch / GAP), "西工区科学技术局", 2024, "struct.unreadable", "警告", gap[0].where, gap[0].message)
    assert gaps == [headers, reading]


def test_batch_of_two_years_is_compared_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # last year's report is taken from the batch itself: 2023 carried 1 request forward, 2024 says 0
    first = with_applications()
    (tmp_path / "2023.txt").write_text(first, encoding="utf-8")
    (tmp_path / "2024.txt").write_text(first.replace("2023", "2024"), encoding="utf-8")
    assert main(["check", str(tmp_path), "--summary", "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(Path(r["file"]).name, r["year"], r["errors"]) for r in rows] == [
        ("2024.txt", 2024, 2),
        ("2023.txt", 2023, 0),
    ]
    out = tmp_path / "清单"
    assert main(["check", str(tmp_path / "2023.txt"), "--per-agency", str(out)]) == 0
    assert "已生成 1 份问题清单（DOCX 与 XLSX）及" in capsys.readouterr().err
    assert main(["check", str(sample_path("002")), "--format", "xlsx"]) == 2  # a workbook needs -o
    assert "E_USAGE" in capsys.readouterr().err


def test_file_names_are_safe() -> None:
    assert safe_name("某市/某局\\办公室:2023") == "某市_某局_办公室_2023"
    assert safe_name("../某局") == "_某局"
    assert safe_name(" . ") == "机关未识别"
    assert safe_name(" .某局. ") == "某局"
    assert len(safe_name("局" * 300)) == 80
