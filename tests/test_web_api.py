"""The JSON API of ``nianbao serve`` through an HTTP client against the real app: real parsing
of the samples in worker processes, the real checks, renderers and corpus database."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_bytes, parse_file
from nianbao.readers.limits import Limits
from nianbao.template import load
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits
from nianbao.web.store import TOKEN
from tests.conftest import FILES, SAMPLE_2019, SAMPLES
from tests.web_support import (
    EXAMPLE,
    SAMPLE,
    SCRIPT,
    previous_year,
    unbalanced,
    unbalanced_line,
    wrong_total_workbook,
    wrong_total_yaml,
)

with warnings.catch_warnings():  # starlette prefers httpx2 and says so once, at import
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

EXPECTED = {  # file → (agency, year) as the samples print them
    "000_de40de658abca76d.txt": ("中站区科技和工业信息化局", 2023),
    "001_5cbb82ac5aa5eb0a.txt": ("孟津区科技和工业信息化局", 2023),
    "002_4ecfdd6e8ff7f901.txt": ("卫东区工业和信息化局", 2023),
    "003_3282c18a880ba7c1.txt": ("西工区科学技术局", 2024),
    "004_7806471f1d994abd.txt": ("阿城区工业信息科技局", 2023),
}
class Form(TypedDict):
    """The render form's JSON body."""

    agency: str
    year: int
    sections: dict[int, str]
    values: dict[str, int]


