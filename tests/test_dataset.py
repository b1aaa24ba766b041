"""Research variables and measures (issue 17): one name across the 2019 and 2021 formats where the
cells mean the same, flags where they do not, and measures computed only from certain cells."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.dataset import codebook_markdown, measure_values, measures, variable_values, variables
from nianbao.report import Provenance, Report
from tests.conftest import FILES, ROOT, SAMPLE_2019


@pytest.fixture(scope="module")
def huaian() -> Report:
    return nianbao.parse(FILES / "huaian-2024.pdf")


def test_shared_cells_are_one_variable_and_the_split_row_is_summed() -> None:
    by_name = {v.name: v for v in variables()}
    new = by_name["applications_new_total"]
    assert new.cells == {"2021": ("applications.new.total",), "2019": ("applications.new.total",)}
    assert new.label == "表三“一、本年新收政府信息公开申请数量”行“总计”列" and new.comparable
    other = by_name["applications_other_handling_total"]
    assert other.cells["2021"] == (
        "applications.other_no_correction.total",
        "applications.other_no_fee.total",
        "applications.other_other.total",
    )
    assert other.cells["2019"] == ("applications.other_handling.total",)
    assert "applications_other_no_fee_total" not in by_name  # folded into the shared variable
    assert not by_name["active_regulations_in_force"].comparable
    assert by_name["active_fees_amount"].unit == "万元"


def test_variables_of_a_2021_and_a_2019_report(huaian: Report) -> None:
    v21 = variable_values(huaian)
    assert v21["applications_new_total"].value == huaian.values["applications.new.total"]
    split = ("other_no_correction", "other_no_fee", "other_other")
    assert v21["applications_other_handling_total"].value == sum(
        huaian.values[f"applications.{r}.total"] or 0 for r in split
    )
    v19 = variable_values(nianbao.parse(SAMPLE_2019))
    assert v19["applications_results_total_total"].value == 23
    assert v19["active_fees_amount"].status == "not_in_format" and v19["active_fees_amount"].value is None


def test_measures_of_the_real_report(huaian: Report) -> None:
    m = measure_values(huaian)
    granted, total = huaian.values["applications.granted.total"], huaian.values["applications.results_total.total"]
    assert (granted, total) == (1362, 3050)
    assert m["disclosure_rate"].value == pytest.approx(1362 / 3050)
    assert m["disclosure_rate"].status == "ok"
    shares = [m[x.name].value for x in measures() if x.name.startswith("denial_share_")]
    assert sum(s or 0 for s in shares) == pytest.approx(1.0)


def test_an_unread_cell_is_never_counted(huaian: Report) -> None:
    prov = dict(huaian.provenance)
    prov["applications.granted.total"] = Provenance(raw="13 62", status="unreadable")
    values = {**huaian.values, "applications.granted.total": None}
    doubtful = huaian.model_copy(update={"values": values, "provenance": prov})
    m = measure_values(doubtful)
    assert m["disclosure_rate"].value is None and m["disclosure_rate"].status == "unread"
    assert "applications.granted.total" in (m["disclosure_rate"].reason or "")
    assert m["carry_forward_rate"].value is not None  # other measures unaffected
    assert variable_values(doubtful)["applications_granted_total"].value is None


def test_zero_denominator_is_empty_not_zero() -> None:
    report = nianbao.parse(ROOT / "examples" / "samples" / "000_de40de658abca76d.txt")
    m = measure_values(report)
    assert m["disclosure_rate"].value is None and m["disclosure_rate"].reason == "分母为0"


def test_docs_codebook_is_current() -> None:
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == codebook_markdown()
