"""The 2019 trial format: its T2 rules, its cross-year rules, and the change of format 2020 → 2021.

The real 2019 sample prints each T2 row as one run of digits (unreadable); the fixtures
split those runs into cells, naming rows by the template's labels, never re-spelled.
"""

from __future__ import annotations

from functools import cache

from nianbao.checks import check_report
from nianbao.checks.base import rows_with
from nianbao.report import Finding, Location, Report
from nianbao.template import load
from tests.check_helpers import of_rule, parse, sample, set_cells
from tests.conftest import SAMPLE_2019
from tests.layouts import cells_text, random_values

T2019 = load("2019")
# each T2 row of the sample: its run of digits and one reading of it (39/60/181 is a reading the extractor offers)
RUNS = {
    "regulations": ("000", ("0", "0", "0")),
    "normative_documents": ("898989", ("89", "89", "89")),
    "licensing": ("3960181", ("39", "60", "181")),
    "other_services": ("100153", ("10", "0", "153")),
    "punishment": ("26480430", ("264", "80", "430")),
    "coercion": ("126025", ("12", "60", "25")),
    "fees": ("350", ("35", "0")),
}
LINE = {"line": 10}  # the sample is one line of text after its header
AGENCY_001 = "孟津区科技和工业信息化局"
T3_COLUMNS = [c.key for c in T2019.table("applications").blocks[0].columns]


def _label(row: str) -> str:
    return next(r.label for r in T2019.table("active").all_rows() if r.key == row)


def pingtan(**cells: tuple[str, ...]) -> str:
    """The 2019 sample with its T2 rows split into cells (``cells`` overrides a row's reading)."""
    text = SAMPLE_2019.read_text(encoding="utf-8")
    for row, (run, reading) in RUNS.items():
        old = _label(row) + run
        assert old in text, old
        text = text.replace(old, " ".join((_label(row), *cells.get(row, reading))))
    return text


@cache
def report_2020(seed: int = 7) -> tuple[dict[str, int | float], Report]:
    """A whole 2020 report in the 2019 format (Word text, one cell per line), with its values."""
    values = random_values(T2019, seed, big=False)
    return values, parse(cells_text(T2019, values, AGENCY_001, 2020), "2020.txt")


def keys_locs(found: list[Finding]) -> list[tuple[str, list[str], Location]]:
    return [(f.severity, f.keys, f.loc) for f in found]


# -- within one report ------------------------------------------------------------------


def test_sample_split_reads_every_t2_cell() -> None:
    r = parse(pingtan())
    assert r.template == "2019"
    assert (r.values["active.licensing.prev_items"], r.values["active.licensing.change"]) == (39, 60)
    assert r.values["active.fees.prev_items"] == 35 and r.provenance["active.fees.change"].status == "ok"
    found = check_report(r)
    assert [f for f in found if f.rule.startswith("active19.")] == []


def test_change_sign() -> None:
    text = pingtan(licensing=("39", "-60", "181"), fees=("35", "-35"))
    r = parse(text)
    assert r.values["active.licensing.change"] == -60 and r.provenance["active.licensing.change"].status == "ok"
    found = check_report(r)
    assert keys_locs(of_rule(found, "active19.change_sign")) == [
        ("error", ["active.licensing.prev_items", "active.licensing.change"], LINE)
    ]
    assert of_rule(found, "active19.change_sign")[0].message == (
        "表二“行政许可”行：“上一年项目数量”39加“本年增/减”-60为-21，项目数量不能为负"
    )
    assert of_rule(found, "active.nonneg") == []  # 本年增/减 may be negative
    # a decrease down to zero is allowed
    assert of_rule(check_report(parse(pingtan(licensing=("39", "-39", "181")))), "active19.change_sign") == []


