"""The corpus for researchers on the web (issue 18): filters by region, year, template and
status, sorting, the export of a selection, an agency's other years with the cross-year
findings, and the original file where it is still stored. A real corpus (tests/corpus_gen: the
samples, three years of each agency spelled three ways, 孟津县 before its renaming) stored by
corpus_support.fill, and the real app."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import create_engine, select

from nianbao.corpus import export
from nianbao.corpus.db import files, findings, reports
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits
from tests.corpus_support import corpus, expected, fill


@dataclass(frozen=True)
class Served:
    client: TestClient
    url: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # a corpus of its own: one test moves a file away and back
    root = corpus(tmp_path_factory.mktemp("web-corpus") / "reports").root
    url = f"sqlite:///{root.parent / 'corpus.sqlite'}"
    fill(url, expected(root))
    app = create_app(db_url=url, data_dir=root.parent / "data", limits=WebLimits(processes=1))
    with TestClient(app) as c:
        yield Served(c, url)


def rows(url: str) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        got = conn.execute(
            select(reports.c.id, reports.c.agency, reports.c.year, reports.c.agency_norm, files.c.path).join(
                files, files.c.id == reports.c.file_id
            )
        ).all()
    engine.dispose()
    return list(got)


def items(client: TestClient, **params: object) -> list[dict[str, Any]]:
    r = client.get("/api/v1/corpus/search", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return list(body["items"])


def test_filter_by_year_and_region(served: Served) -> None:
    c = served.client
    got = items(c, year=2022, region="河南省/洛阳市")
    assert sorted(h["agency"] for h in got) == ["洛阳市孟津区科技和工业信息化局", "洛阳市西工区科学技术局"]
    heilongjiang = items(c, region="黑龙江省")
    assert sorted(h["agency"] for h in heilongjiang) == [
        "哈尔滨市阿城区工业信息科技局",
        "阿城区工业信息科技局",
        "阿城区工业信息科技局",
        "黑龙江省哈尔滨市阿城区工业信息科技局",
    ]
    assert {h["region"] for h in heilongjiang} == {"黑龙江省/哈尔滨市/阿城区"}
    # a whole segment only: 河南省/洛阳 is not 河南省/洛阳市
    assert items(c, region="河南省/洛阳") == []
    assert sorted(h["agency"] for h in items(c, region="河南省/洛阳市/新安县", year=2023)) == sorted(
        ["新安县科学技术局", "新安县财政局", "新安县教育局", "新安县民政局", "新安县统计局"]
    )
    assert [h["agency"] for h in items(c, template="2019")] == ["平潭综合实验区"]
    page = c.get("/api/v1/corpus/search").json()
    assert "河南省" in page["regions"] and "河南省/洛阳市" in page["regions"] and page["templates"] == ["2019", "2021"]


def test_filter_by_status(served: Served) -> None:
    c = served.client
    everything = items(c)
    with_errors = items(c, status="errors")
    clean = items(c, status="clean")
    assert with_errors and clean
    assert all(h["errors"] > 0 for h in with_errors) and all(h["errors"] == 0 for h in clean)
    assert sorted(h["id"] for h in with_errors + clean) == sorted(h["id"] for h in everything)


def test_sorting(served: Served) -> None:
    c = served.client
    years = [h["year"] for h in items(c, sort="year")]
    assert years == sorted(years) and years[0] == 2019
    down = [h["year"] for h in items(c, sort="year", order="desc")]
    assert down == sorted(down, reverse=True) and down[0] == 2024
    errors = [h["errors"] for h in items(c, sort="errors", order="desc")]
    assert errors == sorted(errors, reverse=True) and errors[0] > errors[-1]
    agencies = [h["agency"] for h in items(c, sort="agency", region="黑龙江省")]
    assert agencies == sorted(agencies)
    # ties keep one order: by id
    ids = [h["id"] for h in items(c, sort="template")]
    assert ids == [h["id"] for h in items(c, sort="template")]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "broken"},
        {"sort": "colour"},
        {"order": "up"},
        {"template": "20x1"},
        {"region": "省" * 101},
        {"year": 1800},
    ],
)
def test_bad_selection_is_refused(served: Served, params: dict[str, object]) -> None:
    for path in ("/api/v1/corpus/search", "/api/v1/corpus/export"):
        r = served.client.get(path, params=params)
        assert r.status_code == 400 and r.json()["code"] == "E_REQUEST", (path, r.text)
        assert r.json()["message"]


def test_export_csv_of_a_selection(served: Served, tmp_path: Path) -> None:
    r = served.client.get("/api/v1/corpus/export", params={"region": "黑龙江省", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "nianbao-corpus.csv" in r.headers["content-disposition"]
    got = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert sorted((row["agency"], row["year"]) for row in got) == [
        ("哈尔滨市阿城区工业信息科技局", "2022"),
        ("阿城区工业信息科技局", "2023"),
        ("阿城区工业信息科技局", "2023"),
        ("黑龙江省哈尔滨市阿城区工业信息科技局", "2021"),
    ]
    # the columns of `corpus export --wide`, and each row as it has it
    whole = tmp_path / "whole.csv"
    engine = create_engine(served.url)
    export.export(engine, "csv", whole, "wide")
    engine.dispose()
    with whole.open(encoding="utf-8-sig", newline="") as f:
        wide = list(csv.DictReader(f))
    assert list(got[0]) == list(wide[0])
    assert sorted(map(sorted, (row.items() for row in got))) == sorted(
        map(sorted, (row.items() for row in wide if row["region"].startswith("黑龙江省/")))
    )
    assert len(got[0]) > 100  # the cells, not only who


def test_export_xlsx_of_a_selection(served: Served, tmp_path: Path) -> None:
    params = {"year": 2022, "region": "河南省/洛阳市", "format": "xlsx"}
    r = served.client.get("/api/v1/corpus/export", params=params)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    (tmp_path / "out.xlsx").write_bytes(r.content)
    wb = load_workbook(tmp_path / "out.xlsx", read_only=True)
    sheet = list(wb["报告"].iter_rows(values_only=True))
    assert sheet[0][:2] == ("机关名称", "年度") and sheet[1][:2] == ("agency", "year")
    assert sorted(str(row[0]) for row in sheet[2:]) == ["洛阳市孟津区科技和工业信息化局", "洛阳市西工区科学技术局"]
    assert {row[0] for row in list(wb["检查发现"].iter_rows(values_only=True))[2:]} <= {
        "洛阳市孟津区科技和工业信息化局",
        "洛阳市西工区科学技术局",
    }
    empty = served.client.get("/api/v1/corpus/export", params={"year": 1999, "format": "csv"})
    assert empty.status_code == 200 and len(empty.content.decode("utf-8-sig").splitlines()) == 1


def test_other_years_of_mengjin(served: Served) -> None:
    mengjin = [r for r in rows(served.url) if r.agency_norm == "410308/科技和工业信息化局"]
    assert sorted(r.year for r in mengjin) == [2021, 2022, 2023, 2023]
    this = next(r for r in mengjin if r.year == 2022)
    got = served.client.get(f"/api/v1/corpus/reports/{this.id}/years").json()
    assert sorted((y["id"], y["year"], y["agency"]) for y in got) == sorted((r.id, r.year, r.agency) for r in mengjin)
    assert [y["year"] for y in got] == [2021, 2022, 2023, 2023]
    assert [y["current"] for y in got] == [False, True, False, False]
    assert got[0]["agency"] == "孟津县科技和工业信息化局"  # before 撤县设区: the same agency
    engine = create_engine(served.url)
    with engine.connect() as conn:
        cross = conn.execute(
            select(findings.c.report_id, findings.c.rule, findings.c.message)
            .where(findings.c.report_id.in_([r.id for r in mengjin]), findings.c.scope == "crossyear")
            .order_by(findings.c.id)
        ).all()
    engine.dispose()
    assert cross, "the corpus checks 孟津's years against each other"
    assert sorted((y["id"], f["rule"], f["message"]) for y in got for f in y["crossyear"]) == sorted(
        (f.report_id, f.rule, f.message) for f in cross
    )
    page = served.client.get(f"/corpus/reports/{this.id}").text
    for r in mengjin:
        if r.id != this.id:
            assert f'href="/corpus/reports/{r.id}"' in page
    assert "与上一年度核对" in page
    alone = next(r for r in rows(served.url) if r.agency == "平潭综合实验区")
    assert [y["id"] for y in served.client.get(f"/api/v1/corpus/reports/{alone.id}/years").json()] == [alone.id]
    assert "年报库中没有该机关其他年度的报告" in served.client.get(f"/corpus/reports/{alone.id}").text
    assert served.client.get("/api/v1/corpus/reports/999999/years").json()["code"] == "E_NOT_FOUND"


def test_original_file_download_and_refusal(served: Served) -> None:
    c = served.client
    report = next(r for r in rows(served.url) if r.agency_norm == "410308/科技和工业信息化局" and r.year == 2021)
    path = Path(report.path)
    r = c.get(f"/api/v1/corpus/reports/{report.id}/file")
    assert r.status_code == 200 and r.content == path.read_bytes()
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert path.name in r.headers["content-disposition"]
    assert f'href="/api/v1/corpus/reports/{report.id}/file"' in c.get(f"/corpus/reports/{report.id}").text
    moved = path.with_name(path.name + ".moved")
    path.rename(moved)
    try:
        gone = c.get(f"/api/v1/corpus/reports/{report.id}/file")
        assert gone.status_code == 404 and gone.json() == {"code": "E_NOT_FOUND", "message": "原文件未保存"}
        assert "原文件未保存" in c.get(f"/corpus/reports/{report.id}").text
        path.mkdir()  # a folder where the file was is not the file
        assert c.get(f"/api/v1/corpus/reports/{report.id}/file").status_code == 404
        path.rmdir()
        path.write_bytes(moved.read_bytes().replace(b"2021", b"2020"))  # changed since it was ingested
        assert c.get(f"/api/v1/corpus/reports/{report.id}/file").json()["message"] == "原文件未保存"
    finally:
        if path.is_dir():
            path.rmdir()
        moved.replace(path)
    assert c.get(f"/api/v1/corpus/reports/{report.id}/file").status_code == 200
    assert c.get("/api/v1/corpus/reports/999999/file").status_code == 404


def test_corpus_page_keeps_the_selection_in_its_links(served: Served) -> None:
    c = served.client
    page = c.get("/corpus", params={"year": 2022, "region": "河南省/洛阳市", "sort": "agency", "order": "desc"}).text
    assert "洛阳市孟津区科技和工业信息化局" in page and "洛阳市西工区科学技术局" in page
    assert "中站区" not in page.split('id="corpus-list"')[1]
    assert page.index("洛阳市西工区科学技术局") < page.index("洛阳市孟津区科技和工业信息化局")  # 西 after 孟, reversed
    assert '<option value="河南省/洛阳市" selected>河南省 · 洛阳市</option>' in page
    where = "year=2022&amp;region=%E6%B2%B3%E5%8D%97%E7%9C%81%2F%E6%B4%9B%E9%98%B3%E5%B8%82"
    assert f"/api/v1/corpus/export?{where}" in page and "format=csv" in page and "format=xlsx" in page
    assert 'aria-sort="descending"' in page
    # the header of the sorted column reverses it; the others sort ascending, keeping the filters
    assert f'href="/corpus?{where}&amp;sort=agency"' in page
    assert f'href="/corpus?{where}&amp;sort=year"' in page
    # what the page does not know is ignored, not an error
    assert c.get("/corpus", params={"status": "maybe", "sort": "colour", "year": "x"}).status_code == 200
    only_errors = c.get("/corpus", params={"status": "errors"}).text
    assert "只看有错误的</option>" in only_errors


def test_export_parquet_of_a_selection(served: Served, tmp_path: Path) -> None:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    r = served.client.get("/api/v1/corpus/export", params={"region": "黑龙江省", "format": "parquet"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/vnd.apache.parquet"
    path = tmp_path / "selection.parquet"
    path.write_bytes(r.content)
    table = pq.read_table(path)
    assert table.num_rows == 4 and "applications.new.total" in table.column_names
    assert sorted(set(table.column("agency").to_pylist())) == [
        "哈尔滨市阿城区工业信息科技局",
        "阿城区工业信息科技局",
        "黑龙江省哈尔滨市阿城区工业信息科技局",
    ]