FORM: Form = {
    "agency": "某某县科学技术局",
    "year": 2024,
    "sections": {
        1: "本年度主动公开工作有序开展。",
        5: "存在问题：解读不足。改进：加强解读。",
        6: "本年度未收取信息处理费。",
    },
    "values": {
        "active.normative_documents.issued": 2,
        "active.normative_documents.in_force": 7,
        "applications.new.natural_person": 3,
        "applications.new.total": 3,
        "applications.granted.natural_person": 2,
        "applications.granted.total": 2,
        "applications.unavailable_not_held.natural_person": 1,
        "applications.unavailable_not_held.total": 1,
        "applications.results_total.natural_person": 3,
        "applications.results_total.total": 3,
    },
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-data")


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A corpus database made by the real ingest of the five samples and the 2019 report."""
    from nianbao.corpus.ingest import run

    url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'corpus.sqlite'}"
    summary = run([str(SAMPLES), str(SAMPLE_2019)], url, 1)
    assert summary.files == 6
    return url


@pytest.fixture(scope="module")
def client(data_dir: Path, corpus_url: str) -> Iterator[TestClient]:
    app = create_app(db_url=corpus_url, data_dir=data_dir, limits=WebLimits(processes=1))
    with TestClient(app) as c:
        yield c


def upload(client: TestClient, url: str, data: bytes, name: str = "report.txt", **extra: bytes) -> dict[str, Any]:
    files = {"file": (name, data, "application/octet-stream")}
    files.update({k: (f"{k}.txt", v, "text/plain") for k, v in extra.items()})
    r = client.post(url, files=files)
    assert r.status_code == 200, r.text
    got: dict[str, Any] = r.json()
    return got


def error_of(data: bytes) -> NianbaoError:
    """The error the CLI prints for this file."""
    with pytest.raises(NianbaoError) as e:
        parse_bytes(data, "f")
    return e.value


# ---- parse ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parse_sample_is_the_cli_json(client: TestClient, name: str) -> None:
    path = SAMPLES / name
    r = client.post("/api/v1/parse", files={"file": (name, path.read_bytes())})
    assert r.status_code == 200
    assert TOKEN.match(r.headers["x-nianbao-upload"])
    got = r.json()
    assert (got["agency"], got["year"], got["template"]) == (*EXPECTED[name], "2021")
    assert got == parse_file(path).to_json_dict() | {"source": got["source"]}
    assert got["source"]["path"] == name and got["findings"] == []


def test_parse_values_of_a_sample(client: TestClient) -> None:
    got = upload(client, "/api/v1/parse", SAMPLE.read_bytes())
    assert got["values"]["active.normative_documents.issued"] == 1
    assert got["values"]["active.normative_documents.repealed"] == 1
    assert got["values"]["applications.new.total"] == 0
    assert got["provenance"]["active.normative_documents.issued"]["status"] == "ok"
    assert len(got["values"]) == len(load("2021").cell_keys())


def test_parse_pdf(client: TestClient) -> None:
    got = upload(client, "/api/v1/parse", (FILES / "huaian-2024.pdf").read_bytes(), "huaian.pdf")
    assert (got["agency"], got["year"], got["source"]["format"]) == ("淮安市人民政府", 2024, "pdf")
    assert got["values"]["active.regulations.in_force"] == 11
    assert got["provenance"]["active.regulations.in_force"]["loc"]["page"] == 3


def test_parse_with_check_adds_findings(client: TestClient) -> None:
    got = client.post("/api/v1/parse?check=true", files={"file": ("u.txt", unbalanced())}).json()
    rules = {f["rule"] for f in got["findings"]}
    assert {"app.balance", "app.row_total"} <= rules


BAD_FILES = [
    (b"", 422, "E_EMPTY"),
    (b"\x00\x01\x02\x03" * 200, 415, "E_BINARY"),
    (("这是一份会议通知。\n" * 20).encode(), 422, "E_NOT_REPORT"),
    (b"%PDF-1.7\nnot really a pdf", 422, "E_CORRUPT"),
]


@pytest.mark.parametrize(("data", "status", "code"), BAD_FILES)
def test_parse_bad_file_is_the_cli_error(client: TestClient, data: bytes, status: int, code: str) -> None:
    r = client.post("/api/v1/parse", files={"file": ("bad.txt", data)})
    assert r.status_code == status
    cli = error_of(data)
    assert r.json() == {"code": cli.code, "message": cli.reason}
    assert cli.code == code


def test_parse_zip_that_is_not_a_document(client: TestClient) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "hello")
    r = client.post("/api/v1/parse", files={"file": ("a.docx", buf.getvalue())})
    assert r.status_code == 415
    cli = error_of(buf.getvalue())
    assert r.json() == {"code": "E_UNSUPPORTED", "message": cli.reason}


def test_parse_without_file(client: TestClient) -> None:
    r = client.post("/api/v1/parse")
    assert r.status_code == 400
    assert r.json() == {"code": "E_REQUEST", "message": "请求有误：缺少参数“file”"}
    r = client.post("/api/v1/parse", data={"file": "not a file"})
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"


def test_wrong_method_and_unknown_path(client: TestClient) -> None:
    r = client.get("/api/v1/parse")
    assert r.status_code == 405 and r.json() == {"code": "E_METHOD", "message": "不支持该请求方法"}
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json()["code"] == "E_NOT_FOUND"


def test_file_and_request_size_limits(tmp_path: Path) -> None:
    small = WebLimits(reader=Limits(max_bytes=7000), processes=1)
    with TestClient(create_app(data_dir=tmp_path, limits=small)) as c:
        big = (SAMPLES / "004_7806471f1d994abd.txt").read_bytes()  # 7507 bytes
        r = c.post("/api/v1/parse", files={"file": ("big.txt", big)})
        assert r.status_code == 413
        assert r.json() == {"code": "E_TOO_LARGE", "message": error_of_limited(big, 7000)}
        assert c.post("/api/v1/parse", files={"file": ("ok.txt", SAMPLE.read_bytes())}).status_code == 200  # 6261
        body = b"x" * (small.max_request_bytes + 1)
        r = c.post("/api/v1/check/data", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert r.json()["code"] == "E_TOO_LARGE" and r.json()["message"].startswith("请求过大")


def error_of_limited(data: bytes, max_bytes: int) -> str:
    with pytest.raises(NianbaoError) as e:
        parse_bytes(data, "f", Limits(max_bytes=max_bytes))
    assert e.value.code == "E_TOO_LARGE"
    return e.value.reason


def test_streamed_body_over_the_limit_is_refused(tmp_path: Path) -> None:
    limits = WebLimits(reader=Limits(max_bytes=1000), processes=1)
    with TestClient(create_app(data_dir=tmp_path, limits=limits)) as c:

        def chunks() -> Iterator[bytes]:
            for _ in range(100):
                yield b"y" * 50_000

        r = c.post("/api/v1/check/data", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        message = f"请求过大（上限 {limits.max_request_bytes / 1e6:.1f} MB）"
        assert r.json() == {"code": "E_TOO_LARGE", "message": message}


def test_parse_time_limit_kills_only_that_job(tmp_path: Path) -> None:
    limits = WebLimits(parse_timeout_s=2.0, processes=1)
    with TestClient(create_app(data_dir=tmp_path, limits=limits)) as c:
        # 12 MB: about 8 s to parse, well past the limit (3 MB took 2.06 s once the parser got faster)
        long = (SAMPLES / "004_7806471f1d994abd.txt").read_bytes() * 1600
        r = c.post("/api/v1/parse", files={"file": ("long.txt", long)})
        assert r.status_code == 422
        assert r.json() == {"code": "E_TIMEOUT", "message": "处理超时（超过 2 秒），已中止"}
        got = upload(c, "/api/v1/parse", SAMPLE.read_bytes())  # a new worker took the killed one's place
        assert got["agency"] == "孟津区科技和工业信息化局"


# ---- check ------------------------------------------------------------------------------------


def test_check_a_clean_sample(client: TestClient) -> None:
    got = upload(client, "/api/v1/check", SAMPLE.read_bytes(), "孟津.txt")
    assert got["findings"] == [] and got["report"]["findings"] == []
    assert got["summary"] == {
        "agency": "孟津区科技和工业信息化局",
        "year": 2023,
        "template": "2021",
        "format": "markdown",
        "errors": 0,
        "warnings": 0,
        "infos": 0,
        "cells": {"ok": 200},
    }
    assert got["name"] == "孟津.txt" and got["previous"] is None


def test_check_finds_the_broken_balance(client: TestClient) -> None:
    got = upload(client, "/api/v1/check", unbalanced(), "u.txt")
    balance = next(f for f in got["findings"] if f["rule"] == "app.balance")
    assert balance["severity"] == "error"
    assert balance["message"] == "表三“自然人”列：第一项加第二项之和（2）不等于第三项加第四项之和（0）"
    assert "applications.new.natural_person" in balance["keys"]
    assert balance["loc"] == {"line": unbalanced_line()}
    assert got["summary"]["errors"] == 2 and got["report"]["values"]["applications.new.natural_person"] == 2
    assert got["report"]["sections"][0]["text"].startswith(SCRIPT)


def test_check_against_last_year(client: TestClient) -> None:
    got = upload(client, "/api/v1/check", SAMPLE.read_bytes(), previous=previous_year())
    carry = [f for f in got["findings"] if f["rule"] == "xyear.carry"]
    assert {k for f in carry for k in f["keys"]} == {
        "applications.carried_over.natural_person",
        "applications.carried_over.total",
    }
    assert all(f["severity"] == "error" for f in carry)
    assert got["previous"]["year"] == 2022 and got["previous"]["agency"] == "孟津区科技和工业信息化局"


def test_check_bad_inputs(client: TestClient) -> None:
    r = client.post("/api/v1/check", files={"file": ("a.txt", SAMPLE.read_bytes()), "previous": ("b.txt", b"")})
    assert r.status_code == 422 and r.json() == {"code": "E_EMPTY", "message": "文件为空"}
    r = client.post("/api/v1/check", files={"previous": ("b.txt", SAMPLE.read_bytes())})
    assert r.status_code == 400 and r.json()["message"] == "请求有误：缺少参数“file”"
    r = client.post("/api/v1/check", files={"file": ("a.bin", b"\x00\x01\x02\x03" * 300)})
    assert r.status_code == 415 and r.json()["code"] == "E_BINARY"


def test_check_data(client: TestClient) -> None:
    r = client.post("/api/v1/check/data", json=FORM)
    assert r.status_code == 200
    got = r.json()
    assert got["upload"] is None and got["summary"]["errors"] == 0
    assert got["report"]["values"]["applications.granted.total"] == 2
    assert got["report"]["values"]["appeals.reconsideration.total"] == 0
    broken = {**FORM, "values": {**FORM["values"], "applications.new.total": 4}}
    got = client.post("/api/v1/check/data", json=broken).json()
    row = next(f for f in got["findings"] if f["rule"] == "app.row_total")
    assert row["message"] == (
        "表三“一、本年新收政府信息公开申请数量”行：总计（4）不等于自然人与法人或其他组织各列之和（3）"
    )
    assert got["summary"]["errors"] == 2  # and the balance of the 总计 column


def test_check_data_accepts_the_contract(client: TestClient) -> None:
    contract = parse_bytes(unbalanced(), "u.txt").to_json_dict()
    got = client.post("/api/v1/check/data", json=contract).json()
    assert {"app.balance", "app.row_total"} <= {f["rule"] for f in got["findings"]}


@pytest.mark.parametrize(
    ("body", "status", "code", "part"),
    [
        ({**FORM, "values": {"applications.new.total": "三"}}, 422, "E_DATA", "（applications.new.total）的值“三”"),
        ({**FORM, "values": {"applications.nope.total": 1}}, 422, "E_DATA", "未知的单元格“applications.nope.total”"),
        ({**FORM, "values": {"applications.new.total": -1}}, 422, "E_DATA", "不能为负数"),
        ({**FORM, "year": "明年"}, 422, "E_DATA", "年度（year）应为整数"),
        ({**FORM, "colour": "red"}, 422, "E_DATA", "未知的字段“colour”"),
    ],
)
def test_check_data_bad(client: TestClient, body: dict[str, object], status: int, code: str, part: str) -> None:
    r = client.post("/api/v1/check/data", json=body)
    assert r.status_code == status and r.json()["code"] == code
    assert part in r.json()["message"]


def test_check_data_malformed_request(client: TestClient) -> None:
    r = client.post("/api/v1/check/data", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"
    r = client.post("/api/v1/check/data", json=[1, 2])
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"


# ---- check: the data files of `nianbao render` -----------------------------------------------


def test_check_yaml_data_file_puts_the_wrong_total_at_its_line(client: TestClient) -> None:
    data, line = wrong_total_yaml()
    got = upload(client, "/api/v1/check", data, "草稿.yaml")
    assert got["summary"]["format"] == "yaml" and got["summary"]["agency"] == "示例县科学技术局"
    wrong = next(f for f in got["findings"] if f["rule"] == "app.results_sum")
    assert wrong["message"] == "表三“自然人”列：（七）总计（9）不等于办理结果各项之和（5）"
    assert wrong["where"] == f"第{line}行 表三“（七）总计”行 “自然人”列"
    assert wrong["loc"] == {"file": "草稿.yaml", "line": line}
    assert got["report"]["findings"] == got["findings"]
    # the line of the data file is the source shown for the finding
    part = client.get(f"/api/v1/uploads/{got['upload']}/source", params={"line": line, "context": 1}).json()
    focus = [s for s in part["lines"] if s["focus"]]
    assert [s["line"] for s in part["lines"]] == [line - 1, line, line + 1] and part["format"] == "yaml"
    assert focus[0]["text"] == "    results_total: {natural_person: 9, business: 2, total: 7}"


def test_check_workbook_puts_the_wrong_total_at_its_cell(client: TestClient) -> None:
    data, cell = wrong_total_workbook()
    got = upload(client, "/api/v1/check", data, "填报.xlsx")
    assert got["summary"]["format"] == "xlsx" and got["summary"]["errors"] == 4
    wrong = next(f for f in got["findings"] if f["rule"] == "app.results_sum")
    assert wrong["where"] == f"表三!{cell} “（七）总计”行 “自然人”列"
    assert wrong["loc"] == {"file": "填报.xlsx", "sheet": "表三", "cell": cell}
    row_total = next(f for f in got["findings"] if f["rule"] == "app.row_total")
    assert row_total["where"] == f"表三!J{cell[1:]} “（七）总计”行 “总计”列"
    # the source of a cell is its row on its sheet, each cell by its address
    params = {"sheet": "表三", "cell": cell, "context": 1}
    part = client.get(f"/api/v1/uploads/{got['upload']}/source", params=params).json()
    focus = [s for s in part["lines"] if s["focus"]]
    assert len(focus) == 1 and focus[0]["sheet"] == "表三" and focus[0]["line"] == int(cell[1:])
    assert focus[0]["text"].startswith(f"B{cell[1:]} （七）总计 │ {cell} 99 │ E{cell[1:]} =SUM(")


def test_check_json_data_file_and_last_years_data(client: TestClient) -> None:
    """The person format in JSON has no lines: a finding names the table's row and column; last
    year's report may be a data file too."""
    raw = yaml.safe_load(wrong_total_yaml()[0])
    got = upload(client, "/api/v1/check", json.dumps(raw, ensure_ascii=False).encode(), "草稿.json")
    wrong = next(f for f in got["findings"] if f["rule"] == "app.results_sum")
    assert wrong["where"] == "表三“（七）总计”行 “自然人”列" and got["summary"]["format"] == "json"
    last = {**yaml.safe_load(EXAMPLE.read_bytes()), "year": 2023}
    last["values"]["applications"]["carried_forward"] = {"natural_person": 2, "total": 2}
    files = {
        "file": ("2024.yaml", EXAMPLE.read_bytes()),
        "previous": ("2023.yaml", yaml.safe_dump(last, allow_unicode=True).encode()),
    }
    got = client.post("/api/v1/check", files=files).json()
    carry = next(f for f in got["findings"] if f["rule"] == "xyear.carry")
    assert carry["keys"][0] == "applications.carried_over.natural_person"
    assert got["previous"]["year"] == 2023 and got["previous"]["format"] == "yaml"


@pytest.mark.parametrize(
    ("name", "data", "status", "code", "message"),
    [
        ("坏.yaml", b"agency: [\n", 422, "E_DATA",
         "YAML 格式错误第2行：expected the node content, but found '<stream end>'"),
        ("坏.yaml", "values: {applications.new.total: 三}".encode(), 422, "E_DATA",
         "数据有误：表三“一、本年新收政府信息公开申请数量”行“总计”列（applications.new.total）的值“三”不是数字"),
        ("坏.json", b"{", 422, "E_DATA",
         "JSON 格式错误：Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("坏.yaml", b"- a\n- b\n", 422, "E_DATA", "文件中有多份报告，请只给一份"),
        ("深.json", b"[" * 300 + b"]" * 300, 413, "E_TOO_LARGE", "数据嵌套过深（301 层，上限 200 层）"),
    ],
    ids=["yaml-syntax", "not-a-number", "json-syntax", "two-reports", "too-deep"],
)  # fmt: skip
def test_check_bad_data_file_is_e_data(
    client: TestClient, name: str, data: bytes, status: int, code: str, message: str
) -> None:
    r = client.post("/api/v1/check", files={"file": (name, data)})
    assert (r.status_code, r.json()) == (status, {"code": code, "message": message})


def test_check_workbook_with_a_moved_label_is_e_data(client: TestClient) -> None:
    import io

    from openpyxl import load_workbook

    data, cell = wrong_total_workbook()
    book = load_workbook(io.BytesIO(data))
    book["表三"][f"B{cell[1:]}"] = "合计"
    out = io.BytesIO()
    book.save(out)
    r = client.post("/api/v1/check", files={"file": ("填报.xlsx", out.getvalue())})
    assert r.status_code == 422 and r.json() == {
        "code": "E_DATA",
        "message": f"数据有误：工作表“表三”单元格B{cell[1:]}应为“（七）总计”，实为“合计”（请勿改动表格结构）",
    }


# ---- render -----------------------------------------------------------------------------------


def test_render_docx_parses_back(client: TestClient) -> None:
    r = client.post("/api/v1/render?format=docx", json=FORM)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''%E6%9F%90" in r.headers["content-disposition"]  # 某某县…
    back = parse_bytes(r.content, "back.docx")
    assert (back.agency, back.year, back.source.format) == ("某某县科学技术局", 2024, "docx")
    for key, value in FORM["values"].items():
        assert back.values[key] == value, key
    assert back.values["applications.denied_state_secret.total"] == 0


def test_render_pdf_and_markdown_from_yaml(client: TestClient) -> None:
    body = yaml.safe_dump(FORM, allow_unicode=True).encode("utf-8")
    r = client.post("/api/v1/render?format=md", content=body, headers={"content-type": "application/yaml"})
    assert r.status_code == 200 and r.headers["content-type"] == "text/markdown; charset=utf-8"
    assert parse_bytes(r.content, "back.md").values["applications.granted.total"] == 2
    r = client.post("/api/v1/render?format=pdf", json=FORM)
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert parse_bytes(r.content, "back.pdf").values["applications.new.total"] == 3


def test_render_bad_inputs(client: TestClient) -> None:
    r = client.post("/api/v1/render?format=odt", json=FORM)
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"
    r = client.post("/api/v1/render", content=b"agency: x", headers={"content-type": "text/plain"})
    assert r.status_code == 415
    assert r.json() == {"code": "E_UNSUPPORTED", "message": "不支持的数据类型“text/plain”（可用：JSON、YAML、TOML）"}
    r = client.post("/api/v1/render", json={"year": 2024, "sections": {1: "a", 5: "b", 6: "c"}})
    assert r.status_code == 422 and r.json()["code"] == "E_DATA" and "缺少机关名称（agency）" in r.json()["message"]
    r = client.post("/api/v1/render", content=b"agency: [unclosed", headers={"content-type": "application/yaml"})
    assert r.status_code == 422 and r.json()["message"].startswith("YAML 格式错误")
    r = client.post("/api/v1/render", content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["message"].startswith("JSON 格式错误")


# ---- source excerpts --------------------------------------------------------------------------


def test_source_around_a_finding(client: TestClient, data_dir: Path) -> None:
    got = upload(client, "/api/v1/check", unbalanced(), "../../etc/passwd")
    assert got["name"] == "passwd"
    line = unbalanced_line()
    r = client.get(f"/api/v1/uploads/{got['upload']}/source", params={"line": line, "context": 2})
    assert r.status_code == 200
    part = r.json()
    assert [s["line"] for s in part["lines"]] == [line - 2, line - 1, line, line + 1, line + 2]
    focus = [s for s in part["lines"] if s["focus"]]
    assert len(focus) == 1 and focus[0]["text"].startswith("一、本年新收政府信息公开申请数量\t\t2\t0")
    assert part["name"] == "passwd" and part["format"] == "markdown"
    stored = sorted(p.name for p in (data_dir / "uploads").iterdir())
    assert all(TOKEN.match(n.split(".")[0]) for n in stored)
    assert not any("passwd" in p.name for p in data_dir.rglob("*"))


def test_source_of_a_pdf_page(client: TestClient) -> None:
    r = client.post("/api/v1/parse", files={"file": ("h.pdf", (FILES / "huaian-2024.pdf").read_bytes())})
    token = r.headers["x-nianbao-upload"]
    loc = r.json()["provenance"]["active.regulations.in_force"]["loc"]
    part = client.get(f"/api/v1/uploads/{token}/source", params={k: loc[k] for k in ("page", "table", "row")}).json()
    focus = [s for s in part["lines"] if s["focus"]]
    assert len(focus) == 1 and focus[0]["page"] == 3
    assert focus[0]["text"].split(" | ")[:4] == ["规章", "1", "0", "11"]


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAAAAAAAA", "short", "..%2F..%2Fetc", "a" * 22 + ".json"])
def test_source_of_an_unknown_upload(client: TestClient, token: str) -> None:
    r = client.get(f"/api/v1/uploads/{token}/source", params={"line": 1})
    assert r.status_code == 404
    assert r.json()["code"] == "E_NOT_FOUND"


def test_source_bad_location(client: TestClient) -> None:
    token = client.post("/api/v1/parse", files={"file": ("a.txt", SAMPLE.read_bytes())}).headers["x-nianbao-upload"]
    r = client.get(f"/api/v1/uploads/{token}/source", params={"line": 0})
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"
    r = client.get(f"/api/v1/uploads/{token}/source", params={"line": 99999})
    assert r.status_code == 200 and r.json()["lines"] == []


@pytest.mark.parametrize(("keep", "keep_bytes"), [(2, 10**9), (10, 12_000)])
def test_old_uploads_are_dropped(tmp_path: Path, keep: int, keep_bytes: int) -> None:
    """By count, or by size: the three samples are 5259, 6261 and 4697 bytes."""
    limits = WebLimits(processes=1, keep_uploads=keep, keep_upload_bytes=keep_bytes)
    with TestClient(create_app(data_dir=tmp_path, limits=limits)) as c:
        tokens = [
            c.post("/api/v1/parse", files={"file": (p.name, p.read_bytes())}).headers["x-nianbao-upload"]
            for p in sorted(SAMPLES.glob("*.txt"))[:3]
        ]
        assert c.get(f"/api/v1/uploads/{tokens[0]}/source", params={"line": 3}).status_code == 404
        assert c.get(f"/api/v1/uploads/{tokens[2]}/source", params={"line": 3}).status_code == 200
    assert sorted(p.stem for p in (tmp_path / "uploads").glob("*.bin")) == sorted(tokens[1:])


# ---- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_layout_labels_come_from_the_template(client: TestClient, version: str) -> None:
    got = client.get(f"/api/v1/templates/{version}/layout").json()
    template = load(version)
    cells = [c for s in got["sections"] for t in s["tables"] for row in t["rows"] for c in row]
    assert sorted(c["key"] for c in cells if c["kind"] == "value") == sorted(template.cell_keys())
    labels = {c["text"] for c in cells if c["kind"] == "label"}
    assert {r.label for t in template.tables if t.layout == "rows" for r in t.all_rows()} <= labels
    assert got["cells"]["applications.new.total"] == template.describe("applications.new.total")
    assert client.get("/api/v1/templates").json() == ["2021", "2019"]


def test_layout_of_unknown_version(client: TestClient) -> None:
    r = client.get("/api/v1/templates/1999/layout")
    assert r.status_code == 404
    assert r.json() == {"code": "E_NOT_FOUND", "message": "未知的模板版本“1999”（可用：2021、2019）"}


# ---- corpus -----------------------------------------------------------------------------------


def test_corpus_search(client: TestClient) -> None:
    got = client.get("/api/v1/corpus/search").json()
    assert got["total"] == 6 and got["years"] == [2024, 2023, 2019]
    assert {(h["agency"], h["year"]) for h in got["items"]} == {*EXPECTED.values(), ("平潭综合实验区", 2019)}
    got = client.get("/api/v1/corpus/search", params={"agency": "科技", "year": 2023}).json()
    assert {(h["agency"], h["year"]) for h in got["items"]} == {
        ("中站区科技和工业信息化局", 2023),
        ("孟津区科技和工业信息化局", 2023),
        ("阿城区工业信息科技局", 2023),
    }
    pingtan = client.get("/api/v1/corpus/search", params={"agency": "平潭"}).json()["items"]
    assert [(h["template"], h["errors"], h["warnings"]) for h in pingtan] == [("2019", 0, 7)]
    assert client.get("/api/v1/corpus/search", params={"agency": "%"}).json()["total"] == 0
    page = client.get("/api/v1/corpus/search", params={"limit": 2, "offset": 4}).json()
    assert page["total"] == 6 and len(page["items"]) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"year": "x"},
        {"year": 1800},
        {"limit": 0},
        {"limit": 1000},
        {"offset": -1},
        {"offset": 2**63},
        {"agency": "长" * 101},
    ],
)
def test_corpus_search_bad_query(client: TestClient, params: dict[str, int | str]) -> None:
    r = client.get("/api/v1/corpus/search", params=params)
    assert r.status_code == 400 and r.json()["code"] == "E_REQUEST"


