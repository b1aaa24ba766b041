"""The statistics page's data: computed once per state of the corpus (cached by its last ingest)
and read by the page's tables and by /api/v1/corpus/stats, whose JSON the charts are drawn from
with Chinese labels. Through an HTTP client against the real app and a real ingest; the charts
themselves are drawn in a browser in test_web_phone.py."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.checks import RULES
from nianbao.corpus.ingest import run
from nianbao.corpus.stats import layout
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits
from nianbao.web.statscache import cache_of
from tests.conftest import SAMPLE_2019, SAMPLES

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def corpus(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    assert run([str(SAMPLE_2019), str(SAMPLES / "000_de40de658abca76d.txt")], url, 1).files == 2
    return url


@pytest.fixture
def client(tmp_path: Path, corpus: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url=corpus, data_dir=tmp_path / "d", limits=WebLimits(processes=1))) as c:
        yield c


def test_stats_are_computed_once_per_ingest(client: TestClient, corpus: str) -> None:
    cache = cache_of(client.app)  # type: ignore[arg-type]
    first = client.get("/api/v1/corpus/stats", params={"by": "year"}).json()
    assert cache.computed == 1
    page = client.get("/corpus/stats", params={"by": "year"})
    assert page.status_code == 200
    again = client.get("/api/v1/corpus/stats", params={"by": "year"}).json()
    assert again == first and cache.computed == 1  # the page and the API read the same
    client.get("/api/v1/corpus/stats")
    assert cache.computed == 2  # another grouping is its own entry
    assert [g["name"] for g in first["groups"]] == ["2019", "2023"]

    assert run([str(SAMPLES / "003_3282c18a880ba7c1.txt")], corpus, 1).files == 1  # a new ingest
    after = client.get("/api/v1/corpus/stats", params={"by": "year"}).json()
    assert cache.computed == 3
    assert [g["name"] for g in after["groups"]] == ["2019", "2023", "2024"]
    client.get("/corpus/stats", params={"by": "year"})
    assert cache.computed == 3


def test_stats_json_has_the_charts_chinese_labels(client: TestClient) -> None:
    got = client.get("/api/v1/corpus/stats", params={"by": "year"}).json()
    lay = layout()
    pingtan = got["groups"][0]
    assert list(pingtan["outcomes"]) == lay.outcome_labels
    assert lay.outcome_labels[0] == "（一）予以公开"
    assert list(pingtan["appeals"]) == [label for _, label in lay.appeal_groups]
    assert list(pingtan["appeal_results"]) == [label for _, label in lay.appeal_result_columns()]
    assert "结果纠正" in pingtan["appeal_results"]
    described = {r.id: r.description_zh for r in RULES}
    assert got["rules"]
    for rule in got["rules"]:
        assert rule["description"] == described[rule["rule"]]
        assert re.search(r"[\u4e00-\u9fff]", rule["description"])


def test_stats_page_tables_hold_the_numbers_and_load_the_bundled_chart_library(client: TestClient) -> None:
    page = client.get("/corpus/stats", params={"by": "year"}).text
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js"></script>' in page
    assert 'data-url="/api/v1/corpus/stats?by=year"' in page
    for chart in ("overview", "outcomes", "appeals", "rules"):
        assert f'id="chart-{chart}"' in page and f'data-table="{chart}"' in page
    got = client.get("/api/v1/corpus/stats", params={"by": "year"}).json()
    table = page[page.index('data-table="overview"') :]
    head = re.findall(r'<th scope="col">(.*?)</th>', table[: table.index("</thead>")])
    column = head.index("新收申请")
    for group in got["groups"]:
        row = re.search(rf'<tr><th scope="row">{group["name"]}[^<]*</th>(.*?)</tr>', table)
        assert row is not None, group["name"]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
        assert cells[column - 1] == f"{group['received']:,.0f}"
    assert client.get("/corpus/stats/chart.png").status_code == 404  # no more drawing on the server
