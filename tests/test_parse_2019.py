"""The real 2019 trial-format sample: a web page saved as text, every table row run into one string of digits."""

from __future__ import annotations

from nianbao.pipeline import parse_bytes, parse_file
from nianbao.template import load
from tests.conftest import SAMPLE_2019

T3_NATURAL = {
    "new": 23,
    "granted": 7,
    "partially_granted": 1,
    "unavailable_not_held": 7,
    "unavailable_unclear": 5,
    "refused_duplicate": 3,
    "results_total": 23,
}


def test_2019_sample_template_and_meta() -> None:
    r = parse_file(SAMPLE_2019)
    assert r.template == "2019"
    assert "2019: 本年新制作数量" in r.template_evidence
    assert not any(e.startswith("2021:") for e in r.template_evidence)
    assert r.agency == "平潭综合实验区"
    assert r.year == 2019 and r.year_info is not None and r.year_info.period_year == 2019
    assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert r.sections[5].text == "无其他需要报告的事项"


def test_2019_t3_and_t4_recovered_from_runs_of_digits() -> None:
    """Each T3 row is recovered by the row total and the column arithmetic; every value is certain."""
    r = parse_file(SAMPLE_2019)
    t = load("2019")
    for table in ("applications", "appeals"):
        for _, row, col, key in t.table(table).cells():
            expected = T3_NATURAL.get(row.key, 0) if col.key in ("natural_person", "total") else 0
            if table == "appeals":
                expected = 0
            assert r.values[key] == expected, key
            assert r.provenance[key].status == "ok", key
    assert r.provenance["applications.new.natural_person"].raw == "23"
    assert r.provenance["applications.new.natural_person"].note == "由表格勾稽关系确定数字的拆分"
    assert "applications.other_handling.total" in r.values


def test_2019_t2_ambiguous_runs_are_unreadable_with_candidates() -> None:
    """T2 rows have no arithmetic: a run like 3960181 has several splits, so nothing is guessed."""
    r = parse_file(SAMPLE_2019)
    assert r.values["active.regulations.made"] == 0 and r.provenance["active.regulations.made"].status == "ok"
    for key in ("active.licensing.prev_items", "active.licensing.change", "active.licensing.decisions"):
        assert r.values[key] is None
        p = r.provenance[key]
        assert p.status == "unreadable" and p.raw == "3960181"
        assert (
            p.candidates
            and {"active.licensing.prev_items": 39, "active.licensing.change": 60, "active.licensing.decisions": 181}
            in p.candidates
        )
    fees = r.provenance["active.fees.prev_items"]
    assert fees.status == "unreadable" and fees.candidates == [
        {"active.fees.prev_items": 3, "active.fees.change": 50},
        {"active.fees.prev_items": 35, "active.fees.change": 0},
    ]
    assert r.provenance["active.procurement.amount"].status == "unreadable"
    assert r.provenance["active.procurement.amount"].raw == "13575394432.52元"


def test_tab_cells_inside_a_flattened_page() -> None:
    """A row written with tabs inside a page run into one line: the other words still split."""
    text = SAMPLE_2019.read_text(encoding="utf-8").replace("行政许可3960181", "行政许可\t39\t60\t181")
    r = parse_bytes(text.encode(), "tabs.txt")
    assert [r.values[f"active.licensing.{c}"] for c in ("prev_items", "change", "decisions")] == [39, 60, 181]
    assert r.values["applications.new.total"] == 23 and r.provenance["applications.new.total"].status == "ok"
