"""The extractor builds its pydantic models without validation (extract/__init__.py): what it builds
must be what validation would have built from the same values."""

from __future__ import annotations

from pathlib import Path

from nianbao.document import Loc
from nianbao.extract import _provenance
from nianbao.extract.cells import CellRead
from nianbao.pipeline import parse_file
from nianbao.report import Location, Provenance, Report

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "samples"


def _validated(c: CellRead) -> Provenance:
    return Provenance(
        raw=c.raw,
        status=c.status,
        loc=c.loc.to_dict(),
        note=c.note,
        candidates=c.candidates,
        confidence=c.confidence,
        basis=c.basis,
        basis_source=c.basis_source,
        candidates_complete=c.candidates_complete,
    )


def test_provenance_is_what_validation_builds() -> None:
    shared = [{"a": 1, "b": 2.5}]
    reads = [
        CellRead(12, "ok", "12", Loc(line=3, page=1), basis="printed"),
        CellRead(None, "unreadable", "1 2", Loc(line=4), "两种读法", shared, candidates_complete=True),
        CellRead(7, "ocr", "7", Loc(page=2, bbox=(1.0, 2.0, 3.0, 4.0)), confidence=1, basis="printed"),
        CellRead(None, "missing", None, Loc(), "未找到该行"),
    ]
    for c in reads:
        built, validated = _provenance(c, {}), _validated(c)
        assert built == validated
        assert built.model_fields_set == validated.model_fields_set
        assert built.model_dump_json() == validated.model_dump_json()  # 1 read as 1.0, as validation reads it
    locs: dict[int, Location] = {}
    one, two = _provenance(reads[1], locs), _provenance(reads[1], locs)
    assert one.candidates is not two.candidates and one.candidates is not shared  # each cell its own copy
    assert one.loc == two.loc and one.loc is not two.loc
    box = [_provenance(reads[2], locs) for _ in range(2)]
    assert box[0].loc["bbox"] == [1.0, 2.0, 3.0, 4.0] and box[0].loc["bbox"] is not box[1].loc["bbox"]


def test_report_is_what_validation_builds() -> None:
    for path in sorted(SAMPLES.glob("*.txt")):
        report = parse_file(path)
        again = Report.model_validate(report.model_dump(by_alias=True, exclude_unset=True))
        assert again == report
        assert again.model_fields_set == report.model_fields_set
        assert again.to_json_dict() == report.to_json_dict()