def test_corpus_report(client: TestClient) -> None:
    hit = client.get("/api/v1/corpus/search", params={"agency": "孟津"}).json()["items"][0]
    got = client.get(f"/api/v1/corpus/reports/{hit['id']}").json()
    parsed = parse_file(SAMPLE)
    assert got["report"]["values"] == parsed.values
    assert got["summary"]["agency"] == "孟津区科技和工业信息化局" and got["findings"] == []
    r = client.get("/api/v1/corpus/reports/999999")
    assert r.status_code == 404 and r.json() == {"code": "E_NOT_FOUND", "message": "年报库中没有编号为 999999 的报告"}
    assert client.get("/api/v1/corpus/reports/0").status_code == 400
    assert client.get(f"/api/v1/corpus/reports/{2**63}").status_code == 400


def test_corpus_stats(client: TestClient) -> None:
    pingtan = parse_file(SAMPLE_2019)
    got = client.get("/api/v1/corpus/stats", params={"by": "year"}).json()
    assert [g["name"] for g in got["groups"]] == ["2019", "2023", "2024"]
    g2019 = got["groups"][0]
    assert g2019["reports"] == 1
    assert g2019["received"] == pingtan.values["applications.new.total"]
    assert g2019["results_total"] == pingtan.values["applications.results_total.total"]
    assert [g["reports"] for g in got["groups"]] == [1, 4, 1]
    # coverage stated: each sum names the agency-years it leaves out (their cell not read); small groups marked
    assert g2019["left_out"] == {"received": 0, "carried_over": 0, "results_total": 0, "carried_forward": 0}
    assert all(0 <= n <= g["reports"] for g in got["groups"] for n in g["left_out"].values())
    assert [g["small"] for g in got["groups"]] == [True, True, True]
    assert {(r["rule"], r["reports"]) for r in got["rules"]} == {("struct.unreadable", 1), ("struct.agency", 1)}
    everything = client.get("/api/v1/corpus/stats").json()
    assert [(g["name"], g["reports"]) for g in everything["groups"]] == [("全部", 6)]
    assert client.get("/api/v1/corpus/stats", params={"by": "colour"}).status_code == 400


