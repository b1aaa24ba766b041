"""The accuracy benchmark (benchmarks/accuracy.py) end to end on one small case, so its scoring stays honest:
a generated report is rendered, its HTML read by BeautifulSoup and its PDF by pdftotext, each text parsed
in the benchmark's capped worker and every cell compared with the values the report was made from."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from nianbao.pipeline import parse_bytes
from nianbao.report import Provenance
from nianbao.template import load

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import accuracy  # type: ignore[import-not-found]  # benchmarks/accuracy.py, found through sys.path

SEED = 9  # its first 2021 report: large numbers, zeros printed, every table adds up
# cells right of 200 when recorded (raise them when the parser gets better; a drop is a regression)
PDFTOTEXT_FLOOR = 123
BS4_FLOOR = 192


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_random_reports_satisfy_the_equations_unless_skewed(version: str) -> None:
    template = load(version)
    for i in range(8):
        case = accuracy.random_case(version, i, seed=1)
        v = case.truth.values
        assert set(v) == set(template.cell_keys())
        off = [e for e in template.equations() if sum(v[k] for k in e.lhs) != sum(v[k] for k in e.rhs)]
        assert ("off" in case.note) == bool(off), case.note
        assert len(off) <= 6
        assert all(v[k] >= 0 for k in v if template.column(k).kind != "signed")
        assert all(v[k] == 0 for k in case.blanks)
    assert accuracy.random_case(version, 3, seed=1).truth == accuracy.random_case(version, 3, seed=1).truth


def test_score_counts_a_wrong_certain_cell() -> None:
    case = accuracy.random_case("2021", 0, SEED)
    report = parse_bytes(accuracy.render_case(case, "md"), "x.md")
    assert accuracy.score_report(report, case.truth).right == 200
    key = "active.licensing.decisions"
    report.values[key] = case.truth.values[key] + 1
    report.provenance[key] = Provenance(raw="1", status="ok")
    s = accuracy.score_report(report, case.truth)
    assert (s.right, [c["key"] for c in s.wrong_ok]) == (199, [key])


def test_one_report_through_bs4_and_pdftotext(tmp_path: Path) -> None:
    opts = accuracy.Options(
        seed=SEED,
        reports=1,
        templates=("2021",),
        producers=("pdf(weasyprint)", "html"),
        tools=("pdftotext", "bs4", "nianbao"),
        jobs=2,
        save=tmp_path,
        quiet=True,
    )
    result = accuracy.run(opts)
    rows = {r.label: r for r in result.rows}
    assert set(rows) == {
        "pdf(weasyprint) → nianbao",
        "pdf(weasyprint) → pdftotext",
        "html → nianbao",
        "html → bs4",
    }
    for row in rows.values():
        assert (row.reports, row.cells, row.errors, row.wrong_ok) == (1, 200, 0, 0), row
        assert (row.agency_ok, row.year_ok) == (1, 1), row
    assert rows["pdf(weasyprint) → nianbao"].right == 200
    assert rows["html → nianbao"].right == 200
    assert rows["pdf(weasyprint) → pdftotext"].right >= PDFTOTEXT_FLOOR
    assert rows["html → bs4"].right >= BS4_FLOOR
    assert result.total.cells == 800
    side = json.loads((tmp_path / "r2021-01__html__bs4.json").read_text(encoding="utf-8"))
    assert (side["template"], len(side["values"]), side["score"]["agency"]) == ("2021", 200, side["agency"])
    assert side["score"]["right"] == rows["html → bs4"].right
    assert (tmp_path / "r2021-01__pdf-weasyprint__pdftotext.txt").read_text(encoding="utf-8").strip()
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["total"]["cells"] == 800
