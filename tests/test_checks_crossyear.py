"""Across years: a second year made from a real sample, compared with the first."""

from __future__ import annotations

from nianbao.checks import check_report
from nianbao.checks.crossyear import pick_previous, similarity
from tests.check_helpers import of_rule, parse, replace, sample, set_cells, with_applications

CARRIED = {  # 2024: the one request carried over from 2023 granted, nothing new
    "applications.new.natural_person": "0",
    "applications.new.total": "0",
    "applications.carried_over.natural_person": "1",
    "applications.carried_over.total": "1",
    "applications.granted.natural_person": "1",
    "applications.granted.total": "1",
    "applications.results_total.natural_person": "1",
    "applications.results_total.total": "1",
    "applications.carried_forward.natural_person": "0",
    "applications.carried_forward.total": "0",
}


def _next_year(text: str, cells: dict[str, str]) -> str:
    return set_cells(text.replace("2023", "2024"), cells)


def test_carry_over_matches_last_year() -> None:
    first = with_applications()  # 2023: 1 request carried forward (line 65)
    second = _next_year(first, CARRIED)
    assert parse(second).year == 2024
    assert of_rule(check_report(parse(second), previous=parse(first)), "xyear.carry") == []


def test_carry_over_differs() -> None:
    first = with_applications()
    changed = {k: "2" for k in CARRIED if ".carried_over." in k or ".granted." in k or ".results_total." in k}
    second = _next_year(first, {**CARRIED, **changed})
    found = of_rule(check_report(parse(second), previous=parse(first)), "xyear.carry")
    assert [(f.severity, f.keys, f.loc) for f in found] == [
        ("error", ["applications.carried_over.natural_person"], {"line": 42}),
        ("error", ["applications.carried_over.total"], {"line": 42}),
    ]
    assert found[0].message == (
        "表三“自然人”列：本年“二、上年结转政府信息公开申请数量”为2，"
        "而上年（2023年）报告“四、结转下年度继续办理”为1（上年报告第65行）"
    )
    # picked from the agency's history by year
    older = parse(first.replace("2023", "2022"))
    assert of_rule(check_report(parse(second), history=[older, parse(first)]), "xyear.carry") == found
    # an agency renamed between the years: still reported, as a warning that says why
    renamed = replace(second, "卫东区工业和信息化局 2024 年", "卫东区科技和工业信息化局 2024 年")
    found = of_rule(check_report(parse(renamed), previous=parse(first)), "xyear.carry")
    assert {f.severity for f in found} == {"warning"} and "机构调整" in found[0].message


def test_previous_of_another_year_is_not_compared() -> None:
    first = with_applications()
    found = check_report(parse(first), previous=parse(first))
    crossyear = [f for f in found if f.rule.startswith("xyear.")]
    assert [(f.rule, f.severity) for f in crossyear] == [("xyear.carry", "info")]
    assert "不是2022年度" in crossyear[0].message


def test_in_force() -> None:
    first = sample("001")  # 行政规范性文件: issued 1, repealed 1, in force 0
    stock = {"active.normative_documents.issued": "2", "active.normative_documents.repealed": "0"}
    ok = _next_year(first, {**stock, "active.normative_documents.in_force": "2"})
    assert of_rule(check_report(parse(ok), previous=parse(first)), "xyear.in_force") == []
    bad = _next_year(first, {**stock, "active.normative_documents.in_force": "3"})
    found = of_rule(check_report(parse(bad), previous=parse(first)), "xyear.in_force")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.keys == [
        "active.normative_documents.in_force",
        "active.normative_documents.issued",
        "active.normative_documents.repealed",
    ]
    assert f.loc == {"line": 34}
    assert f.message.startswith(
        "表二“行政规范性文件”行：“现行有效件数”为3，而上年（2023年）现行有效0（上年报告第34行）加本年制发2减本年废止0应为2"
    )


def test_identical_prose() -> None:
    first = sample("002")
    copied = first.replace("2023", "2024")
    found = of_rule(check_report(parse(copied), previous=parse(first)), "xyear.identical")
    assert len(found) == 1
    assert found[0].message.startswith(
        "正文与上年（2023年）报告相似度为100%（一、总体情况 100%、五、存在的主要问题及改进情况 100%、"
        "六、其他需要报告的事项 100%）"
    )
    assert found[0].loc == {"line": 5}
    # a report written anew: 003 (2024) after 002 (2023) shares little
    assert of_rule(check_report(parse(sample("003")), previous=parse(first)), "xyear.identical") == []
    assert similarity(parse(sample("003")).sections[0].text, parse(first).sections[0].text, 4) < 0.2


def test_identical_numbers() -> None:
    first = with_applications()  # 8 nonzero cells
    second = first.replace("2023", "2024")
    found = of_rule(check_report(parse(second), previous=parse(first)), "xyear.identical")
    numbers = [f for f in found if "全部" in f.message]
    assert len(numbers) == 1
    assert numbers[0].message == "三张表的全部200个数字与上年（2023年）报告完全相同（其中8个不为0），疑为沿用上年数据"
    assert numbers[0].loc == {"line": 41}


def test_history_never_takes_another_agency() -> None:
    first = with_applications()
    second = parse(first.replace("2023", "2024"))
    other = parse(replace(first, "卫东区工业和信息化局 2023 年", "新华区工业和信息化局 2023 年"))
    assert pick_previous(second, [other]) is None
    assert pick_previous(second, [other, parse(first)]) == parse(first)
    found = check_report(second, history=[other])
    assert [f for f in found if f.rule != "xyear.compared"] == check_report(second)
    assert [f.message for f in found if f.rule == "xyear.compared"] == [
        "所给的其他报告中没有本机关2023年度的报告，未做跨年度核对"
    ]
