"""Arithmetic rules: each on a real sample that passes and on the same sample with a number changed."""

from __future__ import annotations

from nianbao.checks import check_report
from tests.check_helpers import (
    check,
    errors,
    of_rule,
    parse,
    replace,
    sample,
    set_cells,
    with_applications,
)

NP = "natural_person"
NEW = "表三“一、本年新收政府信息公开申请数量”行"


def test_consistent_requests_pass_every_rule() -> None:
    text = with_applications()
    report = parse(text)
    assert report.values["applications.new.total"] == 12
    assert report.values["applications.carried_forward.total"] == 1
    assert errors(check(text)) == []


def test_balance_names_the_column_and_both_sums() -> None:
    text = with_applications(extra={"applications.carried_forward.natural_person": "0"})
    found = of_rule(check(text), "app.balance")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error"
    assert f.message == "表三“自然人”列：第一项加第二项之和（12）不等于第三项加第四项之和（11）"
    assert f.keys == [
        "applications.new.natural_person",
        "applications.carried_over.natural_person",
        "applications.results_total.natural_person",
        "applications.carried_forward.natural_person",
    ]
    assert f.loc == {"line": 41}  # the 本年新收 row of sample 002
    # the row total of 结转下年度 is now off too (1 ≠ 0): its own rule, not a second balance
    assert [x.keys[0] for x in of_rule(check(text), "app.row_total")] == ["applications.carried_forward.total"]


def test_results_sum() -> None:
    text = with_applications(extra={"applications.granted.natural_person": "10", "applications.granted.total": "10"})
    found = of_rule(check(text), "app.results_sum")
    assert [f.message for f in found] == [
        "表三“自然人”列：（七）总计（11）不等于办理结果各项之和（10）",
        "表三“总计”列：（七）总计（11）不等于办理结果各项之和（10）",
    ]
    assert found[0].keys[0] == "applications.results_total.natural_person"
    assert len(found[0].keys) == 1 + 21  # 总计 and the 21 result rows of the 2021 format
    assert found[0].loc == {"line": 64}
    assert of_rule(check(with_applications()), "app.results_sum") == []


def test_row_total() -> None:
    text = with_applications(extra={"applications.new.total": "13"})
    found = of_rule(check(text), "app.row_total")
    assert len(found) == 1
    assert found[0].message == f"{NEW}：总计（13）不等于自然人与法人或其他组织各列之和（12）"
    columns = (NP, "business", "research", "public_interest", "legal_service", "other")
    assert found[0].keys == ["applications.new.total"] + [f"applications.new.{c}" for c in columns]
    assert found[0].loc == {"line": 41}


def test_nonneg_int() -> None:
    text = set_cells(sample("002"), {"applications.new.natural_person": "-1", "applications.new.total": "-1"})
    found = of_rule(check(text), "app.nonneg_int")
    assert [(f.keys, f.loc) for f in found] == [
        (["applications.new.natural_person"], {"line": 41}),
        (["applications.new.total"], {"line": 41}),
    ]
    assert found[0].message == f"{NEW}“自然人”列：“-1”不是非负整数"
    # a negative count makes no sense of "at most what was available": no cascade of findings
    assert of_rule(check(text), "app.results_le_available") == []
    fractional = set_cells(sample("002"), {"applications.granted.business": "1.5"})
    assert [f.keys for f in of_rule(check(fractional), "app.nonneg_int")] == [["applications.granted.business"]]
    assert of_rule(check(sample("002")), "app.nonneg_int") == []


def test_blank_total_instead_of_imbalance() -> None:
    # sample 004 prints one cell per line: the 总计 of 本年新收 left empty, 12 requests in the 自然人 column
    base = sample("004")
    filled = {
        "applications.new.natural_person": "12",
        "applications.granted.natural_person": "12",
        "applications.granted.total": "12",
        "applications.results_total.natural_person": "12",
        "applications.results_total.total": "12",
    }
    text = set_cells(base, {**filled, "applications.new.total": ""})
    report = parse(text)
    assert report.provenance["applications.new.total"].status == "blank"
    findings = check(text)
    blank = of_rule(findings, "app.blank_total")
    assert len(blank) == 1
    assert blank[0].severity == "warning"
    assert blank[0].message == f"{NEW}：“总计”未填，而其余各格之和为12（总计未填，无法核对）"
    assert blank[0].loc == {"line": report.provenance["applications.new.total"].loc["line"]}
    assert of_rule(findings, "app.row_total") == []
    # the 总计 column's balance (0 + 0 ≠ 12 + 0) still is an error: the column's figures are printed
    assert [f.keys[0] for f in of_rule(findings, "app.balance")] == ["applications.new.total"]
    assert of_rule(check(set_cells(base, {**filled, "applications.new.total": "12"})), "app.blank_total") == []


