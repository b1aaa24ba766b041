"""Text against tables: a sentence of a real report altered, or its table changed under it."""

from __future__ import annotations

from nianbao.checks import check_report
from nianbao.checks.prose import cn_int, sentences
from nianbao.report import Finding
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
    found = of_rule(check_report(report), "text.applications")
    assert [(f.keys, f.loc) for f in found] == [(["applications.new.total"], {"line": 11})]
    assert [s.text for s in sentences(sec1)][3] == "（二）依申请公开：2023 年新收到政府信息公开申请数量 2 条。"


# -- issue 13: prose claims that mean what they say ----------------------------------------------

GRANTED = "表三“（一）予以公开”行“总计”列"
PARTIAL = "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行“总计”列"
UNAVAILABLE_KEYS = [
    f"applications.{row}.total" for row in ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
]
DENIED_KEYS = [
    f"applications.{row}.total"
    for row in (
        "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability", "denied_third_party_rights",
        "denied_internal_affairs", "denied_process_information", "denied_enforcement_files", "denied_inquiry",
    )
]  # fmt: skip


def _outcomes(carried_over: int = 0, carried_forward: int = 0, **rows: int) -> dict[str, str]:
    """Sample 004's 表三 with these outcome rows (natural persons), balanced: 新收 is what the
    outcomes and the carry-forward leave after last year's carried-over requests."""
    done = sum(rows.values())
    cells = {**rows, "results_total": done, "carried_over": carried_over, "carried_forward": carried_forward}
    cells["new"] = done + carried_forward - carried_over
    out: dict[str, str] = {}
    for row, v in cells.items():
        out[f"applications.{row}.natural_person"] = str(v)
        out[f"applications.{row}.total"] = str(v)
    return out


# 17 requests: 12 granted, 3 partly, 2 denied (one state secret, one 行政查询), none carried
SEVENTEEN = {"granted": 12, "partially_granted": 3, "denied_state_secret": 1, "denied_inquiry": 1}


def _said(sentence: str, cells: dict[str, str]) -> list[Finding]:
    """text.applications on sample 004 with line 9 replaced by ``sentence`` and 表三 by ``cells``."""
    return of_rule(check(set_cells(replace(sample("004"), SAID, sentence), cells)), "text.applications")


def test_a_list_of_outcomes_is_parts_not_totals() -> None:
    table = _outcomes(**SEVENTEEN)
    for sentence in (
        "2023年共收到政府信息公开申请17件，其中同意公开答复12件，部分公开答复3件，不予公开2件。",
        "2023年共办结政府信息公开申请17件，其中予以公开12件、部分公开3件、不予公开2件。",
        "2023年收到政府信息公开申请17件；其中予以公开12件；部分公开3件；不予公开2件。",
    ):
        assert _said(sentence, table) == [], sentence


def test_an_outcome_of_the_list_that_differs_from_its_row() -> None:
    sentence = "2023年共收到政府信息公开申请17件，其中同意公开答复12件，部分公开答复4件，不予公开2件。"
    found = _said(sentence, _outcomes(**SEVENTEEN))
    assert [(f.severity, f.scope, f.keys, f.loc) for f in found] == [
        ("warning", "report", ["applications.partially_granted.total"], {"line": 9})
    ]
    assert found[0].message == f"一、总体情况：“{sentence}”称部分公开4件（“部分公开答复4件”），而{PARTIAL}为3"


def test_denied_is_the_sum_of_its_rows_named_by_their_group() -> None:
    sentence = "2023年共收到政府信息公开申请17件，其中予以公开12件、部分公开3件、不予公开3件。"
    found = _said(sentence, _outcomes(**SEVENTEEN))
    assert [(f.keys, f.loc) for f in found] == [(DENIED_KEYS, {"line": 9})]
    assert found[0].message == (
        f"一、总体情况：“{sentence}”称不予公开3件（“不予公开3件”），而表三“（三）不予公开”各项“总计”列之和为2"
    )


