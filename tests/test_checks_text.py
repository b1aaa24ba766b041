"""Text against tables: a sentence of a real report altered, or its table changed under it."""

from __future__ import annotations

from nianbao.checks import run_checks
from nianbao.checks.prose import cn_int, sentences
from tests.check_helpers import check, of_rule, parse, replace, sample, set_cells

# sample 004, line 9 (一、总体情况 （2） 依申请公开)
SAID = (
    "2023年，区工业信息科技局未收到公民、法人和其他组织提交的政府信息公开申请，"
    "也无因政府信息公开申请行政复议、提起行政诉讼的情况。"
)
NEW_TOTAL = "表三“一、本年新收政府信息公开申请数量”行“总计”列"


def _requests(n: int, carried_over: int = 0, carried_forward: int = 0) -> dict[str, str]:
    """Sample 004's 表三 with ``n`` new requests of natural persons, balanced."""
    done = n + carried_over - carried_forward
    cells = {"new": n, "carried_over": carried_over, "granted": done, "results_total": done}
    cells["carried_forward"] = carried_forward
    out: dict[str, str] = {}
    for row, v in cells.items():
        out[f"applications.{row}.natural_person"] = str(v)
        out[f"applications.{row}.total"] = str(v)
    return out


def _say(sentence: str, n: int | None = None, carried_over: int = 0, carried_forward: int = 0) -> str:
    """Sample 004 with line 9 replaced by ``sentence`` (and its 表三 filled when ``n`` is given)."""
    text = replace(sample("004"), SAID, sentence)
    return text if n is None else set_cells(text, _requests(n, carried_over, carried_forward))


def test_samples_state_what_their_tables_hold() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        findings = check(sample(prefix))
        assert [f for f in findings if f.rule.startswith("text.")] == [], prefix


def test_received_count_differs() -> None:
    text = _say("2023年，区工业信息科技局共收到政府信息公开申请3件。")
    found = of_rule(check(text), "text.applications")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.keys == ["applications.new.total"]
    assert f.loc == {"line": 9}
    assert f.message == (
        "一、总体情况：“2023年，区工业信息科技局共收到政府信息公开申请3件。”称本年新收申请3件"
        f"（“收到政府信息公开申请3件”），而{NEW_TOTAL}为0"
    )
    assert of_rule(check(_say("2023年，区工业信息科技局共收到政府信息公开申请3件。", n=3)), "text.applications") == []


def test_none_received_but_table_has_requests() -> None:
    text = set_cells(sample("004"), _requests(2))
    found = of_rule(check(text), "text.applications")
    assert [(f.keys, f.loc) for f in found] == [(["applications.new.total"], {"line": 9})]
    assert "称未收到政府信息公开申请（“未收到公民、法人和其他组织提交的政府信息公开申请”）" in found[0].message
    assert found[0].message.endswith(f"而{NEW_TOTAL}为2")


def test_every_figure_of_a_full_statement() -> None:
    sentence = "2023年共收到政府信息公开申请4件，上年结转1件，已办结3件，结转下年度继续办理2件。"
    ok = _say(sentence, n=4, carried_over=1, carried_forward=2)
    assert of_rule(check(ok), "text.applications") == []
    wrong = _say(sentence, n=4, carried_over=0, carried_forward=1)  # 上年结转 0, 办结 3, 结转 1
    found = of_rule(check(wrong), "text.applications")
    assert [f.keys for f in found] == [["applications.carried_over.total"], ["applications.carried_forward.total"]]
    assert "称上年结转申请1件（“上年结转1件”）" in found[0].message
    assert all(f.loc == {"line": 9} for f in found)


def test_received_may_include_carried_over_and_chinese_numerals() -> None:
    text = _say("2023年共受理政府信息公开申请五件（含上年结转一件）。", n=4, carried_over=1)
    assert of_rule(check(text), "text.applications") == []
    assert cn_int("五") == 5 and cn_int("十二") == 12 and cn_int("一百零五") == 105 and cn_int("两") == 2


