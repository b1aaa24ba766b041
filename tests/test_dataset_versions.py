"""Agency-years, not files (issue 17): one canonical report per agency and year by a stated rule,
the other versions kept with their differences."""

from __future__ import annotations

import nianbao
from nianbao.dataset.versions import RULE, Candidate, canonical, cells_read, differences
from nianbao.report import Provenance
from tests.conftest import FILES


def test_most_cells_read_then_newest_then_sha() -> None:
    a = Candidate("a", 200, "2025-01-10T00:00:00", "bb")
    b = Candidate("b", 198, "2025-03-01T00:00:00", "aa")
    c = Candidate("c", 200, "2025-02-01T00:00:00", "cc")
    d = Candidate("d", 200, "2025-02-01T00:00:00", "ab")
    assert canonical([a, b, c]).key == "c"
    assert canonical([a, b, c, d]).key == "d"
    assert canonical([b]).key == "b"
    assert "最多" in RULE


def test_the_same_report_as_pdf_and_as_text_differ_only_where_one_was_not_read() -> None:
    pdf = nianbao.parse(FILES / "huaian-2024.pdf")
    assert cells_read(pdf) == 200
    prov = dict(pdf.provenance)
    prov["applications.new.total"] = Provenance(raw="30 50", status="unreadable")
    worse = pdf.model_copy(update={"values": {**pdf.values, "applications.new.total": None}, "provenance": prov})
    assert cells_read(worse) == 199
    chosen = canonical([Candidate("pdf", cells_read(pdf), "1", "x"), Candidate("txt", cells_read(worse), "2", "y")])
    assert chosen.key == "pdf"
    diff = differences(pdf, worse)
    assert [(d.key, d.other) for d in diff] == [("applications.new.total", None)]
    assert diff[0].canonical == pdf.values["applications.new.total"]