def test_denied_alone_may_count_every_request_not_granted() -> None:
    # 不予公开 named alone may lump 无法提供 and 不予处理 in (2 + 1 + 1 = 4); joined with 无法提供 it may not
    table = _outcomes(**SEVENTEEN, unavailable_not_held=1, refused_duplicate=1)
    assert _said("2023年共收到政府信息公开申请19件，予以公开12件，部分公开3件，不予公开4件。", table) == []
    sentence = "2023年，不予公开和无法提供共4件。"
    found = _said(sentence, table)
    assert [(f.keys, f.loc) for f in found] == [(DENIED_KEYS + UNAVAILABLE_KEYS, {"line": 9})]
    assert found[0].message == (
        f"一、总体情况：“{sentence}”称不予公开、无法提供合计4件（“不予公开和无法提供共4件”），"
        "而表三“（三）不予公开”各项、“（四）无法提供”各项“总计”列之和为3"
    )
    assert _said("2023年，不予公开和无法提供共3件。", table) == []


def test_grouped_outcomes_are_one_claim_about_their_sum() -> None:
    table = _outcomes(**SEVENTEEN)
    assert _said("2023年，予以公开及部分公开15件，不予公开2件。", table) == []
    sentence = "2023年，予以公开及部分公开16件，不予公开2件。"
    found = _said(sentence, table)
    assert [(f.severity, f.keys, f.loc) for f in found] == [
        ("warning", ["applications.granted.total", "applications.partially_granted.total"], {"line": 9})
    ]
    assert found[0].message == (
        f"一、总体情况：“{sentence}”称予以公开、部分公开合计16件（“予以公开及部分公开16件”），"
        "而表三“（一）予以公开”行、“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行“总计”列之和为15"
    )


def test_outcomes_each_of_a_number() -> None:
    table = _outcomes(granted=3, refused_duplicate=1, other_no_correction=1)
    assert _said("2023年，予以公开3件，不予处理、其他处理各1件。", table) == []
    found = _said("2023年，予以公开3件，不予处理、其他处理各2件。", table)
    assert [f.message.split("”称")[1] for f in found] == [
        "不予处理2件（“不予处理、其他处理各2件”），而表三“（五）不予处理”各项“总计”列之和为1",
        "其他处理2件（“不予处理、其他处理各2件”），而表三“（六）其他处理”各项“总计”列之和为1",
    ]
    assert [f.keys[0] for f in found] == [
        "applications.refused_petition.total",
        "applications.other_no_correction.total",
    ]


def test_accepted_may_count_carried_over_requests_new_may_not() -> None:
    table = _outcomes(carried_over=1, granted=5)  # 新收 4, 上年结转 1
    for sentence in (
        "2023年共受理政府信息公开申请5件。",  # 本年新收 + 上年结转
        "2023年共受理政府信息公开申请4件。",  # 本年新收
        "2023年共收到政府信息公开申请5件次。",
        "2023年新收政府信息公开申请4件。",
    ):
        assert _said(sentence, table) == [], sentence
    sentence = "2023年共受理政府信息公开申请6件次。"
    found = _said(sentence, table)
    assert [(f.keys, f.loc) for f in found] == [(["applications.new.total"], {"line": 9})]
    assert found[0].message == (
        f"一、总体情况：“{sentence}”称受理申请6件（“受理政府信息公开申请6件次”），而{NEW_TOTAL}为4"
    )
    sentence = "2023年新收政府信息公开申请5件。"  # 新收 is this year's alone
    found = _said(sentence, table)
    assert [(f.keys, f.loc) for f in found] == [(["applications.new.total"], {"line": 9})]
    assert found[0].message == (
        f"一、总体情况：“{sentence}”称本年新收申请5件（“新收政府信息公开申请5件”），而{NEW_TOTAL}为4"
    )


