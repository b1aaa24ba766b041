"""The research dataset (issue 17): one row per agency-year — the same report in another encoding
counted once, as a version; the blank template left out; harmonised variables, measures only from
certain cells, quality columns, the registry's 行政区划代码 — with a codebook and a Data Package
the frictionless library validates; CSV, Parquet and a workbook; output folders made."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from frictionless import Package

from nianbao.cli import main
from nianbao.corpus.dataset import write_dataset
from nianbao.corpus.db import open_db
from nianbao.corpus.ingest import run
from tests.conftest import FILES, SAMPLE_2019, SAMPLES


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("dataset")
    folder = root / "in"
    folder.mkdir()
    for p in [
        *sorted(SAMPLES.glob("*.txt")),
        SAMPLE_2019,
        FILES / "huaian-2024.pdf",
        FILES / "official-template-blank.docx",
    ]:
        shutil.copy(p, folder / p.name)
    text = (SAMPLES / "001_5cbb82ac5aa5eb0a.txt").read_text(encoding="utf-8")
    (folder / "001-gbk.txt").write_bytes(text.encode("gb18030"))  # the same report, re-encoded
    db = f"sqlite:///{root / 'corpus.sqlite'}"
    summary = run([str(folder)], db, workers=1)
    assert (summary.ingested, summary.failed) == (8, 1)  # the blank template is no report to store
    [(path, code, reason)] = summary.failures
    assert path.endswith("official-template-blank.docx") and code == "E_NOT_REPORT"
    assert reason.startswith("不是可入库的报告：表格未填写")
    yield db


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_one_row_per_agency_year_with_versions_and_the_blank_template_left_out(url: str, tmp_path: Path) -> None:
    out = tmp_path / "not" / "yet" / "there"
    written, manifest = write_dataset(open_db(url, create=False), out)
    assert {p.name for p in written} == {
        "agency_years.csv",
        "cells.csv",
        "findings.csv",
        "versions.csv",
        "codebook.csv",
        "manifest.json",
        "datapackage.json",
    }
    assert (manifest.reports, manifest.agency_years, manifest.versions, manifest.blank_templates) == (8, 7, 1, 0)
    rows = _rows(out / "agency_years.csv")
    assert len(rows) == 7
    mengjin = [r for r in rows if r["agency_id"] == "410308/科技和工业信息化局"]
    assert len(mengjin) == 1 and mengjin[0]["versions"] == "2" and mengjin[0]["county"] == "孟津区"
    described = {r["name"] for r in _rows(out / "codebook.csv")}
    assert set(rows[0]) <= described  # the codebook lists every column
    versions = _rows(out / "versions.csv")
    assert sorted(v["canonical"] for v in versions) == ["no", "yes"]
    assert all(v["differing_cells"] == "" for v in versions)  # the re-encoding reads the same


def test_the_real_report_row(url: str, tmp_path: Path) -> None:
    write_dataset(open_db(url, create=False), tmp_path)
    huaian = next(r for r in _rows(tmp_path / "agency_years.csv") if r["agency"] == "淮安市人民政府")
    assert (huaian["division_code"], huaian["province"], huaian["prefecture"]) == ("320800", "江苏省", "淮安市")
    assert (huaian["unit_type"], huaian["year"], huaian["template"], huaian["source_format"]) == (
        "government",
        "2024",
        "2021",
        "pdf",
    )
    assert huaian["applications_granted_total"] == "1362" and huaian["applications_results_total_total"] == "3050"
    assert float(huaian["disclosure_rate"]) == pytest.approx(1362 / 3050)
    assert int(huaian["cells_printed"]) + int(huaian["cells_deduced"]) + int(huaian["cells_blank"]) == 200
    assert huaian["cells_unreadable"] == "0" and huaian["cells_missing"] == "0"
    pingtan = next(r for r in _rows(tmp_path / "agency_years.csv") if r["year"] == "2019")
    assert pingtan["division_code"] == "" and pingtan["unit_type"] == "development_zone"
    assert pingtan["active_fees_amount"] == ""  # not in the 2019 format
    cells = [c for c in _rows(tmp_path / "cells.csv") if c["agency_id"] == huaian["agency_id"]]
    assert len(cells) == 200 and {c["status"] for c in cells} <= {"ok", "blank"}
    new = next(c for c in cells if c["key"] == "applications.new.total")
    assert new["label"] == "表三“一、本年新收政府信息公开申请数量”行“总计”列"


def test_the_data_package_validates(url: str, tmp_path: Path) -> None:
    write_dataset(open_db(url, create=False), tmp_path, dataset_version="2025.1", licence="CC0-1.0")
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "2025.1" and package["licenses"][0]["name"] == "CC0-1.0"
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert (
        fields["disclosure_rate"]["title"] == "予以公开率" and "（七）总计" in fields["disclosure_rate"]["description"]
    )
    assert fields["applications_new_total"]["unit"] == "件"


def test_workbook_and_parquet(url: str, tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]
    from openpyxl import load_workbook

    write_dataset(open_db(url, create=False), tmp_path / "x", "xlsx")
    wb = load_workbook(tmp_path / "x" / "dataset.xlsx", read_only=False)
    ws = wb["机关年度"]
    assert ws["A1"].value == "机关标识（跨年度稳定）" and ws["A2"].value == "agency_id"
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A2:")
    assert ws.max_row == 2 + 7
    write_dataset(open_db(url, create=False), tmp_path / "p", "parquet")
    table = pq.read_table(tmp_path / "p" / "agency_years.parquet")
    assert table.num_rows == 7 and "disclosure_rate" in table.column_names


def test_cli_dataset_and_an_unwritable_folder(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["corpus", "dataset", str(tmp_path / "out"), "--db", url]) == 0
    assert "7 个机关年度" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["corpus", "dataset", str(blocker / "sub"), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "无法建立输出目录" in err and "(E_IO)" in err and "Traceback" not in err
    assert (
        main(["corpus", "export", "--db", url, "--format", "csv", "-o", str(tmp_path / "new" / "dir" / "x.csv")]) == 0
    )
    assert (tmp_path / "new" / "dir" / "x.csv").is_file()
