"""The reviewer's workspace through HTTP against the real app (issue 18): accounts and sessions with
CSRF, batches of the real samples parsed in the worker processes and kept in a real SQLite
database, last year's report found by the library in the batch and the corpus, decisions,
corrections checked again, statuses, re-submissions, the audit trail, the exports — and all of it
there again for a new app on the same database."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook

from nianbao.corpus.db import open_db
from nianbao.web.app import create_app
from nianbao.web.state import WebLimits
from nianbao.web.workspace import auth
from tests.conftest import SAMPLE_2019, SAMPLES
from tests.web_support import previous_year, unbalanced

with warnings.catch_warnings():  # starlette prefers httpx2 and says so once, at import
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

LIMITS = WebLimits(processes=1)
USER, PASSWORD = "王审核", "correct horse battery"
MENGJIN = "孟津区科技和工业信息化局"
NEW_NATURAL = "applications.new.natural_person"


def batch_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    """The five samples and the 2019 report of 平潭, as a browser sends a form's files."""
    paths = [*sorted(SAMPLES.glob("*.txt")), SAMPLE_2019]
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


def hidden_csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def sign_in(c: TestClient, name: str = USER, password: str = PASSWORD, next_url: str = "/batches") -> Any:
    page = c.get("/login", params={"next": next_url})
    assert page.status_code == 200
    return c.post("/login", data={"name": name, "password": password, "csrf": hidden_csrf(page.text), "next": next_url})


