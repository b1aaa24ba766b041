"""Issue 12: tables read as one constraint problem — every cell that the table's equations fix is
recovered, from runs of digits, rows without labels, numbers before labels, column numbers and
unprinted empty cells; a cell on which the readings disagree stays unreadable with its candidates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.extract.history import with_history
from nianbao.pipeline import parse_bytes, parse_file
from nianbao.report import Report
from nianbao.template import load
from tests.layouts import HARD_LAYOUTS, flattened_text, layout_text, random_values

CERTAIN = ("ok", "ocr", "blank")
T21 = load("2021")
APPEALS = [k for k in T21.cell_keys() if k.startswith("appeals.")]

# cells right out of 3 seeds' worth, per layout and template: floors that may only go up
FLOORS = {
    ("flattened", "2021"): 582,  # the rest: 表二's rows have no equation to cut their runs by
    ("flattened", "2019"): 528,
    ("before-label", "2021"): 600,
    ("before-label", "2019"): 594,
    ("numbered-columns", "2021"): 600,
    ("numbered-columns", "2019"): 594,
    ("browser-copy", "2021"): 600,
    ("browser-copy", "2019"): 594,
    ("merged-rows-md", "2021"): 594,
    ("merged-rows-md", "2019"): 558,
    ("blank-columns", "2021"): 555,  # the rest: 表二's empty cells have no full rows to take columns from
    ("blank-columns", "2019"): 563,
}


def _with_appeals_run(run: str) -> Report:
    """A flattened report whose 表四 is the one run of digits given."""
    lines = flattened_text(T21, random_values(T21, 1), "某某市某某局", 2023).split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("五、")) - 1
    lines[at] = run
    return parse_bytes("\n".join(lines).encode(), "flattened.txt")


def test_appeals_run_split_only_by_all_three_group_totals() -> None:
    # 39 ways to cut it into fifteen cells; one keeps all three group totals
    report = _with_appeals_run("41027130001310001")
    assert [report.values[k] for k in APPEALS] == [4, 1, 0, 2, 7, 13, 0, 0, 0, 13, 1, 0, 0, 0, 1]
    assert {report.provenance[k].status for k in APPEALS} == {"ok"}
    assert {report.provenance[k].basis for k in APPEALS} == {"arithmetic"}


def test_appeals_run_with_two_solutions_keeps_only_the_cells_they_agree_on() -> None:
    # 1,10,0,0,11 and 11,0,0,0,11 both fit the second group: its first two cells stay open
    report = _with_appeals_run("21003110001100000")
    values = [report.values[k] for k in APPEALS]
    assert values == [2, 1, 0, 0, 3, None, None, 0, 0, 11, 0, 0, 0, 0, 0]
    upheld = report.provenance["appeals.litigation_direct.upheld"]
    assert upheld.status == "unreadable"
    assert {c["appeals.litigation_direct.upheld"] for c in upheld.candidates or []} == {1, 11}


def test_cells_read_as_printed_have_basis_printed() -> None:
    values = random_values(T21, 4)
    report = parse_bytes(layout_text(T21, values, "某某市某某局", 2023).encode(), "layout.txt")
    assert {p.basis for p in report.provenance.values()} == {"printed"}


@pytest.mark.parametrize("version", ["2021", "2019"])
@pytest.mark.parametrize("layout", sorted(HARD_LAYOUTS))
def test_hard_layout_never_wrong_and_not_below_floor(layout: str, version: str) -> None:
    template = load(version)
    year = 2023 if version == "2021" else 2020
    right, wrong = 0, []
    for seed in (1, 2, 3):
        values = random_values(template, seed)
        text = HARD_LAYOUTS[layout](template, values, "某某市某某局", year)
        report = parse_bytes(text.encode("utf-8"), f"{layout}.txt")
        assert report.agency == "某某市某某局" and report.year == year and report.template == version
        for key, want in values.items():
            prov = report.provenance[key]
            if report.values[key] == want:
                right += 1
            elif prov.status in CERTAIN:
                wrong.append(f"{key}: {want} → {report.values[key]} ({prov.status}, {prov.note})")
    assert wrong == []
    assert right >= FLOORS[(layout, version)]


def test_row_numbers_printed_before_labels_are_not_shifted_onto_the_next_row() -> None:
    """The bug: PDF text that prints a row's numbers before its label gave every row the next
    row's numbers, marked ok."""
    values = random_values(T21, 5)
    report = parse_bytes(HARD_LAYOUTS["before-label"](T21, values, "某某市某某局", 2023).encode(), "x.txt")
    assert report.values["applications.new.total"] == values["applications.new.total"]
    assert report.values["active.regulations.issued"] == values["active.regulations.issued"]


