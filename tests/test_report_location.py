"""Locations in the contract are typed (issue 15): every key a reader, the extractor, a check or a
data file gives is declared in ``Location``, and an undeclared key is refused, not kept untyped."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import nianbao
from nianbao.report import Finding, Location, Report
from tests.conftest import FILES, SAMPLES


def test_an_undeclared_location_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="bogus"):
        Finding(rule="r", severity="error", message="m", loc={"bogus": 1})  # type: ignore[typeddict-unknown-key]


def test_locations_of_a_text_report_and_a_pdf_read_back_equal() -> None:
    for path in (SAMPLES / "000_de40de658abca76d.txt", FILES / "huaian-2024.pdf"):
        report = nianbao.parse(path)
        again = Report.model_validate(report.to_json_dict())
        assert again.provenance == report.provenance
        assert again.findings == report.findings
    cell = report.provenance["applications.new.natural_person"].loc
    assert set(cell) <= set(Location.__annotations__)
    assert cell["page"] >= 1 and len(cell["bbox"]) == 4


def test_schema_describes_the_location() -> None:
    schema = Report.model_json_schema(by_alias=True)
    location = schema["$defs"]["Location"]
    assert location["additionalProperties"] is False
    assert {"line", "page", "bbox", "field", "sheet", "cell"} <= set(location["properties"])