def test_corpus_missing_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    with TestClient(create_app(db_url=url, data_dir=tmp_path / "d", limits=WebLimits(processes=1))) as c:
        for path in ("/api/v1/corpus/search", "/api/v1/corpus/stats", "/api/v1/corpus/reports/1"):
            r = c.get(path)
            assert r.status_code == 503
            assert r.json() == {"code": "E_CORPUS", "message": "年报库尚未建立（请先运行 nianbao corpus ingest）"}
        assert c.get("/corpus").status_code == 503
    assert not (tmp_path / "none.sqlite").exists()


# ---- pages ------------------------------------------------------------------------------------


def test_pages(client: TestClient) -> None:
    for path in ("/", "/form", "/corpus", "/corpus/stats", "/corpus/reports/1"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "孟津区科技和工业信息化局" in client.get("/corpus", params={"agency": "孟津"}).text
    assert "struct.unreadable" in client.get("/corpus/stats").text
    for name in ("upload.js", "report.js", "tables.js", "form.js", "api.js", "stats.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200


def test_pages_escape_what_they_are_given(client: TestClient) -> None:
    r = client.get("/corpus", params={"agency": SCRIPT[:40]})
    assert r.status_code == 200
    assert "<script>document" not in r.text and "&lt;script&gt;document" in r.text


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    paths = set(doc["paths"])
    assert {
        "/api/v1/parse",
        "/api/v1/check",
        "/api/v1/check/data",
        "/api/v1/render",
        "/api/v1/corpus/search",
        "/api/v1/corpus/stats",
        "/api/v1/corpus/reports/{report_id}",
        "/api/v1/uploads/{upload}/source",
    } <= paths
    assert not any(p.startswith("/corpus") or p == "/" for p in paths)
    assert set(doc["paths"]["/api/v1/parse"]["post"]["responses"]) >= {"200", "400", "413", "415", "422"}
    assert json.dumps(doc, ensure_ascii=False).count("ErrorBody") > 5


# ---- the OpenAPI document, fuzzed ------------------------------------------------------------


@pytest.fixture(scope="module")
def api_schema(client: TestClient) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", client.app)


fuzz = schemathesis.pytest.from_fixture("api_schema")


@fuzz.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_openapi_fuzz_no_server_error(case: schemathesis.Case[Any]) -> None:
    """Every operation, with data made from its schema (valid and not): never a 5xx, always a
    documented status and content type, and a body that fits the document."""
    case.call_and_validate(
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    )
