"""PDF reader: the real 淮安市人民政府 2024 report (ruled tables, a table and a group label
cut by a page break, labels wrapped in cells, headers one character per line), the
sample turned into PDF by LibreOffice, and a table without ruling lines."""

from __future__ import annotations

import pytest

from nianbao.document import Document, Paragraph
from nianbao.pipeline import parse_bytes
from nianbao.readers import pdf, read
from nianbao.readers.limits import Limits
from nianbao.readers.office import convert, soffice
from nianbao.template import load
from tests.conftest_binary import HUAIAN, W_NS, build, docx_bytes_with, expected_values, norm

# The numbers huaian-2024.pdf prints, read off `pdftotext -layout`, table by table in the
# template's row order (T3: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计).
HUAIAN_T2 = [1, 0, 11, 8, 26, 66, 447228, 3985758, 88283, 96171.6]
HUAIAN_T3 = [
    [3001, 53, 0, 0, 61, 4, 3119],
    [34, 0, 0, 0, 0, 0, 34],
    [1288, 21, 0, 0, 50, 3, 1362],
    [447, 7, 0, 0, 0, 0, 454],
    [2, 0, 0, 0, 0, 0, 2],
    [30, 1, 0, 0, 0, 0, 31],
    [5, 0, 0, 0, 0, 0, 5],
    [6, 0, 0, 0, 0, 0, 6],
    [7, 1, 0, 0, 0, 0, 8],
    [12, 0, 0, 0, 0, 0, 12],
    [9, 0, 0, 0, 0, 0, 9],
    [105, 0, 0, 0, 0, 0, 105],
    [746, 12, 0, 0, 10, 1, 769],
    [11, 0, 0, 0, 0, 0, 11],
    [1, 0, 0, 0, 0, 0, 1],
    [56, 6, 0, 0, 0, 0, 62],
    [25, 0, 0, 0, 0, 0, 25],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0, 1],
    [67, 3, 0, 0, 1, 0, 71],
    [6, 0, 0, 0, 0, 0, 6],
    [108, 2, 0, 0, 0, 0, 110],
    [2932, 53, 0, 0, 61, 4, 3050],
    [103, 0, 0, 0, 0, 0, 103],
]
HUAIAN_T4 = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]


def huaian_values() -> dict[str, float]:
    keys = load("2021").cell_keys()
    numbers = [*HUAIAN_T2, *(v for row in HUAIAN_T3 for v in row), *HUAIAN_T4]
    assert len(keys) == len(numbers) == 200
    return dict(zip(keys, numbers, strict=True))


@pytest.fixture(scope="module")
def huaian() -> Document:
    return read(HUAIAN.read_bytes())


def test_huaian_tables_rebuilt_from_ruling_lines(huaian: Document) -> None:
    assert huaian.format == "pdf" and huaian.meta["pages"] == "6"
    grids = huaian.grids()
    # T2 is cut by a page break into parts of 4 and 2 columns: joined, the 2-column rows'
    # value cells merged over the three value columns; T3 is joined over pages 4–5
    assert [(g.loc.page, len(g.rows), len(g.rows[0])) for g in grids] == [(3, 14, 4), (4, 28, 10), (5, 4, 15)]
    t2, t3, t4 = grids
    assert [c.text for c in t2.rows[9]][1:] == ["3985758"] * 3 and t2.rows[9][1].loc.page == 4
    assert [t2.is_origin(9, c) for c in range(4)] == [True, True, False, False]
    assert [c.text for c in t3.rows[3][3:]] == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert [c.text for c in t3.rows[27][3:]] == ["103", "0", "0", "0", "0", "0", "103"]
    # rows of page 5 belong to the same grid, with their own page
    assert t3.rows[16][3].text == "11" and t3.rows[16][3].loc.page == 5 and t3.rows[15][3].loc.page == 4
    # the group label （四）无法提供 is split over the page break: one merged cell again
    unavailable = load("2021").row("applications.unavailable_not_held.total").group
    assert unavailable is not None
    assert [norm(t3.rows[r][1].text) for r in (15, 16, 17)] == [norm(unavailable)] * 3
    assert [t3.is_origin(r, 1) for r in (15, 16, 17)] == [True, False, False]
    # the vertical header 三、本年度办理结果 (one character per line) is one text, repeated down
    assert norm(t3.rows[5][0].text) == norm(t3.rows[26][0].text) and len(t3.rows[5][0].text) == 9
    assert not t3.is_origin(20, 0)
    # a label wrapped inside its cell is joined without a break
    assert "\n" not in t3.rows[6][1].text and t3.rows[6][1].text.endswith("不计其他情形）")
    # cells carry page, table, row, column and box
    cell = t3.rows[3][9]
    assert (cell.loc.page, cell.loc.table, cell.loc.row, cell.loc.col) == (4, 1, 3, 9)
    assert cell.loc.bbox is not None and cell.loc.bbox[0] > 400
    assert cell.confidence is None
    assert t2.rows[13][1].text == "96171.6"
    assert [c.text for c in t4.rows[3]] == [str(v) for v in HUAIAN_T4]


