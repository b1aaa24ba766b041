"""Large non-zero tables in the layouts real extraction tools produce: every cell right, none wrong with status ok."""

from __future__ import annotations

import pytest

from nianbao.pipeline import parse_bytes
from nianbao.template import load
from tests.layouts import LAYOUTS, random_values


@pytest.mark.parametrize("version", ["2021", "2019"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_layout_roundtrip(version: str, layout: str, seed: int) -> None:
    template = load(version)
    year = 2023 if version == "2021" else 2020
    values = random_values(template, seed)
    text = LAYOUTS[layout](template, values, "某某市某某局", year)
    report = parse_bytes(text.encode("utf-8"), f"{layout}.txt")
    assert report.template == version
    assert report.agency == "某某市某某局" and report.year == year
    wrong = {k: (report.values[k], v) for k, v in values.items() if report.values[k] != v}
    assert not wrong
    assert {p.status for p in report.provenance.values()} == {"ok"}
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]
