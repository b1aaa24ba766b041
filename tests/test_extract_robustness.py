"""Real samples altered the ways other reports differ: page marks, reworded titles, big and blank cells."""

from __future__ import annotations

from nianbao.pipeline import parse_bytes
from tests.conftest import SAMPLES


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_page_marks_between_rows_are_not_cells() -> None:
    text = _sample("000_de40de658abca76d.txt")
    text = text.replace("\n2.重复申请", "\n- 3 -\n\n第 3 页 共 5 页\n2.重复申请", 1)
    report = parse_bytes(text.encode(), "paged.txt")
    assert {p.status for p in report.provenance.values()} == {"ok"}
    assert set(report.values.values()) == {0}


def test_reworded_section_titles() -> None:
    text = _sample("002_4ecfdd6e8ff7f901.txt")
    text = text.replace("## 二、主动公开政府信息情况", "## 二、主动公开政府信息")
    text = text.replace("#### 五、存在的主要问题及改进情况", "#### 五、工作中存在的问题和改进措施")
    report = parse_bytes(text.encode(), "reworded.md")
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.sections[1].title == "主动公开政府信息"
    assert report.sections[4].title == "工作中存在的问题和改进措施"
    assert report.sections[4].text.startswith("针对 2022 年度卫东区工信局")


def test_large_numbers_with_separators_and_blank_cells() -> None:
    text = _sample("001_5cbb82ac5aa5eb0a.txt")
    text = text.replace("行政许可\t0\t\t", "行政许可\t12,345\t\t")
    text = text.replace(
        "本年收费金额（单位：万元）\t\t\n行政事业性收费\t0", "本年收费金额（单位：万元）\t\t\n行政事业性收费\t1,234.56"
    )
    text = text.replace(
        "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t",
        "一、本年新收政府信息公开申请数量\t\t1200\t\t0\t0\t0\t0\t1200\t",
    )
    report = parse_bytes(text.encode(), "big.md")
    assert report.values["active.licensing.decisions"] == 12345
    assert report.provenance["active.licensing.decisions"].raw == "12,345"
    assert report.values["active.fees.amount"] == 1234.56
    assert report.values["applications.new.natural_person"] == 1200
    assert report.values["applications.new.total"] == 1200
    business = report.provenance["applications.new.business"]
    assert report.values["applications.new.business"] == 0 and business.status == "blank"


def test_garbled_cell_is_unreadable_not_guessed() -> None:
    text = _sample("003_3282c18a880ba7c1.txt").replace("行政许可\t6\t\t", "行政许可\t6O\t\t")
    report = parse_bytes(text.encode(), "ocr.md")
    p = report.provenance["active.licensing.decisions"]
    assert report.values["active.licensing.decisions"] is None
    assert p.status == "unreadable" and p.raw == "6O"


def test_table_that_does_not_add_up_is_read_as_printed() -> None:
    text = _sample("001_5cbb82ac5aa5eb0a.txt").replace(
        "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0\t",
        "一、本年新收政府信息公开申请数量\t\t5\t1\t0\t0\t0\t0\t7\t",
    )
    report = parse_bytes(text.encode(), "wrong.md")
    assert report.values["applications.new.natural_person"] == 5
    assert report.values["applications.new.total"] == 7
    assert report.provenance["applications.new.total"].status == "ok"


def test_row_not_in_the_format_is_kept_apart() -> None:
    """Hubei 2020 reports add 其他主动公开文件 under 第二十条第（一）项: its numbers are not 行政规范性文件's."""
    text = _sample("001_5cbb82ac5aa5eb0a.txt").replace(
        "行政规范性文件\t1\t1\t0\n", "行政规范性文件\t1\t1\t0\n其他主动公开文件\t5\t0\t12\n"
    )
    report = parse_bytes(text.encode(), "extra.md")
    assert report.values["active.normative_documents.in_force"] == 0
    assert report.provenance["active.normative_documents.in_force"].status == "ok"
    assert report.extra_rows == [
        {
            "table": "active",
            "after": "active.normative_documents",
            "label": "其他主动公开文件",
            "values": [5, 0, 12],
            "loc": {"line": 35},
        }
    ]
    assert report.values["active.licensing.decisions"] == 0


def test_prose_before_a_table_is_the_sections_text() -> None:
    """A sentence naming 行政复议 before 表四 is prose, not the table's header; 表三's header is not prose."""
    text = _sample("002_4ecfdd6e8ff7f901.txt")
    text = text.replace(
        "#### 四、政府信息公开行政复议、行政诉讼情况\n",
        "#### 四、政府信息公开行政复议、行政诉讼情况\n\n2023年，本机关未发生行政复议、行政诉讼。\n",
    )
    text = text.replace(
        "### 三、收到和处理政府信息公开申请情况\n", "### 三、收到和处理政府信息公开申请情况\n\n本年度共收到申请0件。\n"
    )
    report = parse_bytes(text.encode(), "prose.md")
    by_no = {s.no: s.text for s in report.sections}
    assert by_no[4] == "2023年，本机关未发生行政复议、行政诉讼。"
    assert by_no[3] == "本年度共收到申请0件。"
    assert {p.status for p in report.provenance.values()} == {"ok"}


def test_each_line_of_section_text_knows_its_source_line() -> None:
    path = SAMPLES / "002_4ecfdd6e8ff7f901.txt"
    source = path.read_text(encoding="utf-8").split("\n")
    report = parse_bytes(path.read_bytes(), "002.md")
    for section in report.sections:
        lines = section.text.split("\n") if section.text else []
        assert len(section.loc.get("lines", [])) == len(lines)
        for text, no in zip(lines, section.loc.get("lines", []), strict=True):
            assert source[no - 1].lstrip("# ").startswith(text[:10])


def test_text_drawn_table_rules_separate_cells() -> None:
    """w3m and html2text print a table's cells between │ or | rules."""
    text = _sample("003_3282c18a880ba7c1.txt").replace("行政许可\t6\t\t", "│行政许可 │6        │")
    text = text.replace("规章\t0\t0\t0", "规章| 30| 11| 46")
    report = parse_bytes(text.encode(), "w3m.txt")
    assert report.values["active.licensing.decisions"] == 6
    assert [report.values[f"active.regulations.{c}"] for c in ("issued", "repealed", "in_force")] == [30, 11, 46]
    assert report.provenance["active.regulations.in_force"].status == "ok"
