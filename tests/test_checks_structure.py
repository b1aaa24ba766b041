"""Structure rules: sections, tables, cells, version, year, agency, extra rows, 信息处理费 in 六."""

from __future__ import annotations

from tests.check_helpers import check, line_of, of_rule, parse, replace, sample, set_cells


def _cut(text: str, start: str, end: str) -> str:
    """The text without the part from ``start`` up to (not including) ``end``."""
    a, b = text.index(start), text.index(end)
    return text[:a] + text[b:]


def test_all_six_sections_pass() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        assert of_rule(check(sample(prefix)), "struct.sections") == [], prefix


def test_missing_section() -> None:
    text = _cut(sample("002"), "#### 五、", "#### 六、")
    found = of_rule(check(text), "struct.sections")
    assert [(f.severity, f.message, f.keys) for f in found] == [
        ("error", "缺少第五部分“五、存在的主要问题及改进情况”", [])
    ]
    assert found[0].loc == {"line": line_of(text, "#### 六、")}  # where it should have stood


def test_sections_out_of_order_leave_one_missing() -> None:
    # 六 printed before 五: read in order, 六 is not where it must be
    s = sample("002")
    a, b = s.index("#### 五、"), s.index("#### 六、")
    text = s[:a] + s[b:] + "\n\n" + s[a:b]
    found = of_rule(check(text), "struct.sections")
    assert [f.message for f in found] == ["缺少第六部分“六、其他需要报告的事项”"]
    assert found[0].loc == {"line": line_of(text, "#### 五、")}


def test_missing_table() -> None:
    s = sample("002")
    text = _cut(s, "行政复议\t\t\t\t\t行政诉讼", "#### 五、")
    found = of_rule(check(text), "struct.tables")
    assert len(found) == 1
    assert found[0].message == "未找到表四“政府信息公开行政复议、行政诉讼情况”（第四部分）"
    assert len(found[0].keys) == 15 and found[0].keys[0] == "appeals.reconsideration.upheld"
    assert found[0].loc == {"line": line_of(text, "#### 四、")}
    assert of_rule(check(s), "struct.tables") == []


def test_missing_row() -> None:
    s = sample("002")
    row_line = parse(s).provenance["applications.partially_granted.total"].loc["line"]
    text = "\n".join(line for i, line in enumerate(s.split("\n"), 1) if i != row_line)
    found = of_rule(check(text), "struct.tables")
    assert [f.message for f in found] == ["表三缺少“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行"]
    assert found[0].keys[0] == "applications.partially_granted.natural_person" and len(found[0].keys) == 7
    assert found[0].loc == {"line": line_of(text, "### 三、")}


def test_unreadable_cell() -> None:
    text = set_cells(sample("002"), {"applications.granted.business": "约3"})
    found = of_rule(check(text), "struct.unreadable")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.keys == ["applications.granted.business"]
    assert f.loc == {"line": 43}
    assert f.message.startswith("表三“（一）予以公开”行：“商业企业”（原文“约3”）未能可靠读出数字，未核对其勾稽关系")
    assert of_rule(check(sample("002")), "struct.unreadable") == []


def test_version_against_year() -> None:
    assert of_rule(check(sample("002")), "struct.version") == []
    text = sample("002").replace("2023", "2020")  # a 2020 report in the 2021 tables
    found = of_rule(check(text), "struct.version")
    assert len(found) == 1
    assert found[0].severity == "error"
    trial = "《中华人民共和国政府信息公开工作年度报告格式（试行）》"
    assert found[0].message.startswith(f"本报告为2020年度报告，应使用{trial}")
    assert found[0].loc == {"line": 19}  # 二、主动公开政府信息情况: the table that tells the version


def test_mixed_version() -> None:
    header = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"
    text = replace(sample("002"), header, "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量")
    found = of_rule(check(text), "struct.version")
    assert [(f.severity, f.message) for f in found] == [
        (
            "warning",
            "表格为2021年格式，但出现2019年格式的栏目（本年新制作数量、本年新公开数量、对外公开总数量），疑似混用新旧模板",
        )
    ]


def test_title_year_against_period() -> None:
    s = sample("003")  # title 2024, 统计期限 2024
    assert of_rule(check(s), "struct.year") == []
    period = "统计期限为 {0} 年 1 月 1 日至 {0} 年 12 月 31 日"
    text = replace(s, period.format(2024), period.format(2023))
    found = of_rule(check(text), "struct.year")
    assert [(f.severity, f.message, f.loc) for f in found] == [
        ("error", "标题年度（2024年）与统计期限年度（2023年）不一致", {"field": "title", "line": 3})
    ]


def test_text_year_copied_from_another_year() -> None:
    s = sample("004")  # 总体情况 speaks of 2023 in a 2023 report
    head, body = s.split("一、总体情况", 1)
    sec1, rest = body.split("二、主动公开政府信息情况", 1)
    text = head + "一、总体情况" + sec1.replace("2023", "2022") + "二、主动公开政府信息情况" + rest
    found = of_rule(check(text), "struct.year")
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert found[0].message == "一、总体情况：3处写“2022年”，未出现本报告年度2023年，疑为沿用其他年度的文字"
    assert found[0].loc == {"line": 5}
    assert of_rule(check(s), "struct.year") == []


def test_agency_in_title() -> None:
    assert of_rule(check(sample("002")), "struct.agency") == []
    found = of_rule(check(sample("004")), "struct.agency")  # the real report's title lacks its agency
    assert [(f.severity, f.message, f.loc) for f in found] == [
        (
            "warning",
            "标题“政府信息公开工作年度报告”未写明机关名称（正文中的机关为“阿城区工业信息科技局”）",
            {"field": "title", "line": 1},
        )
    ]


def test_extra_rows() -> None:
    s = sample("002")
    assert of_rule(check(s), "struct.extra_rows") == []
    text = replace(s, "行政规范性文件\t0\t0\t0\n", "行政规范性文件\t0\t0\t0\n其他主动公开文件\t3\t0\t5\n")
    found = of_rule(check(text), "struct.extra_rows")
    assert [(f.severity, f.message, f.loc) for f in found] == [
        ("info", "表二中有全国统一格式以外的行或列：“其他主动公开文件”（已保留，未参与计算）", {"line": 25})
    ]


def test_sec6_fee() -> None:
    s = sample("001")  # 六: 今年未收取信息处理费。
    assert of_rule(check(s), "sec6.fee") == []
    text = replace(s, "今年未收取信息处理费。", "无。")
    found = of_rule(check(text), "sec6.fee")
    assert [(f.severity, f.keys, f.loc) for f in found] == [("warning", [], {"line": 90})]
    assert found[0].message == "六、其他需要报告的事项：未说明信息处理费的收取情况（国办函〔2020〕109号）"
    billed = set_cells(text, {"applications.other_no_fee.natural_person": "1", "applications.other_no_fee.total": "1"})
    found = of_rule(check(billed), "sec6.fee")
    assert found[0].keys == ["applications.other_no_fee.total"]
    assert found[0].message.endswith("为1，说明曾发出收费通知")
