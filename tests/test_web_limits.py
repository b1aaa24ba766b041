"""Web limits of issue 14: 413 from Content-Length with the JSON error, data bodies bounded in
size and nesting, the Host allow-list, the token of writing requests, the year bounded."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nianbao.cli import main
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits
from tests import hostile_files as hf
from tests.test_web_api import FORM

SMALL = WebLimits(processes=1)


def test_oversized_upload_is_413_with_the_json_error(tmp_path: Path) -> None:
    with TestClient(create_app(data_dir=tmp_path, limits=SMALL)) as c:
        r = c.post("/api/v1/parse", content=b"x" * 10, headers={"content-length": str(10**9)})
        assert r.status_code == 413 and r.json()["code"] == "E_TOO_LARGE"


def test_deep_data_bodies_are_json_errors_not_500(tmp_path: Path) -> None:
    with TestClient(create_app(data_dir=tmp_path, limits=SMALL)) as c:
        r = c.post("/api/v1/check/data", content=hf.deep_json(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["code"] == "E_TOO_LARGE" and "嵌套" in r.json()["message"]
        r = c.post("/api/v1/render?format=md", content=hf.deep_yaml(), headers={"content-type": "application/yaml"})
        assert r.status_code == 413 and r.json()["code"] == "E_TOO_LARGE"
        assert c.post("/api/v1/check/data", json=FORM).status_code == 200


def test_year_is_bounded(tmp_path: Path) -> None:
    with TestClient(create_app(data_dir=tmp_path, limits=SMALL)) as c:
        r = c.post("/api/v1/check/data", json={**FORM, "year": 99999})
        assert r.status_code in (400, 422) and r.json()["code"] in ("E_REQUEST", "E_DATA")


def test_host_allow_list(tmp_path: Path) -> None:
    app = create_app(data_dir=tmp_path, limits=SMALL, allowed_hosts=["localhost", "127.0.0.1"])
    with TestClient(app) as c:
        r = c.get("/api/v1/templates", headers={"host": "evil.example:8000"})
        assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"
        assert c.get("/api/v1/templates", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/api/v1/templates", headers={"host": "127.0.0.1"}).status_code == 200


def test_writing_requests_need_the_token(tmp_path: Path) -> None:
    with TestClient(create_app(data_dir=tmp_path, limits=SMALL, token="s3cret")) as c:
        assert c.get("/api/v1/templates").status_code == 200
        r = c.post("/api/v1/check/data", json=FORM)
        assert r.status_code == 401 and r.json()["code"] == "E_REQUEST"
        assert c.post("/api/v1/check/data", json=FORM, headers={"authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/api/v1/check/data", json=FORM, headers={"authorization": "Bearer s3cret"}).status_code == 200


def test_serve_beyond_loopback_without_a_token_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NIANBAO_WEB_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "E_USAGE" in capsys.readouterr().err