def test_numbers_wrapped_in_narrow_cells_rejoined_by_column() -> None:
    """pdftotext -layout prints a thousands-separated number that a narrow cell wrapped as 1,20
    over 6; the pieces stand in one column and the row's total confirms the joining."""
    text = (
        "某某市某某局2024年政府信息公开工作年度报告\n一、总体情况\n本年度工作正常。\n"
        "三、收到和处理政府信息公开申请情况\n"
        "                             14,4    1,30                1,04         17,3\n"
        "一、本年新收政府信息公开申请数量                            87     234          223\n"
        "                             18      1                   2            05\n"
        "五、存在的主要问题及改进情况\n无。\n"
    )
    report = parse_bytes(text.encode(), "layout.txt")
    row = [
        report.values[f"applications.new.{c}"]
        for c in ("natural_person", "business", "research", "public_interest", "legal_service", "other", "total")
    ]
    assert row == [14418, 1301, 87, 234, 1042, 223, 17305]
    assert report.provenance["applications.new.natural_person"].basis == "arithmetic"
    assert report.provenance["applications.new.natural_person"].raw == "14,418"


def _year_pair(tmp_path: Path) -> tuple[dict[str, int | float], Path, Path]:
    """This year's report as flattened page text (表二's runs ambiguous) and last year's, readable,
    whose 现行有效件数 with this year's 制发/废止 make this year's 现行有效件数."""
    this = random_values(T21, 11)
    last = random_values(T21, 12)
    for row in ("regulations", "normative_documents"):
        this[f"active.{row}.in_force"] = (
            last[f"active.{row}.in_force"] + this[f"active.{row}.issued"] - this[f"active.{row}.repealed"]
        )
    now = tmp_path / "this.txt"
    now.write_text(flattened_text(T21, this, "某某市某某局", 2023), encoding="utf-8")
    history = tmp_path / "history"
    history.mkdir()
    (history / "last.txt").write_text(layout_text(T21, last, "某某市某某局", 2022), encoding="utf-8")
    return this, now, history


def test_adjacent_year_fixes_a_row_the_table_leaves_ambiguous(tmp_path: Path) -> None:
    this, now, history = _year_pair(tmp_path)
    alone = parse_file(now)
    keys = [f"active.regulations.{c}" for c in ("issued", "repealed", "in_force")]
    assert {alone.provenance[k].status for k in keys} == {"unreadable"}
    fixed = with_history(alone, [parse_file(history / "last.txt")])
    assert [fixed.values[k] for k in keys] == [this[k] for k in keys]
    prov = fixed.provenance["active.regulations.in_force"]
    assert prov.basis == "adjacent_year" and prov.basis_source == str(history / "last.txt")
    # the CLI does the same with --history
    out = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "parse", str(now), "--history", str(history), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout)
    assert [data["values"][k] for k in keys] == [this[k] for k in keys]
    assert data["provenance"]["active.regulations.issued"]["basis"] == "adjacent_year"


def test_adjacent_year_of_another_agency_is_not_used(tmp_path: Path) -> None:
    _, now, history = _year_pair(tmp_path)
    other = parse_file(history / "last.txt").model_copy(update={"agency": "另一个局"})
    fixed = with_history(parse_file(now), [other])
    assert fixed.provenance["active.regulations.in_force"].status == "unreadable"