def test_numbers_written_in_chinese() -> None:
    assert [cn_int(t) for t in ("三", "十二", "一百零五", "两", "两百", "〇", "12")] == [3, 12, 105, 2, 200, 0, 12]
    assert cn_int("二三") is None  # "two or three": an estimate, not a count
    assert cn_int("几") is None
    twelve = _outcomes(granted=12)
    assert _said("2023年共收到政府信息公开申请十二件，均予以公开。", twelve) == []
    assert _said("2023年共收到政府信息公开申请一百零五件。", _outcomes(granted=105)) == []
    sentence = "2023年共收到政府信息公开申请三件，予以公开十二件。"
    found = _said(sentence, twelve)
    assert [(f.keys, f.loc) for f in found] == [(["applications.new.total"], {"line": 9})]
    assert found[0].message == (
        f"一、总体情况：“{sentence}”称本年新收申请3件（“收到政府信息公开申请三件”），而{NEW_TOTAL}为12"
    )
    sentence = "2023年共收到政府信息公开申请一百零五件。"
    found = _said(sentence, _outcomes(granted=104))
    assert [f.keys for f in found] == [["applications.new.total"]]
    assert found[0].message.endswith(
        "称本年新收申请105件（“收到政府信息公开申请一百零五件”），而" + NEW_TOTAL + "为104"
    )


def test_outcome_over_an_unreadable_cell_is_no_report_fault() -> None:
    # 「不予公开3件」 against rows one of which nianbao could not read: the reading gap is
    # struct.unreadable's, the sentence raises nothing
    sentence = "2023年共收到政府信息公开申请17件，其中予以公开12件、部分公开3件、不予公开3件。"
    cells = {**_outcomes(**SEVENTEEN), "applications.denied_state_secret.total": "1l"}
    text = set_cells(replace(sample("004"), SAID, sentence), cells)
    assert parse(text).provenance["applications.denied_state_secret.total"].status == "unreadable"
    findings = check(text)
    assert of_rule(findings, "text.applications") == []
    assert [f.scope for f in findings if f.rule == "struct.unreadable"] == ["reading"]


def test_outcome_words_about_active_disclosure_are_not_requests() -> None:
    # under （1） 主动公开 (line 7), 「予以公开120条」 counts published information, not requests
    line7 = "及时更新完善主动公开内容，积极主动向社会公众公开相关信息。"
    active = replace(sample("004"), line7, line7 + "对涉及群众切身利益的事项予以公开120条。")
    assert of_rule(check(active), "text.applications") == []
    # the same words in the part on requests (line 9, under （2） 依申请公开) are compared
    found = _said("2023年，对涉及群众切身利益的事项予以公开120条。", _outcomes(granted=2))
    assert [(f.keys, f.loc) for f in found] == [(["applications.granted.total"], {"line": 9})]
    assert found[0].message.endswith(f"称予以公开120件（“予以公开120条”），而{GRANTED}为2")


def test_a_list_split_by_semicolons_keeps_its_subject() -> None:
    table = _outcomes(granted=12, partially_granted=3, denied_state_secret=1, unavailable_unclear=1)
    said = "2023年收到政府信息公开申请17件；予以公开12件；部分公开3件；不予公开1件；无法提供{}件。"
    assert _said(said.format(1), table) == []
    found = _said(said.format(2), table)
    assert [(f.keys, f.loc) for f in found] == [(UNAVAILABLE_KEYS, {"line": 9})]
    assert found[0].message == (
        "一、总体情况：“无法提供2件。”称无法提供2件（“无法提供2件”），而表三“（四）无法提供”各项“总计”列之和为1"
    )


def test_other_handling_in_the_2019_format_is_its_single_row() -> None:
    # the 2019 trial format has one （六）其他处理 row where 2021 has three: the reading whose
    # cells the report's template has is the one compared
    text = replace(sample("004"), SAID, "2023年收到政府信息公开申请2件，其他处理2件。")
    report = parse(text).model_copy(deep=True)
    report.template = "2019"
    report.values.update({"applications.new.total": 2, "applications.other_handling.total": 1})
    found = of_rule(check_report(report), "text.applications")
    assert [(f.keys, f.loc) for f in found] == [(["applications.other_handling.total"], {"line": 9})]
    assert found[0].message.endswith("称其他处理2件（“其他处理2件”），而表三“（六）其他处理”行“总计”列为1")
    report.values["applications.other_handling.total"] = 2
    assert of_rule(check_report(report), "text.applications") == []
