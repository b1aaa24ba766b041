"""DOCX reader: the official Word table with its merged cells, the sample filled into it,
and the reader's edge cases (text boxes, nested tables, content controls, tracked changes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.document import Paragraph
from nianbao.pipeline import parse_bytes
from nianbao.readers import docx, read
from nianbao.readers.limits import Limits
from nianbao.template import load
from tests.conftest_binary import CHOSEN, TEMPLATE_DOCX, W_NS, build, docx_bytes_with, expected_values, norm


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("docx", tmp_path_factory)


def test_blank_template_grids_have_merged_cells_expanded() -> None:
    doc = read(TEMPLATE_DOCX.read_bytes())
    assert doc.format == "docx"
    t2, t3, t4 = doc.grids()
    assert (len(t2.rows), len(t2.rows[0])) == (14, 4)
    assert (len(t3.rows), len(t3.rows[0])) == (28, 10)
    assert (len(t4.rows), len(t4.rows[0])) == (4, 15)
    # T3's first data row: the label spans three columns (gridSpan), origin only at the left
    label = load("2021").table("applications").all_rows()[0].label
    r = next(i for i, row in enumerate(t3.rows) if norm(row[0].text).startswith(norm(label)[:6]))
    assert r == 3
    assert t3.rows[r][0].text == t3.rows[r][1].text == t3.rows[r][2].text
    assert [t3.is_origin(r, c) for c in range(3)] == [True, False, False]
    # the group label of rows 5–26 is one vertical merge (vMerge): repeated, origin at its top
    group = t3.rows[5][0].text
    assert all(t3.rows[i][0].text == group for i in range(5, 27))
    assert [t3.is_origin(i, 0) for i in range(5, 8)] == [True, False, False]
    assert t3.rows[27][0].text != group
    # T4's header: 行政复议 spans five columns, 行政诉讼 ten
    assert len({c.text for c in t4.rows[0][:5]}) == 1 and len({c.text for c in t4.rows[0][5:]}) == 1
    assert sum(t4.is_origin(0, c) for c in range(15)) == 2
    # cells know their table, row and column
    cell = t3.rows[4][9]
    assert (cell.loc.table, cell.loc.row, cell.loc.col) == (1, 4, 9)
    # paragraphs between the tables, in body order
    blocks = doc.blocks
    assert isinstance(blocks[blocks.index(t3) - 1], Paragraph)
    assert blocks.index(t2) < blocks.index(t3) < blocks.index(t4)


def test_sample_docx_grid_holds_the_numbers_put_in(sample_docx: Path) -> None:
    doc = read(sample_docx.read_bytes())
    t2, t3, t4 = doc.grids()
    assert [c.text for c in t3.rows[3][3:]] == ["5", "2", "0", "0", "0", "0", "7"]
    assert t3.rows[3][0].text == t3.rows[3][2].text  # label repeated across its merge
    assert [c.text for c in t3.rows[26][3:]] == ["5", "2", "0", "0", "0", "0", "7"]
    assert [c.text for c in t3.rows[27][3:]] == ["1", "0", "0", "0", "0", "0", "1"]
    # 行政许可's value cell spans three columns: the number is repeated, origin at the left
    assert [c.text for c in t2.rows[6]][1:] == ["12", "12", "12"]
    assert [t2.is_origin(6, c) for c in range(4)] == [True, True, False, False]
    assert t2.rows[13][1].text == "1.5"
    assert [c.text for c in t4.rows[3]][:7] == ["1", "0", "0", "1", "2", "0", "1"]


def test_sample_docx_parses_to_the_values_of_its_text_sample(sample_docx: Path) -> None:
    report = parse_bytes(sample_docx.read_bytes(), "sample.docx")
    assert report.source.format == "docx"
    assert report.agency == "孟津区科技和工业信息化局" and report.year == 2023
    assert report.values == expected_values()
    assert all(p.status == "ok" for p in report.provenance.values())
    loc = report.provenance["applications.new.total"].loc
    assert (loc["table"], loc["row"], loc["col"]) == (1, 3, 9)
    assert report.values["active.fees.amount"] == CHOSEN["active.fees.amount"]


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text)}</w:tc>"


def test_text_boxes_nested_tables_content_controls_and_tracked_changes() -> None:
    wps = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ' \
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" ' \
          'xmlns:v="urn:schemas-microsoft-com:vml"'
    nested = f"<w:tbl><w:tr>{_tc('内1')}{_tc('内2')}</w:tr></w:tbl>"
    body = (
        _p("标题")
        + "<w:p><w:r><w:t>前文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
        "<wps:txbx><w:txbxContent>" + _p("文本框内容") + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:textbox><w:txbxContent>" + _p("文本框内容") + "</w:txbxContent></v:textbox>"
        "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        + "<w:sdt><w:sdtContent>" + _p("控件内文字") + "</w:sdtContent></w:sdt>"
        + "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>插入</w:t></w:r></w:ins><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>"
        + "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        + "<w:tr>" + _tc("甲", '<w:vMerge w:val="restart"/>') + _tc("乙", '<w:gridSpan w:val="2"/>') + "</w:tr>"
        + "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("1") + f"<w:tc>{_p('含表')}{nested}</w:tc></w:tr>"
        + '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc("丙", '<w:hMerge w:val="restart"/>')
        + _tc("", '<w:hMerge w:val="continue"/>') + "</w:tr></w:tbl>"
        + _p("结尾")
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS} {wps}><w:body>{body}</w:body></w:document>'
    doc = docx.read(docx_bytes_with(xml), Limits())
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts == ["标题", "前文", "文本框内容", "控件内文字", "保留插入", "结尾"]
    outer, inner = doc.grids()
    assert [[c.text for c in row] for row in outer.rows] == [["甲", "乙", "乙"], ["甲", "1", "含表"], ["", "丙", "丙"]]
    assert outer.origins == [[True, True, False], [False, True, True], [False, True, False]]
    assert [[c.text for c in row] for row in inner.rows] == [["内1", "内2"]]
    assert (outer.loc.table, inner.loc.table) == (0, 1)
    assert doc.blocks.index(inner) == doc.blocks.index(outer) + 1


def test_docx_without_body_is_corrupt() -> None:
    from nianbao.errors import NianbaoError

    xml = f'<?xml version="1.0"?><w:document {W_NS}></w:document>'
    with pytest.raises(NianbaoError) as e:
        docx.read(docx_bytes_with(xml), Limits())
    assert e.value.code == "E_CORRUPT"
