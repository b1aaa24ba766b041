"""HTML and Markdown: every text escaped; the same content as the other formats."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from nianbao.render import format_for, render
from nianbao.render.inputs import load_bytes, to_report
from nianbao.render.layout import layout
from nianbao.report import Report

HOSTILE = """\
agency: <script>alert(1)</script>局
year: 2023
sections:
  1: "第一段 <img src=x onerror=alert(1)> & 继续"
  5: 问题|改进
  6: 无。
"""


@pytest.fixture(scope="module")
def hostile() -> Report:
    return to_report(load_bytes(HOSTILE.encode(), "hostile.yaml"))


def test_html_escapes_all_text(hostile: Report) -> None:
    page = render(hostile, "html").decode("utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局2023年政府信息公开工作年度报告" in page
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//h1")[0].text_content() == "<script>alert(1)</script>局2023年政府信息公开工作年度报告"
    assert "第一段 <img src=x onerror=alert(1)> & 继续" in [p.text_content() for p in tree.xpath("//p")]


def test_html_tables_carry_the_layout_spans(hostile: Report) -> None:
    tree = lxml_html.fromstring(render(hostile, "html"))
    tables = tree.xpath("//table")
    assert len(tables) == 3
    for t, el in zip(layout("2021").tables(), tables, strict=True):
        cells = el.xpath(".//tr/*")
        assert [(int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in cells] == [
            (c.rowspan, c.colspan) for c in t.cells()
        ]
        assert len(el.xpath("./thead/tr")) == t.header_rows
    assert "@page" in tree.xpath("//style")[0].text and "A4" in tree.xpath("//style")[0].text


def test_markdown_keeps_pipes_out_of_tables(hostile: Report) -> None:
    text = render(hostile, "md").decode("utf-8")
    assert text.startswith("# <script>alert(1)</script>局2023年政府信息公开工作年度报告\n")
    assert "\n问题|改进\n" in text  # prose as written
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    assert {ln.count("|") for ln in rows} == {5, 11, 16}  # 4, 10 and 15 columns


def test_format_for_suffixes() -> None:
    assert [format_for(p) for p in ("a.DOCX", "b.pdf", "c.htm", "d.markdown")] == ["docx", "pdf", "html", "md"]