def csrf_of(c: TestClient) -> str:
    token: str = c.get("/api/v1/session").json()["csrf"]
    return token


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding a corpus (孟津's 2022 report, which carried 1 application forward) and
    one account."""
    from nianbao.corpus.ingest import run

    root = tmp_path_factory.mktemp("workspace")
    corpus = root / "corpus-files"
    corpus.mkdir()
    (corpus / "孟津-2022.txt").write_bytes(previous_year())
    db_url = f"sqlite:///{root / 'nianbao.sqlite'}"
    assert run([str(corpus)], db_url, 1).files == 1
    engine = open_db(db_url)
    auth.add_user(engine, USER, PASSWORD)
    engine.dispose()
    return db_url


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace-data")


@pytest.fixture(scope="module")
def client(url: str, data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_url=url, data_dir=data_dir, limits=LIMITS), follow_redirects=False) as c:
        assert sign_in(c).status_code == 303
        yield c


@pytest.fixture(scope="module")
def batch(client: TestClient) -> int:
    """A batch of the real samples, made through the page's form."""
    page = client.get("/batches")
    r = client.post("/batches", data={"name": "2023年度区县年报", "csrf": hidden_csrf(page.text)}, files=batch_files())
    assert r.status_code == 303, r.text
    found = re.fullmatch(r"/batches/(\d+)", r.headers["location"])
    assert found
    return int(found.group(1))


def rows(c: TestClient, batch_id: int, **params: str) -> list[dict[str, Any]]:
    r = c.get(f"/api/v1/batches/{batch_id}", params=params)
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["reports"]
    return found


def row_of(c: TestClient, batch_id: int, agency: str, year: int | None = None) -> dict[str, Any]:
    return next(r for r in rows(c, batch_id) if r["agency"] == agency and (year is None or r["year"] == year))


def report(c: TestClient, batch_id: int, report_id: int) -> dict[str, Any]:
    r = c.get(f"/api/v1/batches/{batch_id}/reports/{report_id}")
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


# ---- accounts, sessions, CSRF ------------------------------------------------------------------


def test_pages_and_api_need_a_signed_in_user(url: str, data_dir: Path) -> None:
    with TestClient(create_app(db_url=url, data_dir=data_dir, limits=LIMITS), follow_redirects=False) as c:
        r = c.get("/batches/1?sort=errors")
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fbatches%2F1%3Fsort%3Derrors"
        r = c.get("/api/v1/batches")
        assert r.status_code == 401 and r.json() == {"code": "E_AUTH", "message": "请先登录"}
        assert c.post("/api/v1/batches", json={"name": "x"}).json()["code"] == "E_AUTH"

        bad = sign_in(c, password="wrong password")
        assert bad.status_code == 200 and "用户名或密码不正确" in bad.text
        assert SESSION not in c.cookies
        page = c.get("/login")
        forged = c.post("/login", data={"name": USER, "password": PASSWORD, "csrf": "x" * 43, "next": "/batches"})
        assert forged.status_code == 403 and "登录表单已过期" in forged.text
        assert hidden_csrf(page.text)

        r = sign_in(c, next_url="//evil.example/")
        assert r.status_code == 303 and r.headers["location"] == "/batches"  # never off this site
        cookie = c.cookies[SESSION]
        assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=lax" in r.headers["set-cookie"]
        assert c.get("/batches").status_code == 200
        session = c.get("/api/v1/session").json()
        assert session["user"] == USER and session["signed_in"] is True

        # every POST needs the session's CSRF token: a form's field, an API call's header
        r = c.post("/batches", data={"name": "无令牌"})
        assert r.status_code == 403 and "CSRF" in r.text
        r = c.post("/api/v1/batches", json={"name": "无令牌"})
        assert r.status_code == 403 and r.json()["code"] == "E_CSRF"
        r = c.post("/api/v1/batches", json={"name": "有令牌"}, headers={"X-CSRF-Token": session["csrf"]})
        assert r.status_code == 201

        # a forged or altered cookie is no session
        c.cookies.set(SESSION, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
        assert c.get("/api/v1/batches").status_code == 401
        c.cookies.set(SESSION, cookie)
        assert c.get("/api/v1/batches").status_code == 200

        r = c.post("/logout", data={"csrf": session["csrf"]})
        assert r.status_code == 303 and r.headers["location"] == "/login"
        c.cookies.set(SESSION, cookie)  # the old cookie, kept by someone: its session has ended
        assert c.get("/api/v1/batches").status_code == 401


SESSION = auth.SESSION_COOKIE


def test_passwords_are_argon2_hashes(url: str) -> None:
    engine = open_db(url)
    try:
        from sqlalchemy import select

        from nianbao.web.workspace import db

        with engine.connect() as conn:
            stored = conn.execute(select(db.users.c.password_hash).where(db.users.c.name == USER)).scalar_one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        assert auth.authenticate(engine, USER, PASSWORD) is not None
        assert auth.authenticate(engine, USER, PASSWORD + "x") is None
        assert auth.authenticate(engine, "无此人", PASSWORD) is None
        with pytest.raises(Exception, match="已存在"):
            auth.add_user(engine, USER, "another password")
        with pytest.raises(Exception, match="至少 8 个字符"):
            auth.add_user(engine, "短密码", "short")
    finally:
        engine.dispose()


# ---- the batch ---------------------------------------------------------------------------------


def test_batch_of_the_samples_is_a_table_sorted_and_filtered(client: TestClient, batch: int) -> None:
    found = rows(client, batch)
    assert len(found) == 6
    assert {(r["agency"], r["year"]) for r in found} >= {(MENGJIN, 2023), ("平潭综合实验区", 2019)}
    assert all(r["status"] == "pending" and r["status_zh"] == "待审" for r in found)
    assert {r["format"] for r in found} == {"text", "markdown"}
    pingtan = next(r for r in found if r["agency"] == "平潭综合实验区")
    assert pingtan["gaps"] > 0 and pingtan["errors"] == 0  # what nianbao could not read: not the agency's fault

    by_gaps = rows(client, batch, sort="gaps", dir="desc")
    assert by_gaps[0]["agency"] == "平潭综合实验区"
    by_agency = [r["agency"] for r in rows(client, batch, sort="agency")]
    assert by_agency == sorted(by_agency)
    years = [r["year"] for r in rows(client, batch, sort="year", dir="desc")]
    assert years == sorted(years, reverse=True)

    # the page: the same table, with its sorting links and 「只看有错误的」
    page = client.get(f"/batches/{batch}", params={"sort": "gaps", "dir": "desc"})
    assert page.status_code == 200
    assert 'aria-sort="descending"' in page.text and "只看有错误的" in page.text
    assert page.text.index("平潭综合实验区") < page.text.index("中站区科技和工业信息化局")
    only = client.get(f"/batches/{batch}", params={"only": "errors"})
    assert only.text.count('<tr data-report="') == sum(r["errors"] > 0 for r in found)


def test_last_year_found_in_the_corpus_then_in_the_batch_then_chosen(client: TestClient, batch: int) -> None:
    mengjin = row_of(client, batch, MENGJIN, 2023)
    # the corpus holds 孟津's 2022 report, which carried 1 application forward: the 2023 report's
    # carry-over of 0 breaks the cross-year rule, found by the library
    assert mengjin["previous_label"] == f"年报库：{MENGJIN} 2022年"
    got = report(client, batch, mengjin["id"])
    assert "xyear.carry" in {f["rule"] for f in got["findings"]}
    assert got["previous"]["url"].startswith("/corpus/reports/")
    base = f"/api/v1/batches/{batch}/reports/{mengjin['id']}"
    token = csrf_of(client)

    r = client.post(base + "/previous", json={"choice": "none"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["mode"] == "none"
    assert "xyear.carry" not in {f["rule"] for f in report(client, batch, mengjin["id"])["findings"]}
    r = client.post(base + "/previous", json={"choice": "batch:999999"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 404 and r.json()["code"] == "E_NOT_FOUND"
    r = client.post(base + "/previous", json={"choice": "auto"}, headers={"X-CSRF-Token": token})
    assert r.json()["label"] == f"年报库：{MENGJIN} 2022年"
    trail = client.get(f"/api/v1/batches/{batch}/audit", params={"report": mengjin["id"]}).json()
    assert [e["summary"] for e in trail[:3]] == [
        "上年报告：自动匹配",
        "上年报告：不做跨年度核对",
        f"上传：001_5cbb82ac5aa5eb0a.txt（{MENGJIN} 2023）",
    ]
    assert all(e["user"] == USER for e in trail)


def test_dismiss_confirm_and_export_the_issue_list(client: TestClient, batch: int) -> None:
    mengjin = row_of(client, batch, MENGJIN, 2023)
    got = report(client, batch, mengjin["id"])
    carry = next(i for i, f in enumerate(got["findings"]) if f["rule"] == "xyear.carry")
    key, message = got["review"][carry]["finding"], got["findings"][carry]["message"]
    assert message.startswith("表三“自然人”列：本年“二、上年结转政府信息公开申请数量”为0")
    base = f"/batches/{batch}/reports/{mengjin['id']}"
    page = client.get(base)
    assert page.status_code == 200
    token = hidden_csrf(page.text)

    r = client.post(base + "/decision", data={"finding": key, "decision": "dismissed", "reason": "", "csrf": token})
    assert r.status_code == 400 and "请填写理由" in r.text
    errors_before = row_of(client, batch, MENGJIN, 2023)["errors"]
    r = client.post(
        base + "/decision",
        data={"finding": key, "decision": "dismissed", "reason": "上年结转已于2023年初办结", "csrf": token},
    )
    assert r.status_code == 303 and r.headers["location"] == base + "#review"
    assert row_of(client, batch, MENGJIN, 2023)["errors"] == errors_before - 1
    review = report(client, batch, mengjin["id"])["review"][carry]
    assert (review["decision"], review["reason"], review["user"]) == ("dismissed", "上年结转已于2023年初办结", USER)

    # the 问题清单 leaves the dismissed out
    r = client.get(base + "/issues.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    messages = issue_messages(r.content)
    assert message not in messages and any(m.startswith("表三“总计”列：本年“二、上年结转") for m in messages)

    # confirmed again: in the list, marked
    client.post(base + "/decision", data={"finding": key, "decision": "open", "csrf": token})
    client.post(base + "/decision", data={"finding": key, "decision": "confirmed", "csrf": token})
    messages = issue_messages(client.get(base + "/issues.xlsx").content)
    assert "【已确认】" + message in messages
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(client.get(base + "/issues.docx").content)).paragraphs)
    assert f"{MENGJIN}2023年政府信息公开工作年度报告问题清单" in text

    trail = [e["summary"] for e in client.get(f"/api/v1/batches/{batch}/audit").json()]
    assert any(s.startswith("排除问题：") and "（理由：上年结转已于2023年初办结）" in s for s in trail)
    assert any(s.startswith("确认问题：") for s in trail)
    r = client.post(base + "/decision", data={"finding": "no.such|rule", "decision": "confirmed", "csrf": token})
    assert r.status_code == 404


def issue_messages(xlsx: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    rows_ = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows_) if r and r[0] == "序号")
    return [str(r[3]) for r in rows_[header + 1 :] if r and r[3]]


def test_a_corrected_cell_is_checked_again(client: TestClient, batch: int) -> None:
    zhongzhan = row_of(client, batch, "中站区科技和工业信息化局")
    assert zhongzhan["errors"] == 0
    base = f"/api/v1/batches/{batch}/reports/{zhongzhan['id']}"
    token = csrf_of(client)
    r = client.post(
        base + "/corrections", json={"key": NEW_NATURAL, "value": 2, "reason": ""}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 400 and r.json() == {"code": "E_REQUEST", "message": "请填写理由"}
    r = client.post(
        base + "/corrections", json={"key": "no.such.cell", "value": 2, "reason": "试"}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 400 and "没有单元格" in r.json()["message"]

    r = client.post(
        base + "/corrections",
        json={"key": NEW_NATURAL, "value": 2, "reason": "原件第2页此格为2"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200 and r.json()["errors"] == 2  # the balance and the row's total break
    got = report(client, batch, zhongzhan["id"])
    assert got["report"]["values"][NEW_NATURAL] == 2
    assert got["report"]["provenance"][NEW_NATURAL]["note"].startswith("人工更正：原件第2页此格为2（王审核，")
    assert {"app.balance", "app.row_total"} <= {f["rule"] for f in got["findings"]}
    (fix,) = got["corrections"]
    assert (fix["key"], fix["before"], fix["value"], fix["user"]) == (NEW_NATURAL, 0, 2, USER)
    only = rows(client, batch, only="errors")
    assert zhongzhan["id"] in {r["id"] for r in only}

    # the page's form: the value typed as text; the checks run again; 0 puts it right
    page = f"/batches/{batch}/reports/{zhongzhan['id']}"
    r = client.post(
        page + "/correction",
        data={"key": NEW_NATURAL, "value": "0", "reason": "核对后仍为0", "csrf": hidden_csrf(client.get(page).text)},
    )
    assert r.status_code == 303
    assert row_of(client, batch, "中站区科技和工业信息化局")["errors"] == 0
    r = client.post(
        page + "/correction",
        data={"key": NEW_NATURAL, "value": "两", "reason": "x", "csrf": hidden_csrf(client.get(page).text)},
    )
    assert r.status_code == 400 and "不是数字" in r.text
    trail = client.get(f"/api/v1/batches/{batch}/audit", params={"report": zhongzhan["id"]}).json()
    assert trail[0]["action"] == "cell.correct" and trail[0]["after"]["errors"] == 0
    assert trail[1]["before"] == {"key": NEW_NATURAL, "value": 0, "errors": 0, "warnings": 0}
    assert trail[1]["after"] == {"key": NEW_NATURAL, "value": 2, "errors": 2, "warnings": 0}


def test_status_flow_and_a_resubmission_compared(client: TestClient, batch: int) -> None:
    mengjin = row_of(client, batch, MENGJIN, 2023)
    base = f"/api/v1/batches/{batch}/reports/{mengjin['id']}"
    token = csrf_of(client)
    r = client.post(base + "/status", json={"status": "fixed"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 400 and r.json()["message"] == "状态不能从“待审”改为“已整改”"
    r = client.post(
        base + "/status", json={"status": "returned", "note": "请核对表三"}, headers={"X-CSRF-Token": token}
    )
    assert r.json() == {"status": "returned", "status_zh": "已退回"}

    # the agency sends its report again, with 2 new applications: a new version of the same report
    r = client.post(
        f"/api/v1/batches/{batch}/reports",
        files={"file": ("孟津-重报.txt", unbalanced())},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    assert r.json()["report_id"] == mengjin["id"] and r.json()["resubmitted"] and r.json()["version"] == 2
    assert len(rows(client, batch)) == 6
    again = row_of(client, batch, MENGJIN, 2023)
    assert again["status"] == "fixed" and again["versions"] == 2  # 已退回 → 已整改 on re-submission
    page = client.get(f"/batches/{batch}/reports/{mengjin['id']}").text
    assert "第 2 版与第 1 版比较" in page
    assert f'data-key="{NEW_NATURAL}"' in page and "表三" in page
    assert "新出现" in page and "不等于第三项加第四项之和" in page
    r = client.post(
        f"/api/v1/batches/{batch}/reports", files={"file": ("again.txt", unbalanced())}, headers={"X-CSRF-Token": token}
    )
    assert r.json()["duplicate"] is True

    r = client.post(base + "/status", json={"status": "passed"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    summaries = [
        e["summary"] for e in client.get(f"/api/v1/batches/{batch}/audit", params={"report": mengjin["id"]}).json()
    ]
    assert summaries[0] == "状态：已整改 → 通过"
    assert "状态：已退回 → 已整改（重新报送）" in summaries
    assert "重新报送：孟津-重报.txt（第 2 版，替代第 1 版）" in summaries
    assert "状态：待审 → 已退回（请核对表三）" in summaries


def test_batch_exports(client: TestClient, batch: int) -> None:
    r = client.get(f"/batches/{batch}/summary.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))["汇总"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][-2:] == ("审核状态", "版本") and len(table) == 7
    assert {row[1] for row in table[1:]} >= {MENGJIN, "平潭综合实验区"}
    r = client.get(f"/batches/{batch}/summary.docx")
    document = docx.Document(io.BytesIO(r.content))
    assert "审核汇总" in document.paragraphs[0].text and len(document.tables[0].rows) == 7
    r = client.get(f"/batches/{batch}/issues.zip")
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert f"{MENGJIN}-2023-问题清单.xlsx" in names and "全部问题.xlsx" in names and len(names) == 13


def test_a_new_app_on_the_same_database_has_it_all(client: TestClient, batch: int, url: str, tmp_path: Path) -> None:
    """A restart: another app (another data directory too), the same database: the session still
    signs in, the batch, its review and its audit trail are there, the source view works."""
    cookie = client.cookies[SESSION]
    with TestClient(create_app(db_url=url, data_dir=tmp_path, limits=LIMITS), follow_redirects=False) as c:
        c.cookies.set(SESSION, cookie)
        assert c.get("/api/v1/session").json()["user"] == USER
        assert rows(c, batch) == rows(client, batch)
        mengjin = row_of(c, batch, MENGJIN, 2023)
        got = report(c, batch, mengjin["id"])
        assert got["status_zh"] == "通过" and len(got["versions"]) == 2
        assert any(r["decision"] == "confirmed" for r in got["review"])
        line = next(f["loc"]["line"] for f in got["findings"] if f["rule"] == "app.balance")
        source = c.get(f"/api/v1/uploads/{got['upload']}/source", params={"line": line}).json()
        assert any(s["focus"] and s["text"].startswith("一、本年新收") for s in source["lines"])
        trail = c.get(f"/api/v1/batches/{batch}/audit").json()
        assert {e["user"] for e in trail} == {USER} and len(trail) > 10


def test_unreadable_file_is_a_row_with_its_reason(client: TestClient, batch: int) -> None:
    token = csrf_of(client)
    r = client.post(
        f"/api/v1/batches/{batch}/reports", files={"file": ("空.txt", b"")}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200
    row = next(x for x in rows(client, batch) if x["file_name"] == "空.txt")
    assert row["error_code"] == "E_EMPTY" and row["agency"] is None
    page = client.get(f"/batches/{batch}/reports/{row['id']}")
    assert page.status_code == 200 and "该文件无法读取" in page.text
    assert client.get(f"/batches/{batch}/reports/{row['id']}/issues.xlsx").status_code == 404


def test_missing_batch_and_report_are_404_pages_and_errors(client: TestClient) -> None:
    r = client.get("/batches/999999")
    assert r.status_code == 404 and "没有编号为 999999 的批次" in r.text and "<html" in r.text
    r = client.get("/api/v1/batches/999999")
    assert r.status_code == 404 and r.json() == {"code": "E_NOT_FOUND", "message": "没有编号为 999999 的批次"}
    assert client.get("/api/v1/batches/1/reports/999999").json()["code"] == "E_NOT_FOUND"


# ---- without accounts, on loopback; with accounts required -----------------------------------


def test_loopback_without_accounts_acts_as_the_local_user(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'local.sqlite'}"
    with TestClient(create_app(db_url=db_url, data_dir=tmp_path / "d", limits=LIMITS), follow_redirects=False) as c:
        page = c.get("/batches")
        assert page.status_code == 200 and "本机用户" in page.text
        token = hidden_csrf(page.text)
        assert c.cookies[auth.CSRF_COOKIE] == token
        assert c.post("/batches", data={"name": "本机"}).status_code == 403  # still a CSRF token
        r = c.post("/batches", data={"name": "本机", "csrf": token})
        assert r.status_code == 303
        trail = c.get("/api/v1/batches/1/audit").json()
        assert trail[0]["user"] == auth.LOCAL_USER and trail[0]["summary"] == "建立批次“本机”"


def test_accounts_required_guard_the_api_too(url: str, tmp_path: Path) -> None:
    """Served beyond loopback: the workspace needs a sign-in; the API's writing requests need the
    token, or a signed-in session with its CSRF token or this server's Origin."""
    data = {"agency": "某局", "year": 2024, "values": {}}
    app = create_app(db_url=url, data_dir=tmp_path, limits=LIMITS, require_accounts=True, token="s3cret")
    with TestClient(app, follow_redirects=False) as c:
        assert c.post("/api/v1/check/data", json=data).status_code == 401
        assert c.post("/api/v1/check/data", json=data, headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert sign_in(c).status_code == 303
        assert c.post("/api/v1/check/data", json=data).status_code == 401  # a session alone: CSRF
        token = csrf_of(c)
        assert c.post("/api/v1/check/data", json=data, headers={"X-CSRF-Token": token}).status_code == 200
        same = {"origin": "http://testserver"}
        assert c.post("/api/v1/check/data", json=data, headers=same).status_code == 200
        other = {"origin": "http://evil.example"}
        assert c.post("/api/v1/check/data", json=data, headers=other).status_code == 401


def test_serve_beyond_loopback_without_accounts_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    from nianbao.cli import main

    empty = f"sqlite:///{tmp_path / 'none.sqlite'}"
    assert main(["serve", "--host", "0.0.0.0", "--port", "1", "--db", empty, "--token", "t"]) == 2
    err = capsys.readouterr().err
    assert "须先建立账户：nianbao user add 用户名" in err and "E_USAGE" in err
    assert not (tmp_path / "none.sqlite").exists()  # looked at, never made
    assert auth.users_in(url) == 1


def test_last_years_report_arriving_later_is_found_in_the_batch(client: TestClient) -> None:
    """A report added to a batch is checked, and so are the batch's other reports of its agency:
    the 2023 report, matched with the corpus's 2022 report, is matched with the batch's own 2022
    report once that arrives (the library picks the batch's first); the others stay as they were."""
    token = {"X-CSRF-Token": csrf_of(client)}
    batch_id = client.post("/api/v1/batches", json={"name": "后到的上年报告"}, headers=token).json()["id"]
    add = f"/api/v1/batches/{batch_id}/reports"
    this_year = client.post(
        add, files={"file": ("孟津-2023.txt", (SAMPLES / "001_5cbb82ac5aa5eb0a.txt").read_bytes())}, headers=token
    ).json()
    other = client.post(
        add, files={"file": ("西工.txt", (SAMPLES / "003_3282c18a880ba7c1.txt").read_bytes())}, headers=token
    ).json()
    assert row_of(client, batch_id, MENGJIN, 2023)["previous_label"] == f"年报库：{MENGJIN} 2022年"
    before = report(client, batch_id, other["report_id"])
    client.post(add, files={"file": ("孟津-2022-本批次.txt", previous_year())}, headers=token)
    row = row_of(client, batch_id, MENGJIN, 2023)
    assert row["id"] == this_year["report_id"]
    assert row["previous_label"] == f"本批次：{MENGJIN} 2022年（孟津-2022-本批次.txt）"
    got = report(client, batch_id, row["id"])
    assert got["previous"]["url"].startswith(f"/batches/{batch_id}/reports/")
    assert "xyear.carry" in {f["rule"] for f in got["findings"]}
    assert report(client, batch_id, other["report_id"]) == before


def test_guessing_passwords_is_stopped(url: str, tmp_path: Path) -> None:
    from nianbao.web.workspace.routes import MAX_FAILURES

    with TestClient(create_app(db_url=url, data_dir=tmp_path, limits=LIMITS), follow_redirects=False) as c:
        for _ in range(MAX_FAILURES):
            assert "用户名或密码不正确" in sign_in(c, password="guess guess").text
        r = sign_in(c)  # the right password, too late
        assert r.status_code == 429 and "登录失败次数过多，请 15 分钟后再试" in r.text
        assert SESSION not in c.cookies
