"""Every value of the five real 2021-format samples, with agency, year, template and statuses."""

from __future__ import annotations

import json
from typing import TypedDict

import pytest

from nianbao.pipeline import parse_bytes, parse_file
from nianbao.template import load
from tests.conftest import SAMPLES


class Expected(TypedDict):
    agency: str
    year: int
    year_source: str
    format: str
    title: str
    nonzero: dict[str, int]


EXPECTED: dict[str, Expected] = {
    "000_de40de658abca76d.txt": {
        "agency": "中站区科技和工业信息化局",
        "year": 2023,
        "year_source": "title",
        "format": "text",
        "title": "中站区科技和工业信息化局2023年政府信息公开工作年度报告",
        "nonzero": {},
    },
    "001_5cbb82ac5aa5eb0a.txt": {
        "agency": "孟津区科技和工业信息化局",
        "year": 2023,
        "year_source": "title",
        "format": "markdown",
        "title": "孟津区科技和工业信息化局2023年政府信息公开工作年度报告",
        "nonzero": {"active.normative_documents.issued": 1, "active.normative_documents.repealed": 1},
    },
    "002_4ecfdd6e8ff7f901.txt": {
        "agency": "卫东区工业和信息化局",
        "year": 2023,
        "year_source": "title",
        "format": "markdown",
        "title": "卫东区工业和信息化局2023年政府信息公开工作年度报告",
        "nonzero": {},
    },
    "003_3282c18a880ba7c1.txt": {
        "agency": "西工区科学技术局",
        "year": 2024,
        "year_source": "title",
        "format": "markdown",
        "title": "西工区科学技术局2024年政府信息公开工作年度报告",
        "nonzero": {"active.licensing.decisions": 6},
    },
    "004_7806471f1d994abd.txt": {
        # the title of this report names no agency: it is read from the preface, the year from the period
        "agency": "阿城区工业信息科技局",
        "year": 2023,
        "year_source": "period",
        "format": "text",
        "title": "政府信息公开工作年度报告",
        "nonzero": {},
    },
}

SECTION_STARTS = {
    "000_de40de658abca76d.txt": {
        1: "（一）主动公开情况。",
        5: "2023年，我局的政务公开工作虽然取得了一些成绩",
        6: "按照《国务院办公厅",
    },
    "001_5cbb82ac5aa5eb0a.txt": {
        1: "2023 年度，我局按照",
        5: "在政府信息公开工作中，主要存在的问题",
        6: "今年未收取信息处理费。",
    },
    "002_4ecfdd6e8ff7f901.txt": {
        5: "针对 2022 年度卫东区工信局",
        6: "按照《国务院办公厅关于印发政府信息公开信息处理费",
    },
    "003_3282c18a880ba7c1.txt": {
        5: "2024年，我局在政府信息公开工作中存在不足之处",
        6: "2024年，我局未产生信息公开处理费。",
    },
    "004_7806471f1d994abd.txt": {1: "2023年，区工业信息科技局全面贯彻落实", 5: "（一）主要问题：2023年"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_every_value(name: str) -> None:
    exp = EXPECTED[name]
    report = parse_file(SAMPLES / name)
    keys = load("2021").cell_keys()
    assert len(keys) == 200
    assert report.template == "2021"
    assert report.agency == exp["agency"]
    assert report.year == exp["year"]
    assert report.year_info is not None and report.year_info.source == exp["year_source"]
    assert report.title == exp["title"]
    assert report.source.format == exp["format"]
    assert set(report.values) == set(keys)
    expected_values = {k: exp["nonzero"].get(k, 0) for k in keys}
    assert report.values == expected_values
    assert {p.status for p in report.provenance.values()} == {"ok"}
    assert all(p.loc.get("line") for p in report.provenance.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_sections(name: str) -> None:
    report = parse_file(SAMPLES / name)
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
    by_no = {s.no: s for s in report.sections}
    for no, start in SECTION_STARTS.get(name, {}).items():
        assert by_no[no].text.startswith(start), (no, by_no[no].text[:40])
    # the tables are not part of the prose of sections 2–4
    for no in (2, 3, 4):
        assert "0 0 0" not in by_no[no].text and "本年新收" not in by_no[no].text
    assert "本年度报告根据" not in by_no[1].text  # the preface is not section 1


def test_value_provenance_points_at_the_line() -> None:
    report = parse_file(SAMPLES / "003_3282c18a880ba7c1.txt")
    prov = report.provenance["active.licensing.decisions"]
    lines = (SAMPLES / "003_3282c18a880ba7c1.txt").read_text(encoding="utf-8").split("\n")
    assert prov.raw == "6"
    assert lines[prov.loc["line"] - 1].startswith("行政许可\t6")


def test_split_row_last_number_on_next_line() -> None:
    """000: the row （二）部分公开 prints six numbers, then its seventh on the next line."""
    report = parse_file(SAMPLES / "000_de40de658abca76d.txt")
    p6 = report.provenance["applications.partially_granted.other"]
    p7 = report.provenance["applications.partially_granted.total"]
    assert p7.loc["line"] == p6.loc["line"] + 1


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [
        ("gb18030", "\n"),
        ("gbk", "\r\n"),
        ("utf-16", "\n"),
        ("utf-16-le", "\r\n"),
        ("utf-16-be", "\r"),
        ("utf-8-sig", "\r\n"),
    ],
)
def test_reencoded_samples_identical(encoding: str, newline: str) -> None:
    for name in EXPECTED:
        text = (SAMPLES / name).read_text(encoding="utf-8")
        data = text.replace("\n", newline).encode(encoding)
        original = parse_file(SAMPLES / name)
        again = parse_bytes(data, name)
        assert again.values == original.values, name
        assert again.agency == original.agency and again.year == original.year
        assert [s.text for s in again.sections] == [s.text for s in original.sections]


def test_json_contract_keys() -> None:
    report = parse_file(SAMPLES / "001_5cbb82ac5aa5eb0a.txt")
    d = json.loads(json.dumps(report.to_json_dict(), ensure_ascii=False))
    assert d["schema"] == "nianbao.report/1"
    assert {"source", "agency", "year", "template", "sections", "values", "provenance", "findings"} <= set(d)
    assert d["source"]["format"] == "markdown" and len(d["source"]["sha256"]) == 64
    assert d["sections"][0] == {**d["sections"][0], "no": 1, "title": "总体情况"}
    assert d["provenance"]["applications.new.total"]["status"] == "ok"
    assert d["values"]["active.normative_documents.issued"] == 1


def test_title_location() -> None:
    report = parse_file(SAMPLES / "000_de40de658abca76d.txt")
    assert report.title_loc == {"line": 2}
    assert (SAMPLES / "000_de40de658abca76d.txt").read_text(encoding="utf-8").split("\n")[1].startswith("中站区")