def test_published_le_total() -> None:
    found = check_report(parse(pingtan(normative_documents=("89", "90", "89"))))
    got = of_rule(found, "active19.published_le_total")
    assert keys_locs(got) == [
        (
            "warning",
            ["active.normative_documents.published", "active.normative_documents.public_total"],
            LINE,
        )
    ]
    assert got[0].message == "表二“规范性文件”行：“本年新公开数量”（90）大于“对外公开总数量”（89）"
    assert of_rule(check_report(parse(pingtan(normative_documents=("89", "89", "90")))), got[0].rule) == []


def test_2021_reports_have_no_2019_rules() -> None:
    """The keys decide: the 2021 template has no 上一年项目数量 or 对外公开总数量 cells."""
    text = set_cells(sample("001"), {"active.normative_documents.issued": "5"})
    found = check_report(parse(text))
    assert [f.rule for f in found if f.rule.startswith("active19.")] == []


def test_results_sum_runs_over_the_2019_rows() -> None:
    eqs = [e for e in T2019.equations() if e.rule == "app.results_sum"]
    assert len(eqs) == 7 and len(eqs[0].rhs) == 19
    assert eqs[0].rhs[-1] == "applications.other_handling.natural_person"
    values, _ = report_2020()
    key = "applications.other_handling.natural_person"
    changed = {**values, key: values[key] + 2}
    r = parse(cells_text(T2019, changed, AGENCY_001, 2020), "bad.txt")
    got = of_rule(check_report(r), "app.results_sum")
    assert [f.keys[0] for f in got] == ["applications.results_total.natural_person"]
    assert "applications.other_handling.natural_person" in got[0].keys
    assert got[0].loc == r.provenance["applications.results_total.natural_person"].loc
    assert f"（{values['applications.results_total.natural_person']}）" in got[0].message


def test_version_against_year() -> None:
    # a 2021 report on the 2019 trial format
    late = check_report(parse(pingtan().replace("2019年", "2021年")))
    got = of_rule(late, "struct.version")
    assert [(f.severity, f.loc) for f in got] == [("error", LINE)]
    assert "本报告为2021年度报告" in got[0].message and "国办公开办函〔2021〕30号" in got[0].message
    # a 2020 report on the 2021 format
    early = check_report(parse(sample("001").replace("2023", "2020")))
    got = of_rule(early, "struct.version")
    assert [f.severity for f in got] == ["error"]
    assert "本报告为2020年度报告" in got[0].message and "国办公开办函〔2019〕60号" in got[0].message
    # the right format for its year: nothing
    assert of_rule(check_report(report_2020()[1]), "struct.version") == []


# -- across years, 2019 → 2020 -------------------------------------------------------------


def _pingtan_2020(values: dict[str, int | float]) -> Report:
    return parse(cells_text(T2019, values, "平潭综合实验区", 2020), "pingtan-2020.txt")


def _read(report: Report, key: str) -> int | float:
    value = report.values[key]
    assert value is not None, key
    return value


def _follows_pingtan(seed: int = 7) -> dict[str, int | float]:
    """2020 values whose T2 follows the split sample: items moved by 2019's change, totals grown."""
    values, _ = report_2020(seed)
    first = parse(pingtan())
    out = dict(values)
    active = T2019.table("active")
    for row in rows_with(active, "prev_items", "change"):
        before, change = f"active.{row.key}.prev_items", f"active.{row.key}.change"
        out[before] = _read(first, before) + _read(first, change)
    for row in rows_with(active, "public_total"):
        total = f"active.{row.key}.public_total"
        out[total] = _read(first, total) + out[f"active.{row.key}.published"]
    return out


def test_prev_items_and_public_total_follow_last_year() -> None:
    first = parse(pingtan())
    second = _pingtan_2020(_follows_pingtan())
    assert second.year == 2020 and second.agency == first.agency
    found = check_report(second, previous=first)
    assert of_rule(found, "xyear.prev_items") == [] and of_rule(found, "xyear.public_total") == []
    assert of_rule(found, "xyear.in_force") == []


