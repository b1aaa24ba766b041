"""Errors as pages: a browser asking for a page gets a Chinese error page with the right status
(404, 400, 413, 422, 500, 503), whichever layer refused it; the API keeps ``{code, message}``.
Through an HTTP client against the real app (the end-to-end views are in test_web_phone.py)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from nianbao.errors import E_DATA, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits
from tests.conftest import SAMPLE_2019, SAMPLES

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # as Chromium navigates
JSON = {"accept": "application/json"}


def failing_routes(app: FastAPI) -> None:
    """Two page routes that fail as a page may: a file that cannot be made a report (422) and a
    bug (500). Added to the real app, they run through its real handlers and middleware."""

    async def not_a_report() -> None:
        raise NianbaoError(E_DATA, "数据有误：缺少机关名称（agency）")

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/test-only/data", not_a_report, include_in_schema=False)
    app.add_api_route("/test-only/bug", broken, include_in_schema=False)


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from nianbao.corpus.ingest import run

    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.sqlite'}"
    assert run([str(SAMPLES / "001_5cbb82ac5aa5eb0a.txt"), str(SAMPLE_2019)], url, 1).files == 2
    return url


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, corpus_url: str) -> Iterator[TestClient]:
    limits = WebLimits(reader=Limits(max_bytes=100_000), processes=1)
    app = create_app(db_url=corpus_url, data_dir=tmp_path_factory.mktemp("d"), limits=limits)
    failing_routes(app)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def page_of(r: object) -> tuple[str, str, str]:
    """The title, message and code an error page shows."""
    text = str(getattr(r, "text", ""))
    title = re.search(r'<h1 id="error-title">(.*?)</h1>', text)
    message = re.search(r'<p class="error-message">(.*?)</p>', text)
    code = re.search(r'<code id="error-code">(.*?)</code>', text)
    assert title and message and code, text[:500]
    return title.group(1), message.group(1), code.group(1)


def assert_page(r: object, status: int, title: str, code: str) -> str:
    assert getattr(r, "status_code", None) == status
    headers = getattr(r, "headers", {})
    assert headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in headers["content-security-policy"]
    got_title, message, got_code = page_of(r)
    assert (got_title, got_code) == (title, code)
    text = str(getattr(r, "text", ""))
    assert f"错误 {status}" in text and 'href="/"' in text and "返回首页" in text
    assert '<html lang="zh-CN">' in text
    return message


@pytest.mark.parametrize("headers", [HTML, {"accept": "*/*"}])
def test_unknown_page_is_a_404_page(client: TestClient, headers: dict[str, str]) -> None:
    r = client.get("/no/such/page", headers=headers)
    assert assert_page(r, 404, "找不到该页面", "E_NOT_FOUND") == "找不到该页面或资源"


def test_missing_corpus_report_is_a_404_page(client: TestClient) -> None:
    assert client.get("/corpus/reports/1", headers=HTML).status_code == 200
    r = client.get("/corpus/reports/999999", headers=HTML)
    assert assert_page(r, 404, "找不到该页面", "E_NOT_FOUND") == "年报库中没有编号为 999999 的报告"


def test_unknown_template_and_bad_query_are_pages(client: TestClient) -> None:
    r = client.get("/form?template=1999", headers=HTML)
    assert "未知的模板版本“1999”" in assert_page(r, 404, "找不到该页面", "E_NOT_FOUND")
    r = client.get("/form?template=abc", headers=HTML)
    assert assert_page(r, 400, "请求有误", "E_REQUEST") == "请求有误：参数“template”无效"
    r = client.get("/corpus/stats?by=colour", headers=HTML)
    assert assert_page(r, 400, "请求有误", "E_REQUEST") == "请求有误：参数“by”无效"


def test_too_large_request_to_a_page_is_a_413_page(client: TestClient) -> None:
    """Refused by the size limit before any route is found: the page still says why."""
    body = b"x" * (WebLimits(reader=Limits(max_bytes=100_000)).max_request_bytes + 1)
    r = client.post("/", content=body, headers={**HTML, "content-type": "application/octet-stream"})
    assert assert_page(r, 413, "请求或文件过大", "E_TOO_LARGE").startswith("请求过大（上限")


def test_data_error_on_a_page_is_a_422_page(client: TestClient) -> None:
    r = client.get("/test-only/data", headers=HTML)
    assert assert_page(r, 422, "无法处理所给的文件或数据", "E_DATA") == "数据有误：缺少机关名称（agency）"


def test_bug_on_a_page_is_a_500_page_and_json_for_the_api_client(client: TestClient) -> None:
    r = client.get("/test-only/bug", headers=HTML)
    message = assert_page(r, 500, "服务器内部错误", "E_INTERNAL")
    assert message == "服务器内部错误，请稍后重试" and "a bug" not in r.text
    r = client.get("/test-only/bug", headers=JSON)
    assert r.status_code == 500 and r.json() == {"code": "E_INTERNAL", "message": "服务器内部错误，请稍后重试"}


def test_missing_corpus_is_a_503_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    with TestClient(create_app(db_url=url, data_dir=tmp_path / "d", limits=WebLimits(processes=1))) as c:
        r = c.get("/corpus/reports/3", headers=HTML)
        assert assert_page(r, 503, "服务暂不可用", "E_CORPUS").startswith("年报库尚未建立")
        assert c.get("/corpus/stats", headers=HTML).status_code == 503


@pytest.mark.parametrize("headers", [HTML, JSON, {"accept": "*/*"}])
def test_the_api_keeps_code_and_message(client: TestClient, headers: dict[str, str]) -> None:
    r = client.get("/api/v1/corpus/reports/999999", headers=headers)
    assert r.status_code == 404
    assert r.json() == {"code": "E_NOT_FOUND", "message": "年报库中没有编号为 999999 的报告"}
    r = client.get("/api/v1/nothing", headers=headers)
    assert r.status_code == 404 and r.json()["code"] == "E_NOT_FOUND"
    r = client.post("/api/v1/check/data", content=b"{", headers={**headers, "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"
    r = client.get("/static/nothing.js", headers=headers)
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"


def test_a_page_route_asked_for_json_answers_json(client: TestClient) -> None:
    r = client.get("/corpus/reports/999999", headers=JSON)
    assert r.status_code == 404 and r.json()["code"] == "E_NOT_FOUND"


def test_error_page_escapes_what_it_is_given(client: TestClient) -> None:
    r = client.get("/corpus/reports/<script>", headers=HTML)
    assert r.status_code in (400, 404) and "<script>" not in r.text.split("<main>")[1]
