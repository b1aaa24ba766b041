"""The real 淮安市人民政府 2024 report as two PDF text extractions: pdftotext -layout and raw mode.

Raw mode moves labels away from their numbers (rows （一）（二） and （五）5–（六）3 print their labels
after the table) and interleaves the T4 header with its numbers: the rows are put back by the
table's order and arithmetic, and T4, which cannot be put back for certain, is unreadable, not guessed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.pipeline import parse_file
from nianbao.template import load

FIXTURES = Path(__file__).parent / "fixtures" / "text"

# every non-zero number the PDF's tables print, by row
NONZERO: dict[str, dict[str, int | float]] = {
    "active.regulations": {"issued": 1, "in_force": 11},
    "active.normative_documents": {"issued": 8, "repealed": 26, "in_force": 66},
    "active.licensing": {"decisions": 447228},
    "active.punishment": {"decisions": 3985758},
    "active.coercion": {"decisions": 88283},
    "active.fees": {"amount": 96171.6},
    "applications.new": {"natural_person": 3001, "business": 53, "legal_service": 61, "other": 4, "total": 3119},
    "applications.carried_over": {"natural_person": 34, "total": 34},
    "applications.granted": {"natural_person": 1288, "business": 21, "legal_service": 50, "other": 3, "total": 1362},
    "applications.partially_granted": {"natural_person": 447, "business": 7, "total": 454},
    "applications.denied_state_secret": {"natural_person": 2, "total": 2},
    "applications.denied_prohibited_by_law": {"natural_person": 30, "business": 1, "total": 31},
    "applications.denied_security_stability": {"natural_person": 5, "total": 5},
    "applications.denied_third_party_rights": {"natural_person": 6, "total": 6},
    "applications.denied_internal_affairs": {"natural_person": 7, "business": 1, "total": 8},
    "applications.denied_process_information": {"natural_person": 12, "total": 12},
    "applications.denied_enforcement_files": {"natural_person": 9, "total": 9},
    "applications.denied_inquiry": {"natural_person": 105, "total": 105},
    "applications.unavailable_not_held": {
        "natural_person": 746,
        "business": 12,
        "legal_service": 10,
        "other": 1,
        "total": 769,
    },
    "applications.unavailable_needs_creation": {"natural_person": 11, "total": 11},
    "applications.unavailable_unclear": {"natural_person": 1, "total": 1},
    "applications.refused_petition": {"natural_person": 56, "business": 6, "total": 62},
    "applications.refused_duplicate": {"natural_person": 25, "total": 25},
    "applications.refused_confirmation": {"natural_person": 1, "total": 1},
    "applications.other_no_correction": {"natural_person": 67, "business": 3, "legal_service": 1, "total": 71},
    "applications.other_no_fee": {"natural_person": 6, "total": 6},
    "applications.other_other": {"natural_person": 108, "business": 2, "total": 110},
    "applications.results_total": {
        "natural_person": 2932,
        "business": 53,
        "legal_service": 61,
        "other": 4,
        "total": 3050,
    },
    "applications.carried_forward": {"natural_person": 103, "total": 103},
    "appeals.reconsideration": {"upheld": 72, "corrected": 64, "other": 178, "pending": 37, "total": 351},
    "appeals.litigation_direct": {"upheld": 13, "corrected": 4, "other": 8, "pending": 1, "total": 26},
    "appeals.litigation_after_reconsideration": {"upheld": 12, "corrected": 1, "other": 1, "pending": 6, "total": 20},
}


def _expected() -> dict[str, int | float]:
    out: dict[str, int | float] = {k: 0 for k in load("2021").cell_keys()}
    for row, cols in NONZERO.items():
        for col, v in cols.items():
            out[f"{row}.{col}"] = v
    return out


def test_layout_mode_every_value() -> None:
    r = parse_file(FIXTURES / "huaian-2024-pdftotext-layout.txt")
    assert r.agency == "淮安市人民政府" and r.year == 2024 and r.template == "2021"
    assert r.values == _expected()
    assert {p.status for p in r.provenance.values()} == {"ok"}
    assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]


def test_raw_mode_rows_put_back_and_t4_unreadable() -> None:
    r = parse_file(FIXTURES / "huaian-2024-pdftotext-raw.txt")
    expected = _expected()
    for key, value in r.values.items():
        status = r.provenance[key].status
        if key.startswith("appeals."):
            assert status == "unreadable" and value is None, key
        else:
            assert status == "ok" and value == expected[key], key
    moved = r.provenance["applications.granted.natural_person"]
    assert moved.note == "行标签与数字在文本中分离，按表格行序对应"
    assert "与表头文字交错" in (r.provenance["appeals.reconsideration.total"].note or "")


@pytest.mark.parametrize("name", ["huaian-2024-pdftotext-layout.txt", "huaian-2024-pdftotext-raw.txt"])
def test_arithmetic_of_what_was_read_holds(name: str) -> None:
    r = parse_file(FIXTURES / name)
    for eq in load("2021").equations():
        lhs = [v for k in eq.lhs if (v := r.values[k]) is not None]
        rhs = [v for k in eq.rhs if (v := r.values[k]) is not None]
        if len(lhs) == len(eq.lhs) and len(rhs) == len(eq.rhs):
            assert sum(lhs) == sum(rhs), eq
