"""The HTML reader on hand-made copies of real agency pages: chrome dropped, scripts never
read, merged cells expanded into grids cell by cell, encodings and dates found."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.document import Document, Grid, Paragraph
from nianbao.errors import E_ENCODING, E_TOO_LARGE, NianbaoError
from nianbao.pipeline import parse_bytes
from nianbao.readers import html, read

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
FULL = FIXTURES / "mengjin_2023.html"
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


# the non-zero numbers written into tests/fixtures/html/mengjin_2023.html
MENGJIN_NONZERO = {
    "active.normative_documents.issued": 1,
    "active.normative_documents.repealed": 1,
    "active.licensing.decisions": 12,
    "applications.new.natural_person": 5,
    "applications.new.business": 2,
    "applications.new.total": 7,
    "applications.carried_over.natural_person": 1,
    "applications.carried_over.total": 1,
    "applications.granted.natural_person": 3,
    "applications.granted.business": 1,
    "applications.granted.total": 4,
    "applications.partially_granted.natural_person": 1,
    "applications.partially_granted.total": 1,
    "applications.unavailable_not_held.business": 1,
    "applications.unavailable_not_held.total": 1,
    "applications.results_total.natural_person": 4,
    "applications.results_total.business": 2,
    "applications.results_total.total": 6,
    "applications.carried_forward.natural_person": 2,
    "applications.carried_forward.total": 2,
    "appeals.reconsideration.upheld": 1,
    "appeals.reconsideration.total": 1,
    "appeals.litigation_direct.pending": 1,
    "appeals.litigation_direct.total": 1,
}

def _read(name: str) -> Document:
    return html.read((FIXTURES / name).read_bytes())


def _texts(doc: Document) -> list[str]:
    return [b.text for b in doc.paragraphs()]


def _all_text(doc: Document) -> str:
    cells = [c.text for g in doc.grids() for row in g.rows for c in row]
    return "\n".join(_texts(doc) + cells)


def _source_line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


# ---- the full page ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def full() -> Document:
    return html.read(FULL.read_bytes())


def test_full_page_meta(full: Document) -> None:
    assert full.format == "html"
    assert full.meta == {
        "encoding": "utf-8",
        "title": "孟津区科技和工业信息化局2023年政府信息公开工作年度报告_政府信息公开年报_洛阳市孟津区人民政府",
        "published": "2024-01-20",
    }


def test_full_page_keeps_the_article_and_drops_the_chrome(full: Document) -> None:
    texts = _texts(full)
    assert texts[0] == "孟津区科技和工业信息化局2023年政府信息公开工作年度报告"  # h1 in the article header
    assert texts[1].startswith("发布时间：2024-01-20 09:30")
    assert texts[3] == "一、总体情况"
    assert texts[-3:] == ["孟津区科技和工业信息化局", "2024年1月20日", "【打印本页】 【关闭窗口】"]
    everything = _all_text(full)
    for chrome in ("设为首页", "走进孟津", "当前位置", "政府信息公开指南", "分享到", "主办单位", "豫ICP备",
                   "请输入关键字", "搜索", "您的浏览器不支持"):
        assert chrome not in everything, chrome
    for script_or_hidden in ("999", "777", "1024", "888", "隐藏的统计代码", "siteName", "document.write"):
        assert script_or_hidden not in everything, script_or_hidden


def test_full_page_paragraphs_in_order_with_source_lines(full: Document) -> None:
    paras = full.paragraphs()
    by_text = {p.text: p.loc.line for p in paras}
    assert by_text["一、总体情况"] == _source_line(FULL, "<strong>一、总体情况")
    # a <br> splits a paragraph in two lines, each with its own source line
    i = next(k for k, p in enumerate(paras) if p.text.endswith("完善政府信息公开制度，"))
    assert paras[i + 1].text == "对拟公开的信息，进行严格的保密审查。"
    line = paras[i].loc.line
    assert line is not None
    assert paras[i + 1].loc.line == line + 1 == _source_line(FULL, "对拟公开的信息")
    # full-width spaces are text; entities are decoded
    assert any(t.startswith("　　我局信息公开工作始终坚持“依法公开") for t in by_text)
    # each table sits after its section title
    kinds = ["grid" if isinstance(b, Grid) else b.text for b in full.blocks]
    for title, table in (("二、主动公开政府信息情况", 0), ("三、收到和处理政府信息公开申请情况", 1),
                         ("四、政府信息公开行政复议、行政诉讼情况", 2)):
        k = kinds.index(title)
        assert isinstance(full.blocks[k + 1], Grid) and full.blocks[k + 1].loc.table == table


def test_full_page_has_exactly_the_three_report_grids(full: Document) -> None:
    t2, t3, t4 = full.grids()  # the sidebar's calendar table went with the menu; layout table is no grid
    assert [(len(g.rows), len(g.rows[0])) for g in (t2, t3, t4)] == [(14, 4), (28, 10), (4, 15)]
    assert all(len(row) == len(g.rows[0]) for g in (t2, t3, t4) for row in g.rows)
    assert [g.loc.table for g in (t2, t3, t4)] == [0, 1, 2]


def test_t2_grid(full: Document) -> None:
    t2 = full.grids()[0]
    assert t2.origins is not None
    text = [[c.text for c in row] for row in t2.rows]
    assert text[0] == ["第二十条第（一）项"] * 4 and t2.origins[0] == [True, False, False, False]
    assert text[1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert text[3] == ["行政规范性文件", "1", "1", "0"] and t2.origins[3] == [True] * 4
    assert text[6] == ["行政许可", "12", "12", "12"] and t2.origins[6] == [True, True, False, False]
    assert text[12] == ["信息内容"] + ["本年收费金额（单位：万元）"] * 3
    assert text[13] == ["行政事业性收费", "0", "0", "0"]


def test_t3_grid_merges(full: Document) -> None:
    t3 = full.grids()[1]
    text = [[c.text for c in row] for row in t3.rows]
    o = t3.origins
    assert o is not None
    # the 3×3 note cell
    for r in range(3):
        assert text[r][:3] == [NOTE] * 3
        assert o[r][:3] == [r == 0, False, False]
    assert text[0][3:] == ["申请人情况"] * 7 and o[0][3:] == [True] + [False] * 6
    assert text[1][3:] == ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert o[1][3:] == [True, True, False, False, False, False, True]
    assert text[2][3:] == ["自然人", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert o[2][3:] == [False, True, True, True, True, True, False]
    # 三、本年度办理结果 covers 22 rows of column 0
    assert [text[r][0] for r in range(5, 27)] == ["三、本年度办理结果"] * 22
    assert [o[r][0] for r in range(5, 27)] == [True] + [False] * 21
    assert text[27][0] == "四、结转下年度继续办理" and text[4][:3] == ["二、上年结转政府信息公开申请数量"] * 3
    # （三） covers 8 rows of column 1, with the numbered items in column 2
    assert [text[r][1] for r in range(7, 15)] == ["（三）不予公开"] * 8
    assert [o[r][1] for r in range(7, 15)] == [True] + [False] * 7
    assert text[9][2] == "3.危及“三安全一稳定”"
    assert text[6][1:3] == ["（二）部分公开\n（区分处理的，只计这一情形，不计其他情形）"] * 2
    assert (text[15][1], text[18][1], text[23][1]) == ("（四）无法提供", "（五）不予处理", "（六）其他处理")
    assert text[26][1:3] == ["（七）总计", "（七）总计"] and o[26][1:3] == [True, False]


def test_t3_grid_values_by_position(full: Document) -> None:
    t3 = full.grids()[1]
    values = {r: [c.text for c in t3.rows[r][3:]] for r in range(3, 28)}
    assert t3.origins is not None
    assert values[3] == ["5", "2", "0", "0", "0", "0", "7"]  # 一、本年新收
    assert values[4] == ["1", "0", "0", "0", "0", "0", "1"]  # 二、上年结转
    assert values[5] == ["3", "1", "0", "0", "0", "0", "4"]  # （一）予以公开
    assert values[6] == ["1", "0", "0", "0", "0", "0", "1"]  # （二）部分公开
    assert values[15] == ["0", "1", "0", "0", "0", "0", "1"]  # （四）1.本机关不掌握
    assert values[26] == ["4", "2", "0", "0", "0", "0", "6"]  # （七）总计
    assert values[27] == ["2", "0", "0", "0", "0", "0", "2"]  # 四、结转下年度
    zero_rows = set(range(7, 26)) - {15}
    assert all(values[r] == ["0"] * 7 for r in zero_rows)
    assert all(t3.origins[r][3:] == [True] * 7 for r in values)
    cell = t3.rows[3][3]
    assert (cell.loc.table, cell.loc.row, cell.loc.col) == (1, 3, 3)
    assert cell.loc.line == _source_line(FULL, "<td><span>5</span>")
    assert t3.loc.line == _source_line(FULL, "三、收到和处理政府信息公开申请情况") + 1


def test_t4_grid(full: Document) -> None:
    t4 = full.grids()[2]
    assert t4.origins is not None
    text = [[c.text for c in row] for row in t4.rows]
    heads = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    assert text[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert t4.origins[0] == [True, False, False, False, False, True] + [False] * 9
    assert text[1] == heads + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert text[2] == heads * 3 and t4.origins[2] == [False] * 5 + [True] * 10
    assert text[3] == ["1", "0", "0", "0", "1", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"]
    assert (t4.rows[3][8].loc.row, t4.rows[3][8].loc.col, t4.rows[3][8].loc.table) == (3, 8, 2)


# ---- the other fixtures -----------------------------------------------------------------


def test_gbk_page_with_meta_gb2312() -> None:
    data = (FIXTURES / "weidong_2023_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = html.read(data)
    assert doc.meta == {"encoding": "gb18030", "title": "卫东区工业和信息化局2023年政府信息公开工作年度报告",
                        "published": "2024-01-25"}
    texts = _texts(doc)
    assert texts[:2] == [
        "卫东区工业和信息化局2023年政府信息公开工作年度报告", "发布日期：2024年01月25日　　信息来源：区工信局",
    ]
    assert "　　2023年，我局认真贯彻落实“公开为常态、不公开为例外”原则，全面推进政府信息公开工作。" in texts
    assert "网站首页" not in _all_text(doc) and "版权所有" not in _all_text(doc)
    (t2,) = doc.grids()
    assert [c.text for c in t2.rows[3]] == ["行政规范性文件", "2", "0", "5"]
    assert [c.text for c in t2.rows[9]] == ["行政处罚", "3", "3", "3"]


def test_scripts_never_become_text() -> None:
    doc = _read("script_tables.html")
    assert "999" not in _all_text(doc)
    assert _texts(doc) == ["四、政府信息公开行政复议、行政诉讼情况", "以上数据截至2023年12月31日。"]
    (t4,) = doc.grids()
    assert [c.text for c in t4.rows[3]] == ["2", "1", "0", "0", "3"] + ["0"] * 5 + ["1", "0", "0", "0", "1"]
    assert [c.text for c in t4.rows[2][5:10]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert "published" not in doc.meta  # 截至 a date is no publication date


def test_t2_value_cell_with_colspan_3() -> None:
    t2 = _read("t2_colspan.html").grids()[0]
    assert t2.origins is not None
    rows = {r: [c.text for c in row] for r, row in enumerate(t2.rows)}
    assert rows[3] == ["行政规范性文件", "4", "2", "17"]
    assert rows[6] == ["行政许可", "35", "35", "35"]  # "&nbsp;35&nbsp;"
    assert t2.origins[6] == [True, True, False, False]
    assert rows[9] == ["行政处罚", "8", "8", "8"]
    assert rows[10] == ["行政强制", "", "", ""] and t2.origins[10] == [True, True, False, False]
    assert rows[13] == ["行政事业性收费", "1.5", "1.5", "1.5"]
    assert [(c.loc.row, c.loc.col) for c in t2.rows[13]] == [(13, 0), (13, 1), (13, 2), (13, 3)]


# ---- grids: the merge algorithm on its own ----------------------------------------------


def _grid(table: str) -> Grid:
    (grid,) = html.read(_page(table)).grids()
    return grid


def test_rowspan_zero_ragged_rows_and_junk_spans() -> None:
    g = _grid("<table><tr><td rowspan=0>a</td><td colspan='2px'>b</td></tr>"
              "<tr><td>c</td></tr><tr><td>d</td><td>e</td><td>f</td><td>g</td></tr></table>")
    assert g.origins is not None
    assert [[c.text for c in row] for row in g.rows] == [
        ["a", "b", "b", "", ""], ["a", "c", "", "", ""], ["a", "d", "e", "f", "g"],
    ]
    assert g.origins[2] == [False, True, True, True, True] and g.origins[1][2:] == [True, True, True]
    # a row with a cell more than the others widens the grid; the shorter rows get blank cells
    g2 = _grid("<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>")
    assert [[c.text for c in row] for row in g2.rows] == [["a", "b", ""], ["a", "c", "d"]]
    assert g2.origins == [[True, True, True], [False, True, True]]


def test_rowspan_past_the_last_row_is_cut() -> None:
    g = _grid("<table><tr><td rowspan=9>a</td><td>1</td></tr><tr><td>2</td></tr></table>")
    assert [[c.text for c in row] for row in g.rows] == [["a", "1"], ["a", "2"]]


def test_empty_rows_and_columns_are_dropped() -> None:
    g = _grid("<table><tr><td></td><td>x</td><td>&nbsp;</td></tr><tr><td></td><td></td><td> </td></tr>"
              "<tr><td></td><td>y</td><td></td></tr></table>")
    assert [[c.text for c in row] for row in g.rows] == [["x"], ["y"]]


def test_cell_text_flattens_tags_and_keeps_line_breaks() -> None:
    g = _grid("<table><tr><td><p><span>结果</span><b>维</b>持</p><p>二行</p></td>"
              "<td>a<br/>b<br>\n  c &amp; d&nbsp;</td><td>&#x4E00;&#20108;</td></tr></table>")
    assert [c.text for c in g.rows[0]] == ["结果维持\n二行", "a\nb\nc & d", "一二"]


def test_thead_tbody_tfoot_caption_and_th() -> None:
    doc = html.read(_page("<table><caption>表一</caption><thead><tr><th>信息内容</th><th>数量</th></tr></thead>"
                          "<tbody><tr><td>行政许可</td><td>3</td></tr></tbody>"
                          "<tfoot><tr><td>合计</td><td>3</td></tr></tfoot></table>"))
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == "表一"
    (g,) = doc.grids()
    assert [[c.text for c in row] for row in g.rows] == [["信息内容", "数量"], ["行政许可", "3"], ["合计", "3"]]


def test_hidden_rows_and_cells_are_skipped() -> None:
    g = _grid("<table><tr><td>a</td><td style='display: none'>x</td><td>b</td></tr>"
              "<tr style='display:none'><td>9</td><td>9</td></tr><tr hidden><td>9</td></tr>"
              "<tr><td>c</td><td>d</td></tr></table>")
    assert [[c.text for c in row] for row in g.rows] == [["a", "b"], ["c", "d"]]


def test_hostile_spans_are_refused() -> None:
    rows = "".join("<tr><td colspan=1000>x</td></tr>" for _ in range(300))
    with pytest.raises(NianbaoError) as exc:
        html.read(_page(f"<table>{rows}<tr><td>1</td><td>2</td></tr></table>"))
    assert exc.value.code == E_TOO_LARGE


# ---- layout tables and chrome -----------------------------------------------------------


def test_layout_table_gives_paragraphs_and_inner_data_tables() -> None:
    doc = html.read(_page(
        "<table class='frame'><tr><td>标题文字</td><td>第二格</td></tr><tr><td colspan=2>"
        "<p>正文一</p>正文二<table><tr><td>规章</td><td>0</td></tr><tr><td>行政许可</td><td>5</td></tr></table>"
        "<table><tr><td><table><tr><td>内层</td><td>7</td></tr></table></td><td>外层字</td></tr></table>"
        "</td></tr></table>"))
    kinds = [b.text if isinstance(b, Paragraph) else [[c.text for c in r] for r in b.rows] for b in doc.blocks]
    assert kinds == [
        "标题文字", "第二格", "正文一", "正文二",
        [["规章", "0"], ["行政许可", "5"]],
        [["内层", "7"]],
        "外层字",
    ]
    assert [g.loc.table for g in doc.grids()] == [0, 1]


def test_single_cell_frame_and_long_text_cell_are_layout() -> None:
    article = "本机关依法公开政府信息。" * 50
    doc = html.read(_page(f"<table><tr><td><p>一、总体情况</p><p>{article}</p></td></tr></table>"
                          f"<table><tr><td>标题</td></tr><tr><td>{article}</td></tr></table>"))
    assert doc.grids() == []
    assert _texts(doc) == ["一、总体情况", article, "标题", article]


def test_aspnet_form_around_the_whole_page_is_not_chrome() -> None:
    body = ("<form id='form1' method='post'><div class='nav'><a>首页</a><a>信息公开</a></div>"
            "<div id='zoom'><p>一、总体情况</p><p>" + "本年度我局严格落实条例。" * 20 + "</p>"
            "<table><tr><td>行政许可</td><td>4</td></tr><tr><td>行政处罚</td><td>0</td></tr></table></div>"
            "<input type='hidden' name='__VIEWSTATE' value='dDwtMTA4'></form>")
    doc = html.read(_page(body))
    assert _texts(doc)[0] == "一、总体情况"
    assert "首页" not in _all_text(doc) and "dDwt" not in _all_text(doc)
    assert [c.text for c in doc.grids()[0].rows[0]] == ["行政许可", "4"]


def test_chrome_inside_the_article_only_when_it_is_a_widget() -> None:
    body = ("<header class='site-header'><h1><a href='/'>某某市人民政府</a></h1></header>"
            "<nav><a>首页</a></nav>"
            "<article><header><h2>某局2023年报告</h2><span>发布时间：2024-01-30</span></header>"
            "<div class='content'><p>" + "正文内容。" * 60 + "</p>"
            "<div class='share-bar'><a>微信</a><a>微博</a></div>"
            "<footer>（本文完）</footer></div></article>"
            "<footer><p>网站主办：某某市人民政府办公室</p></footer>"
            "<aside class='hot'><a>热点新闻一</a></aside>")
    doc = html.read(_page(body))
    assert _texts(doc) == ["某局2023年报告", "发布时间：2024-01-30", "正文内容。" * 60, "（本文完）"]
    assert doc.meta["published"] == "2024-01-30"


def test_pre_keeps_its_lines() -> None:
    doc = html.read(_page("<pre>一、总体情况\n规章    0    0    0\n\n行政许可  5</pre>"))
    assert [(p.text, p.loc.line) for p in doc.paragraphs()] == [
        ("一、总体情况", 1), ("规章    0    0    0", 2), ("行政许可  5", 4),
    ]


# ---- encodings ------------------------------------------------------------------------


def test_declared_utf8_that_is_really_gbk() -> None:
    page = "<html><head><meta charset='utf-8'><title>年度报告</title></head><body><p>本年新收申请５件</p></body></html>"
    doc = html.read(page.encode("gbk"))
    assert doc.meta["encoding"] == "gb18030" and _texts(doc) == ["本年新收申请５件"]


@pytest.mark.parametrize("decl", [
    '<meta http-equiv="Content-Type" content="text/html; charset=GBK">',
    "<meta charset=gb2312>",
    '<META HTTP-EQUIV="content-type" CONTENT="text/html;charset=x-gbk">',
])
def test_gb_declarations_read_as_gb18030(decl: str) -> None:
    page = f"<html><head>{decl}<title>政务公开</title></head><body><p>“三安全一稳定”〇𠀀</p></body></html>"
    doc = html.read(page.encode("gb18030"))
    assert doc.meta["encoding"] == "gb18030" and _texts(doc) == ["“三安全一稳定”〇𠀀"]


def test_xml_prolog_and_declared_big5() -> None:
    xhtml = '<?xml version="1.0" encoding="big5"?>\n<html><body><p>政府資訊公開</p></body></html>'
    doc = html.read(xhtml.encode("big5"))
    assert doc.meta["encoding"] == "big5" and _texts(doc) == ["政府資訊公開"]


def test_meta_charset_after_a_long_script() -> None:
    page = ("<html><head><script>" + "var x = 1;\n" * 800 + "</script><meta charset='gbk'><title>标题</title>"
            "</head><body><p>正文</p></body></html>")
    doc = html.read(page.encode("gbk"))
    assert doc.meta["title"] == "标题" and _texts(doc) == ["正文"]
    assert doc.paragraphs()[0].loc.line == 801


def test_undecodable_page_is_an_encoding_error() -> None:
    page = "<html><head><meta charset='ascii'></head><body><p>déjà résumé élégant</p></body></html>" * 30
    with pytest.raises(NianbaoError) as exc:
        html.read(page.encode("latin-1").replace(b"\xe9", b"\x81"))
    assert exc.value.code == E_ENCODING


# ---- publication date -------------------------------------------------------------------


@pytest.mark.parametrize(("head", "body", "expected"), [
    ('<meta name="PubDate" content="2024-01-20 09:30">', "", "2024-01-20"),
    ('<meta name="publishdate" content="2024/1/5">', "", "2024-01-05"),
    ('<meta property="article:published_time" content="2024-01-31T08:00:00+08:00">', "", "2024-01-31"),
    ("", "<div>发布时间：2024-01-20</div>", "2024-01-20"),
    ("", "<span>发布日期：</span><span>2024年1月9日</span>", "2024-01-09"),
    ("", "<p>成文日期：2024-01-02</p><p>日期：2024-01-15</p>", "2024-01-15"),
    ("", "<p>发布时间：2024-13-45</p>", None),
    ("", "<p>统计时间：2023年1月1日至2023年12月31日</p>", None),
    ('<meta name="PubDate" content="">', "<p>发布于 2024.02.01 10:00</p>", "2024-02-01"),
])
def test_published_date(head: str, body: str, expected: str | None) -> None:
    doc = html.read(_page(body + "<p>正文</p>", head))
    assert doc.meta.get("published") == expected


# ---- dispatch -------------------------------------------------------------------------


def test_readers_read_dispatches_html() -> None:
    doc = read(FULL.read_bytes())
    assert doc.format == "html" and len(doc.grids()) == 3


def test_full_page_parses_to_the_expected_report() -> None:
    report = parse_bytes(FULL.read_bytes(), str(FULL))
    assert report.source.format == "html"
    assert (report.agency, report.year, report.template) == ("孟津区科技和工业信息化局", 2023, "2021")
    assert {k: v for k, v in report.values.items() if v} == MENGJIN_NONZERO
    assert len(report.values) == 10 + 175 + 15
    assert all(v == 0 for k, v in report.values.items() if k not in MENGJIN_NONZERO)
    assert {p.status for p in report.provenance.values()} == {"ok"}
    assert report.provenance["applications.new.natural_person"].loc.get("table") == 1
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]


def test_small_pages_parse_through_the_pipeline() -> None:
    t2 = parse_bytes((FIXTURES / "t2_colspan.html").read_bytes(), "t2_colspan.html")
    active = {k: v for k, v in t2.values.items() if k.startswith("active.")}
    assert active == {
        "active.regulations.issued": 0, "active.regulations.repealed": 0, "active.regulations.in_force": 0,
        "active.normative_documents.issued": 4, "active.normative_documents.repealed": 2,
        "active.normative_documents.in_force": 17, "active.licensing.decisions": 35,
        "active.punishment.decisions": 8, "active.coercion.decisions": 0, "active.fees.amount": 1.5,
    }
    assert t2.provenance["active.coercion.decisions"].status == "blank"
    gbk = parse_bytes((FIXTURES / "weidong_2023_gbk.html").read_bytes(), "weidong_2023_gbk.html")
    assert (gbk.agency, gbk.year, gbk.source.encoding) == ("卫东区工业和信息化局", 2023, "gb18030")
    assert {k: v for k, v in gbk.values.items() if v} == {
        "active.normative_documents.issued": 2, "active.normative_documents.in_force": 5,
        "active.punishment.decisions": 3,
    }