def test_other_years_are_not_compared() -> None:
    text = _say("2022年，区工业信息科技局收到政府信息公开申请5件。")
    assert of_rule(check(text), "text.applications") == []


def test_no_appeals_said_but_table_has_one() -> None:
    text = set_cells(sample("004"), {"appeals.reconsideration.upheld": "1", "appeals.reconsideration.total": "1"})
    found = of_rule(check(text), "text.appeals")
    assert [(f.severity, f.keys, f.loc) for f in found] == [("warning", ["appeals.reconsideration.total"], {"line": 9})]
    assert found[0].message.endswith("而表四“行政复议”组“总计”为1")
    assert "称未发生行政复议、行政诉讼" in found[0].message


def test_appeal_counts() -> None:
    sentence = "2023年，本局被申请行政复议2件，被提起行政诉讼1件。"
    cells = {
        "appeals.reconsideration.upheld": "2",
        "appeals.reconsideration.total": "2",
        "appeals.litigation_direct.pending": "1",
        "appeals.litigation_direct.total": "1",
    }
    ok = set_cells(_say(sentence), cells)
    assert of_rule(check(ok), "text.appeals") == []
    no_litigation = {"appeals.litigation_direct.pending": "0", "appeals.litigation_direct.total": "0"}
    wrong = set_cells(_say(sentence), {**cells, **no_litigation})
    found = of_rule(check(wrong), "text.appeals")
    assert [f.keys for f in found] == [
        ["appeals.litigation_direct.total", "appeals.litigation_after_reconsideration.total"]
    ]
    assert "称行政诉讼案件1件" in found[0].message


def test_normative_documents_issued() -> None:
    line7 = "及时更新完善主动公开内容，积极主动向社会公众公开相关信息。"
    text = replace(sample("004"), line7, line7 + "全年制发行政规范性文件2件。")
    found = of_rule(check(text), "text.active")
    assert [(f.keys, f.loc) for f in found] == [(["active.normative_documents.issued"], {"line": 7})]
    assert found[0].message.endswith("而表二“行政规范性文件”行“本年制发件数”列为0")
    fixed = set_cells(text, {"active.normative_documents.issued": "2", "active.normative_documents.in_force": "2"})
    assert of_rule(check(fixed), "text.active") == []
    # 规章制度 (rules of work) are not 规章
    rules_of_work = replace(sample("004"), line7, line7 + "未制定新的规章制度。")
    rules_of_work = set_cells(rules_of_work, {"active.regulations.issued": "1"})
    assert of_rule(check(rules_of_work), "text.active") == []


def test_fees_said_none_while_fee_notices_went_unpaid() -> None:
    s = sample("004")
    assert of_rule(check(s), "text.fees") == []
    text = set_cells(s, {"applications.other_no_fee.natural_person": "1", "applications.other_no_fee.total": "1"})
    found = of_rule(check(text), "text.fees")
    assert [(f.severity, f.keys, f.loc) for f in found] == [
        ("info", ["applications.other_no_fee.total"], {"line": 505})
    ]
    assert "说明曾发出收费通知" in found[0].message


def test_sentence_line_from_the_extractors_line_map() -> None:
    # sample 002 is Markdown: blank lines between paragraphs. When the extractor gives the
    # source line of every line of a section's text, the finding points to the exact line.
    text = replace(sample("002"), "申请数量 0 条", "申请数量 2 条")
    report = parse(text).model_copy(deep=True)
    sec1 = report.sections[0]
    sec1.loc["lines"] = [7, 9, 11, 13, 15, 17]
    found = of_rule(run_checks(report), "text.applications")
    assert [(f.keys, f.loc) for f in found] == [(["applications.new.total"], {"line": 11})]
    assert [s.text for s in sentences(sec1)][3] == "（二）依申请公开：2023 年新收到政府信息公开申请数量 2 条。"
