"""The form's live check and its download agree on what is required: ``/check/data`` lists in
``required`` exactly what ``/render`` refuses (one function, ``render_problems``), a bad cell is
named by its labels without hiding the other findings (``draft=true``), and the API page
describes the routes in Chinese with examples. Through an HTTP client against the real app."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from nianbao.errors import NianbaoError
from nianbao.render.validate import validate_report
from nianbao.web import api
from nianbao.web.api import render_problems
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

COMPLETE: dict[str, Any] = {
    "agency": "某某县科学技术局",
    "year": 2024,
    "template": "2021",
    "sections": {
        "1": "本年度主动公开工作有序开展。",
        "5": "存在问题：解读不足。改进：加强解读。",
        "6": "未收取信息处理费。",
    },
    "values": {
        "applications.new.natural_person": 3,
        "applications.new.total": 3,
        "applications.granted.natural_person": 3,
        "applications.granted.total": 3,
        "applications.results_total.natural_person": 3,
        "applications.results_total.total": 3,
    },
}


def variant(**changes: Any) -> dict[str, Any]:
    """COMPLETE with fields replaced (None: removed) and ``sections``/``values`` merged (None: removed)."""
    data = copy.deepcopy(COMPLETE)
    for name, value in changes.items():
        if name in ("sections", "values"):
            for k, v in value.items():
                if v is None:
                    data[name].pop(k, None)
                else:
                    data[name][k] = v
        elif value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


VARIANTS = {
    "complete": variant(),
    "no agency": variant(agency=None),
    "blank agency": variant(agency="  "),
    "no year": variant(year=None),
    "year 1995": variant(year=1995),
    "year 2101 and no agency": variant(year=2100, agency=None),
    "no section 1": variant(sections={"1": None}),
    "blank section 6": variant(sections={"6": "   "}),
    "only tables": variant(sections={"1": None, "5": None, "6": None}),
    "empty": {"template": "2021", "sections": {}, "values": {}},
    "2019 empty": {"template": "2019", "agency": "某局", "year": 2019, "sections": {}, "values": {}},
    "2019 complete prose": {
        "template": "2019",
        "agency": "某局",
        "year": 2019,
        "sections": {str(n): "正文。" for n in range(1, 7)},
        "values": {},
    },
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(data_dir=tmp_path_factory.mktemp("d"), limits=WebLimits(processes=1))
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_live_check_lists_what_the_download_refuses(client: TestClient, name: str) -> None:
    data = VARIANTS[name]
    checked = client.post("/api/v1/check/data", json=data, params={"draft": "true"})
    assert checked.status_code == 200, checked.text
    required = [p["message"] for p in checked.json()["required"]]
    rendered = client.post("/api/v1/render", params={"format": "md"}, json=data)
    if required:
        assert rendered.status_code == 422, (name, required)
        assert rendered.json()["code"] == "E_DATA"
        assert rendered.json()["message"] == "数据有误：" + "；".join(required)
    else:
        assert rendered.status_code == 200, (name, rendered.text)
    # and the renderer's own guard agrees: what it refuses is what the list holds
    report = api._draft_report(json.dumps(data, ensure_ascii=False).encode(), ".json")
    assert [p.message for p in render_problems(report)] == required
    if required:
        with pytest.raises(NianbaoError):
            validate_report(report)
    else:
        validate_report(report)


def test_required_names_the_fields(client: TestClient) -> None:
    got = client.post("/api/v1/check/data", json=VARIANTS["empty"], params={"draft": "true"}).json()
    assert [(p["field"], p["message"]) for p in got["required"]] == [
        ("agency", "缺少机关名称（agency）"),
        ("year", "缺少年度（year）"),
        ("sections.1", "缺少必需的章节“一、总体情况”的内容"),
        ("sections.5", "缺少必需的章节“五、存在的主要问题及改进情况”的内容"),
        ("sections.6", "缺少必需的章节“六、其他需要报告的事项”的内容"),
    ]
    strict = client.post("/api/v1/check/data", json=VARIANTS["empty"]).json()
    assert strict["required"] == got["required"]  # the API without draft lists them too


def test_a_bad_cell_is_named_by_its_labels_and_the_rest_is_checked(client: TestClient) -> None:
    """One cell typed wrong: the draft check names it (表三“…”行“…”列, no key) and still reports
    the other findings — here the new applications' row total that no longer adds up."""
    data = variant(values={"applications.new.other": "x", "applications.new.total": 4, "applications.new.business": -1})
    got = client.post("/api/v1/check/data", json=data, params={"draft": "true"})
    assert got.status_code == 200
    body = got.json()
    bad = {p["key"]: p["message"] for p in body["required"]}
    assert bad == {
        "applications.new.other": "表三“一、本年新收政府信息公开申请数量”行“其他”列的值“x”不是数字",
        "applications.new.business": "表三“一、本年新收政府信息公开申请数量”行“商业企业”列不能为负数（填写的是-1）",
    }
    assert all("applications." not in m for m in bad.values())
    rules = {f["rule"] for f in body["findings"]}
    assert "app.row_total" in rules
    assert body["report"]["values"]["applications.new.other"] == 0  # left out, checked as blank
    # the same data is refused whole without draft, and by the download
    strict = client.post("/api/v1/check/data", json=data)
    assert strict.status_code == 422 and "（applications.new.other）的值“x”不是数字" in strict.json()["message"]
    assert client.post("/api/v1/render", json=data).status_code == 422


