"""The DOCX: real merged cells, checked cell by cell against the layout from the template;
A4, CJK fonts, a PAGE field in the footer."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl

from nianbao.render import render
from nianbao.render.content import format_value
from nianbao.render.inputs import load_file, to_report
from nianbao.render.layout import layout
from nianbao.render.style import fonts
from nianbao.report import Report
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"


def merged_cells(tbl: CT_Tbl) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(row, col) of each merged cell's origin → (rowspan, colspan, text), read from the
    WordprocessingML itself: w:gridSpan for columns, w:vMerge restart/continue for rows."""
    origins: dict[tuple[int, int], tuple[int, int, str]] = {}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        c = 0
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span_el = pr.find(qn("w:gridSpan")) if pr is not None else None
            span = int(span_el.get(qn("w:val"), "")) if span_el is not None else 1
            vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if vmerge is not None and vmerge.get(qn("w:val")) != "restart":
                origin = owner[(r - 1, c)]
                _, colspan, origin_text = origins[origin]
                origins[origin] = (r - origin[0] + 1, colspan, origin_text)
                assert colspan == span and text == ""
            else:
                origin = (r, c)
                origins[origin] = (1, span, text)
            for k in range(c, c + span):
                owner[(r, k)] = origin
            c += span
    return origins


def _printed(report: Report, key: str | None) -> str:
    """A value cell's number as the DOCX prints it."""
    assert key is not None
    value = report.values[key]
    assert value is not None
    return format_value(value)


@pytest.fixture(scope="module")
def report() -> Report:
    return to_report(load_file(EXAMPLE))


@pytest.fixture(scope="module")
def document(report: Report) -> docx.document.Document:
    return docx.Document(io.BytesIO(render(report, "docx")))


def test_tables_merge_like_the_layout(report: Report, document: docx.document.Document) -> None:
    tables = layout("2021").tables()
    assert len(document.tables) == len(tables) == 3
    for t, table in zip(tables, document.tables, strict=True):
        expected = {
            (c.row, c.col): (c.rowspan, c.colspan, c.text if c.kind != "value" else _printed(report, c.key))
            for c in t.cells()
            if c.key is not None or c.kind != "value"
        }
        got = merged_cells(table._tbl)
        assert got == expected, t.key
        assert len(table._tbl.findall(qn("w:tblGrid") + "/" + qn("w:gridCol"))) == t.width


def test_t3_merges_seen_by_python_docx(document: docx.document.Document) -> None:
    """python-docx's own view: merged grid positions return the same cell object."""
    t3 = document.tables[1]
    first = t3.cell(5, 0)
    assert all(t3.cell(r, 0)._tc is first._tc for r in range(5, 27))
    assert t3.cell(27, 0)._tc is not first._tc
    note = t3.cell(0, 0)
    assert all(t3.cell(r, c)._tc is note._tc for r in range(3) for c in range(3))
    assert t3.cell(0, 3)._tc is t3.cell(0, 9)._tc  # 申请人情况 over the seven value columns


def test_page_font_and_page_number(document: docx.document.Document) -> None:
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    footer = section.footer._element
    assert any((i.text or "").strip() == "PAGE" for i in footer.iter(qn("w:instrText")))
    east_asia = {f.get(qn("w:eastAsia")) for f in document.element.body.iter(qn("w:rFonts"))}
    assert east_asia == {fonts().body, fonts().heading}
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "示例县科学技术局\n2024年政府信息公开工作年度报告"  # the title over two lines
    assert [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")] == [
        s.heading for s in layout("2021").sections
    ]
