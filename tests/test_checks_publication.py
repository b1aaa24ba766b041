"""pub.deadline: publication dates against 条例 第四十九条."""

from __future__ import annotations

from nianbao.checks import check_report
from tests.check_helpers import of_rule, parse, replace, sample


def test_department_deadline() -> None:
    report = parse(sample("002"))  # 卫东区工业和信息化局, 2023
    assert of_rule(check_report(report, published="2024-01-31"), "pub.deadline") == []
    found = of_rule(check_report(report, published="2024-02-20"), "pub.deadline")
    assert [(f.severity, f.keys, f.loc) for f in found] == [("warning", [], {"field": "published"})]
    assert found[0].message == (
        "发布日期2024-02-20晚于期限2024-01-31，迟了20天"
        "（《政府信息公开条例》第四十九条：县级以上人民政府部门应于1月31日前公布2023年度报告）"
    )


def test_government_deadline() -> None:
    report = parse(replace(sample("002"), "卫东区工业和信息化局 2023 年", "卫东区人民政府 2023 年"))
    assert report.agency == "卫东区人民政府"
    assert of_rule(check_report(report, published="2024-03-15"), "pub.deadline") == []
    found = of_rule(check_report(report, published="2024-04-01"), "pub.deadline")
    assert len(found) == 1 and "期限2024-03-31" in found[0].message and "本级人民政府年度报告" in found[0].message


def test_date_from_the_page() -> None:
    report = parse(sample("003")).model_copy(update={"published": "2025-02-05T09:30:00"})
    found = of_rule(check_report(report), "pub.deadline")
    assert len(found) == 1 and found[0].message.startswith("发布日期2025-02-05晚于期限2025-01-31，迟了5天")
    assert of_rule(check_report(parse(sample("003"))), "pub.deadline") == []  # no date known: nothing said