def test_huaian_text_outside_tables_is_one_paragraph_per_line(huaian: Document) -> None:
    paras = huaian.paragraphs()
    assert paras[0].text == "淮安市人民政府" and paras[0].loc.page == 1
    assert paras[1].text == "2024年政府信息公开工作年度报告"
    # the boxed paragraph on page 1 is text, not a one-column table
    assert any(p.text.startswith("本报告由淮安市人民政府办公室") for p in paras)
    last = [p for p in paras if p.loc.page == 6]
    assert last[-1].text.endswith("全年收取政府信息公开信息处理费3940元。")  # the page number 「-6-」 dropped
    assert not any(p.text in {"-1-", "-2-", "-3-", "-4-", "-5-", "-6-"} for p in paras)
    # reading order: the heading of section 三 comes just before T3
    blocks = huaian.blocks
    t3 = huaian.grids()[1]
    before = blocks[blocks.index(t3) - 1]
    assert isinstance(before, Paragraph) and norm(before.text).startswith("三、收到和处理")


def test_huaian_parses_to_every_value_its_tables_print() -> None:
    report = parse_bytes(HUAIAN.read_bytes(), "huaian-2024.pdf")
    assert report.agency == "淮安市人民政府" and report.year == 2024
    assert report.values == huaian_values()
    assert {p.status for p in report.provenance.values()} == {"ok"}
    assert report.provenance["applications.unavailable_needs_creation.total"].loc["page"] == 5


def test_max_pages_limit() -> None:
    from nianbao.errors import NianbaoError

    with pytest.raises(NianbaoError) as e:
        read(HUAIAN.read_bytes(), Limits(max_pages=5))
    assert e.value.code == "E_TOO_LARGE"


needs_office = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


@needs_office
def test_sample_pdf_from_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> None:
    data = build("pdf", tmp_path_factory).read_bytes()
    doc = read(data)
    t3 = next(g for g in doc.grids() if len(g.rows[0]) == 10)
    row = next(r for r in t3.rows if r[3].text == "5")
    assert [c.text for c in row[3:]][:2] == ["5", "2"] and row[9].text == "7"
    report = parse_bytes(data, "sample.pdf")
    assert report.values == expected_values()


@needs_office
def test_table_without_ruling_lines_is_rebuilt_from_word_positions() -> None:
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "3", "0", "12"],
            ["行政规范性文件", "25", "4", "130"]]

    def tc(text: str) -> str:
        return f'<w:tc><w:tcPr><w:tcW w:w="2200" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>'

    table = "<w:tbl><w:tblPr><w:tblBorders><w:top w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:insideH w:val=\"nil\"/>" \
            "<w:insideV w:val=\"nil\"/></w:tblBorders></w:tblPr><w:tblGrid>" + "<w:gridCol w:w=\"2200\"/>" * 4 + \
            "</w:tblGrid>" + "".join("<w:tr>" + "".join(tc(t) for t in r) + "</w:tr>" for r in rows) + "</w:tbl>"
    body = "<w:p><w:r><w:t>无框线的表格</w:t></w:r></w:p>" + table + "<w:p><w:r><w:t>表后文字</w:t></w:r></w:p>"
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{body}</w:body></w:document>'
    data = convert(docx_bytes_with(xml), "docx", "pdf", 120)
    doc = read(data)
    assert [p.text for p in doc.paragraphs()] == ["无框线的表格", "表后文字"]
    (grid,) = doc.grids()
    assert [[c.text for c in row] for row in grid.rows] == rows
    assert grid.rows[2][3].loc.page == 1 and grid.rows[2][3].loc.bbox is not None


def test_pdf_reader_on_non_pdf_bytes_is_corrupt() -> None:
    from nianbao.errors import NianbaoError

    with pytest.raises(NianbaoError) as e:
        pdf.read(b"%PDF-1.7\n" + b"garbage " * 100 + b"\n%%EOF\n", Limits())
    assert e.value.code == "E_CORRUPT"




