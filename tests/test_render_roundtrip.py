"""Round trip: parse a sample → render to each format → parse again gives the same 200
values, agency, year and section texts. Also the hand-written example (non-zero values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nianbao.pipeline import parse_bytes, parse_file
from nianbao.render import render
from nianbao.render.content import table_section_prose
from nianbao.render.inputs import Draft, load_file, to_report
from nianbao.render.layout import layout
from nianbao.render.reflow import strip_signature
from nianbao.report import Report, Source
from nianbao.template import available, load
from tests.conftest import ROOT, SAMPLES

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"
SUFFIX = {"md": "md", "html": "html", "docx": "docx", "pdf": "pdf"}
_WS = re.compile(r"\s+")


def _prose(report: Report, no: int, flat: bool) -> str:
    """A section's text as a reader gives it back: without a table header left in it; for PDF,
    whose lines are the page's, without line breaks and spaces."""
    text = next((s.text for s in report.sections if s.no == no), "")
    text = table_section_prose(text, layout(report.template or "2021").section(no).tables)
    text = strip_signature(text, report.agency)  # the 落款 every rendered report ends with
    return _WS.sub("", text) if flat else text.strip()


def _sources() -> list[Path]:
    return [*sorted(SAMPLES.glob("*.txt")), EXAMPLE]


def _original(path: Path) -> Report:
    return to_report(load_file(path)) if path.suffix == ".yaml" else parse_file(path)


@pytest.fixture(scope="module")
def originals() -> dict[str, Report]:
    return {p.name: _original(p) for p in _sources()}


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("name", [p.name for p in _sources()])
def test_round_trip(fmt: str, name: str, originals: dict[str, Report], tmp_path: Path) -> None:
    before = originals[name]
    data = render(before, fmt)
    after = parse_bytes(data, f"{tmp_path}/{name}.{SUFFIX[fmt]}")
    assert after.source.format == ("markdown" if fmt == "md" else fmt)
    keys = load("2021").cell_keys()
    assert len(keys) == 200
    assert {k: after.values[k] for k in keys} == {k: before.values[k] for k in keys}
    assert all(after.provenance[k].status in ("ok", "blank") for k in keys)
    assert (after.agency, after.year, after.template) == (before.agency, before.year, before.template)
    for no in range(1, 7):
        assert _prose(after, no, fmt == "pdf") == _prose(before, no, fmt == "pdf"), f"section {no}"


def test_example_has_the_values_it_was_written_with(originals: dict[str, Report]) -> None:
    """The example's own numbers (so the round trips above compare non-zero values too)."""
    r = originals[EXAMPLE.name]
    assert r.values["applications.new.total"] == 7
    assert r.values["applications.unavailable_not_held.business"] == 1
    assert r.values["active.licensing.decisions"] == 126
    assert r.values["appeals.reconsideration.upheld"] == 1
    assert r.values["appeals.litigation_direct.total"] == 0  # left out → 0
    assert sum(1 for v in r.values.values() if v) == 25


def _distinct(version: str) -> Report:
    """Every cell a different number (negative in signed columns, decimals for amounts), so a
    value landing in the wrong cell cannot go unnoticed."""
    template = load(version)
    values: dict[str, int | float] = {}
    for i, key in enumerate(template.cell_keys(), start=1):
        kind = template.column(key).kind
        values[key] = round(i * 1.25, 2) if kind == "decimal" else (-i if kind == "signed" and i % 2 else i)
    year = template.year_from
    draft = Draft(
        source=Source(path="distinct.yaml", sha256="0" * 64, format="yaml"),
        agency="测试市统计局",
        year=year,
        template=version,
        sections={1: "总体情况的正文。", 5: "存在的问题与改进。", 6: "没有其他事项。"},
        values=values,
    )
    return to_report(draft)


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("version", available())
def test_distinct_values_round_trip(version: str, fmt: str, tmp_path: Path) -> None:
    before = _distinct(version)
    after = parse_bytes(render(before, fmt), f"{tmp_path}/distinct.{SUFFIX[fmt]}")
    assert after.template == version
    assert after.values == before.values
    assert (after.agency, after.year) == (before.agency, before.year)