def test_a_year_that_is_not_one_is_named_in_a_draft(client: TestClient) -> None:
    got = client.post("/api/v1/check/data", json=variant(year="明年"), params={"draft": "true"}).json()
    assert [p["field"] for p in got["required"]] == ["year", "year"]
    assert got["required"][0]["message"] == "年度（year）应为1990—2100之间的整数，填写的是“明年”"
    assert got["required"][1]["message"] == "缺少年度（year）"


def test_api_page_is_described_in_chinese_with_examples(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert "解析、检查与生成政府信息公开工作年度报告" in doc["info"]["description"]
    assert [t["name"] for t in doc["tags"]] == ["解析与检查", "生成报告", "模板", "年报库"]
    ours = {route.path for route in api.router.routes if isinstance(route, APIRoute)}  # the workspace's are its own
    assert len(ours) == 13  # with the corpus export, other years and original file
    for path in ours:
        for method, op in doc["paths"][path].items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), (path, method, op["summary"])
            assert op.get("description") and op.get("tags"), (path, method)
    body = doc["paths"]["/api/v1/check/data"]["post"]["requestBody"]["content"]["application/json"]
    assert set(body["examples"]) == {"完整的表单", "总计不符", "草稿"}
    render = doc["paths"]["/api/v1/render"]["post"]["requestBody"]["content"]
    assert render["application/json"]["example"]["agency"] == "某某县科学技术局"
    by = next(p for p in doc["paths"]["/api/v1/corpus/stats"]["get"]["parameters"] if p["name"] == "by")
    assert by["examples"]["按年度"]["value"] == "year" and "分组" in by["description"]
    # the examples do what they say
    for name, example in body["examples"].items():
        r = client.post("/api/v1/check/data", json=example["value"], params={"draft": "true"})
        assert r.status_code == 200, name
    assert client.post("/api/v1/render?format=md", json=render["application/json"]["example"]).status_code == 200


def test_api_page_is_served_from_the_package(client: TestClient) -> None:
    page = client.get("/docs", headers={"accept": "text/html"})
    assert page.status_code == 200 and "API 文档" in page.text
    assert (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
        and "http" not in page.text.split("<main>")[1].split("openapi.json")[0]
    )
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert client.get(f"/static/vendor/swagger-ui/{name}").status_code == 200
    for name in ("chart.umd.min.js", "LICENSE.md"):
        assert client.get(f"/static/vendor/chartjs/{name}").status_code == 200
    readme = (Path(__file__).parents[1] / "src/nianbao/web/static/vendor/README.md").read_text(encoding="utf-8")
    assert "| 4.6.1 |" in readme and "| 5.35.0 |" in readme
    assert "Chart.js v4.6.1" in client.get("/static/vendor/chartjs/chart.umd.min.js").text[:200]
