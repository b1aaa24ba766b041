"""HTML and Markdown: every text escaped; the same content as the other formats."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html
from lxml.html import HtmlElement

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


def _xpath(node: HtmlElement, path: str) -> list[HtmlElement]:
    """The elements a path selects (every path here selects elements)."""
    found = node.xpath(path)
    assert isinstance(found, list)
    elements = [e for e in found if isinstance(e, HtmlElement)]
    assert len(elements) == len(found)
    return elements


@pytest.fixture(scope="module")
def hostile() -> Report:
    return to_report(load_bytes(HOSTILE.encode(), "hostile.yaml"))


def test_html_escapes_all_text(hostile: Report) -> None:
    page = render(hostile, "html").decode("utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局2023年政府信息公开工作年度报告" in page
    tree = lxml_html.fromstring(page)
    assert _xpath(tree, "//h1")[0].text_content() == "<script>alert(1)</script>局2023年政府信息公开工作年度报告"
    assert "第一段 <img src=x onerror=alert(1)> & 继续" in [p.text_content() for p in _xpath(tree, "//p")]


def test_html_tables_carry_the_layout_spans(hostile: Report) -> None:
    tree = lxml_html.fromstring(render(hostile, "html"))
    tables = _xpath(tree, "//table")
    assert len(tables) == 3
    for t, el in zip(layout("2021").tables(), tables, strict=True):
        cells = _xpath(el, ".//tr/*")
        assert [(int(c.get("rowspan", 1)), int(c.get("colspan", 1))) for c in cells] == [
            (c.rowspan, c.colspan) for c in t.cells()
        ]
        assert len(_xpath(el, "./thead/tr")) == t.header_rows
    style = _xpath(tree, "//style")[0].text
    assert style is not None
    assert "@page" in style and "A4" in style


def test_markdown_keeps_pipes_out_of_tables(hostile: Report) -> None:
    text = render(hostile, "md").decode("utf-8")
    assert text.startswith("# <script>alert(1)</script>局2023年政府信息公开工作年度报告\n")
    assert "\n问题|改进\n" in text  # prose as written
    rows = [ln for ln in text.splitlines() if ln.startswith("|")]
    assert {ln.count("|") for ln in rows} == {5, 11, 16}  # 4, 10 and 15 columns


def test_format_for_suffixes() -> None:
    assert [format_for(p) for p in ("a.DOCX", "b.pdf", "c.htm", "d.markdown")] == ["docx", "pdf", "html", "md"]