def test_prev_items_differs() -> None:
    first = parse(pingtan())
    values = {**_follows_pingtan(), "active.licensing.prev_items": 100}  # 39 + 60 = 99
    second = _pingtan_2020(values)
    got = of_rule(check_report(second, previous=first), "xyear.prev_items")
    assert keys_locs(got) == [
        ("warning", ["active.licensing.prev_items"], second.provenance["active.licensing.prev_items"].loc)
    ]
    assert got[0].loc["line"] > 0
    assert got[0].message == (
        "表二“行政许可”行：“上一年项目数量”为100，而上年（2019年）报告“上一年项目数量”39（上年报告第10行）"
        "加“本年增/减”60应为99"
    )


def test_public_total_falls() -> None:
    first = parse(pingtan())
    changes = {"active.normative_documents.public_total": 80, "active.normative_documents.published": 3}
    values = {**_follows_pingtan(), **changes}
    second = _pingtan_2020(values)
    got = of_rule(check_report(second, previous=first), "xyear.public_total")
    key = "active.normative_documents.public_total"
    assert keys_locs(got) == [("info", [key], second.provenance[key].loc)]
    assert got[0].message == (
        "表二“规范性文件”行：“对外公开总数量”为80，少于上年（2019年）报告的89（上年报告第10行）；"
        "按上年总数加本年“本年新公开数量”3约为92"
    )


# -- across the change of format, 2020 (2019 template) → 2021 (2021 template) --------------


def _report_2021(carried: dict[str, int | float]) -> Report:
    """Sample 001 as a 2021 report whose 上年结转 (and, to stay balanced, 结转下年度) are ``carried``."""
    cells = {}
    for col in T3_COLUMNS:
        cells[f"applications.carried_over.{col}"] = str(carried[col])
        cells[f"applications.carried_forward.{col}"] = str(carried[col])
    return parse(set_cells(sample("001"), cells).replace("2023", "2021"), "2021.txt")


def test_carry_across_the_change_of_format() -> None:
    values, first = report_2020()
    assert first.template == "2019" and first.year == 2020 and first.agency == AGENCY_001
    forward = {c: values[f"applications.carried_forward.{c}"] for c in T3_COLUMNS}
    assert any(forward.values())
    second = _report_2021(forward)
    assert second.template == "2021" and second.year == 2021
    found = check_report(second, previous=first)
    # 上年结转 = 结转下年度 in every column; no other cross-year rule compares T2 between the formats
    assert [f for f in found if f.rule.startswith("xyear.") and f.rule != "xyear.compared"] == []
    assert [f.message for f in found if f.rule == "xyear.compared"] == [
        "与上年（2020年）报告（2020.txt）核对：上年结转一致"
    ]
    assert [f for f in found if f.severity == "error"] == []


def test_carry_across_the_change_of_format_differs() -> None:
    values, first = report_2020()
    forward = {c: values[f"applications.carried_forward.{c}"] for c in T3_COLUMNS}
    wrong = {**forward, "natural_person": forward["natural_person"] + 1, "total": forward["total"] + 1}
    second = _report_2021(wrong)
    found = check_report(second, previous=first)
    got = of_rule(found, "xyear.carry")
    line = first.provenance["applications.carried_forward.natural_person"].loc["line"]
    assert keys_locs(got) == [
        ("error", ["applications.carried_over.natural_person"], {"line": 52}),
        ("error", ["applications.carried_over.total"], {"line": 52}),
    ]
    assert got[0].message == (
        f"表三“自然人”列：本年“二、上年结转政府信息公开申请数量”为{wrong['natural_person']}，"
        f"而上年（2020年）报告“四、结转下年度继续办理”为{forward['natural_person']}（上年报告第{line}行）"
    )
    # 2020's T2 (对外公开总数量, 上一年项目数量) is never set against 2021's 现行有效件数 or anything else
    assert {f.rule for f in found if f.rule.startswith("xyear.")} == {"xyear.carry", "xyear.compared"}