def test_results_le_available() -> None:
    text = with_applications(
        extra={
            "applications.granted.natural_person": "13",
            "applications.granted.total": "13",
            "applications.results_total.natural_person": "13",
            "applications.results_total.total": "13",
            "applications.carried_forward.natural_person": "0",
            "applications.carried_forward.total": "0",
        }
    )
    found = of_rule(check(text), "app.results_le_available")
    assert [f.message for f in found] == [
        "表三“自然人”列：“（七）总计”（13）大于第一项加第二项之和（12）",
        "表三“总计”列：“（七）总计”（13）大于第一项加第二项之和（12）",
    ]
    assert found[0].keys == [
        "applications.results_total.natural_person",
        "applications.new.natural_person",
        "applications.carried_over.natural_person",
    ]
    assert found[0].loc == {"line": 64}
    assert of_rule(check(with_applications()), "app.results_le_available") == []


def test_appeals_group_total() -> None:
    ok = set_cells(sample("002"), {"appeals.reconsideration.upheld": "1", "appeals.reconsideration.total": "1"})
    assert of_rule(check(ok), "appeals.group_total") == []
    bad = set_cells(sample("002"), {"appeals.reconsideration.upheld": "1"})
    found = of_rule(check(bad), "appeals.group_total")
    assert len(found) == 1
    assert found[0].message == "表四“行政复议”组：总计（0）不等于结果维持、结果纠正、其他结果、尚未审结之和（1）"
    columns = ("total", "upheld", "corrected", "other", "pending")
    assert found[0].keys == [f"appeals.reconsideration.{c}" for c in columns]
    assert found[0].loc == {"line": 72}


def test_appeals_nonneg_int() -> None:
    bad = set_cells(sample("002"), {"appeals.litigation_direct.pending": "-2"})
    found = of_rule(check(bad), "appeals.nonneg_int")
    assert [(f.keys, f.loc) for f in found] == [(["appeals.litigation_direct.pending"], {"line": 72})]
    assert found[0].message == "表四“未经复议直接起诉”组“尚未审结”：“-2”不是非负整数"


def test_active_nonneg() -> None:
    assert of_rule(check(sample("003")), "active.nonneg") == []  # 行政许可 6
    bad = set_cells(sample("003"), {"active.licensing.decisions": "-6"})
    found = of_rule(check(bad), "active.nonneg")
    assert [(f.keys, f.loc, f.severity) for f in found] == [(["active.licensing.decisions"], {"line": 29}, "error")]
    fraction = set_cells(sample("003"), {"active.normative_documents.issued": "1.5"})
    assert [f.keys for f in of_rule(check(fraction), "active.nonneg")] == [["active.normative_documents.issued"]]
    fees = set_cells(sample("003"), {"active.fees.amount": "2.35"})  # 万元 may have decimals
    assert of_rule(check(fees), "active.nonneg") == []


def test_fees_unit() -> None:
    assert of_rule(check(set_cells(sample("002"), {"active.fees.amount": "31.6"})), "active.fees_unit") == []
    yuan = replace(sample("002"), "行政事业性收费\t0", "行政事业性收费\t5000元")
    found = of_rule(check(yuan), "active.fees_unit")
    assert [(f.severity, f.keys, f.loc) for f in found] == [("info", ["active.fees.amount"], {"line": 34})]
    assert "“5000元”" in found[0].message and "万元" in found[0].message
    big = set_cells(sample("002"), {"active.fees.amount": "316441"})
    found = of_rule(check(big), "active.fees_unit")
    assert len(found) == 1 and "316441万元（即31.6441亿元）" in found[0].message


def test_regulations_issuer() -> None:
    text = set_cells(sample("002"), {"active.regulations.issued": "1", "active.regulations.in_force": "1"})
    found = of_rule(check(text), "active.regulations_issuer")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.keys == ["active.regulations.issued", "active.regulations.in_force"]
    assert f.loc == {"line": 23}
    assert "“卫东区工业和信息化局”为县级及以下机关" in f.message and "“行政规范性文件”行" in f.message
    # a city government may make 规章: the same table in its report passes
    city = replace(text, "卫东区工业和信息化局 2023 年", "平顶山市人民政府 2023 年")
    assert parse(city).agency == "平顶山市人民政府"
    assert of_rule(check(city), "active.regulations_issuer") == []


def test_unread_cells_never_raise_arithmetic_findings() -> None:
    # the 自然人 cell of 本年新收 not read: the 自然人 column and the 本年新收 row are not summed
    report = parse(with_applications()).model_copy(deep=True)
    report.provenance["applications.new.natural_person"].status = "unreadable"
    report.provenance["applications.new.natural_person"].raw = "l2"
    report.values["applications.new.natural_person"] = None
    findings = check_report(report)
    assert errors(findings) == []
    unread = of_rule(findings, "struct.unreadable")
    assert [(f.keys, f.loc) for f in unread] == [(["applications.new.natural_person"], {"line": 41})]
    assert "“自然人”（原文“l2”）未能可靠读出数字" in unread[0].message
