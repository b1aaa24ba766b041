"""The reviewer's workspace end to end (issue 18): ``nianbao serve`` started as a process on a free
local port with a real SQLite database holding an account made by ``nianbao user add``, driven by
Playwright through Debian's headless Chromium at desktop and phone sizes.

A reviewer signs in, uploads the real samples as a batch, sorts and filters the dashboard,
dismisses a finding with a reason, confirms another, corrects a cell and sees the checks run again,
sends the report back; the server is stopped and a new process started on the same database, and
everything is still there with its audit trail naming the reviewer; the 问题清单 is downloaded and
read back. No page is wider than a 390 px phone; no console errors. Screenshots go to artifacts/web/."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.conftest import ROOT, SAMPLE_2019, SAMPLES
from tests.test_web_e2e import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.web_server import ServeProcess
from tests.web_support import previous_year

ARTIFACTS = ROOT / "artifacts" / "web"
USER, PASSWORD = "王审核", "correct horse battery"
MENGJIN = "孟津区科技和工业信息化局"
NEW_NATURAL = "applications.new.natural_person"
FILES = [*sorted(SAMPLES.glob("*.txt")), SAMPLE_2019]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """A database with the corpus of 孟津's 2022 report and one account, and a server on it."""
    from nianbao.corpus.ingest import run

    work = tmp_path_factory.mktemp("workspace-serve")
    corpus = work / "corpus"
    corpus.mkdir()
    (corpus / "孟津-2022.txt").write_bytes(previous_year())
    db = f"sqlite:///{work / 'nianbao.sqlite'}"
    assert run([str(corpus)], db, 1).files == 1
    made = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "user", "add", USER, "--db", db, "--password-stdin"],
        input=f"{PASSWORD}\n".encode(),
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr.decode()
    srv = ServeProcess(work, db, work / "data", ready="/login")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page whose JavaScript errors and console errors are collected."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: self.errors.append(f"dialog: {d.message}"))


def shot(page: Page, name: str, full: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path


def sign_in(page: Page, base: str, target: str = "/batches") -> None:
    page.goto(base + target)
    expect(page).to_have_url(f"{base}/login?next={target.replace('/', '%2F')}")
    expect(page.locator("h1")).to_have_text("登录批次审核")
    page.fill("input[name=name]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + target)


def report_row(page: Page, agency: str) -> str:
    href = page.locator("#batch-table tbody tr", has_text=agency).first.get_attribute("data-href")
    assert href
    return href


def finding(page: Page, text: str) -> Locator:
    return page.locator("#report-view li.finding", has_text=text).first


def test_review_a_batch_through_a_restart(server: ServeProcess, browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watched = Watched(page)
    base = server.base

    # sign in; a wrong password first
    page.goto(base + "/batches")
    page.fill("input[name=name]", USER)
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("用户名或密码不正确")
    shot(page, "workspace-login")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/batches")
    expect(page.locator("#ws-user-name")).to_have_text(USER)

    # a batch of the real samples
    page.fill("#new-batch input[name=name]", "2023年度区县年报")
    page.set_input_files("#new-batch input[name=files]", [str(p) for p in FILES])
    page.click("#new-batch button[type=submit]")
    expect(page).to_have_url(f"{base}/batches/1")
    expect(page.locator("#batch-name")).to_have_text("2023年度区县年报")
    rows = page.locator("#batch-table tbody tr")
    expect(rows).to_have_count(6)
    mengjin_url = report_row(page, MENGJIN)
    expect(page.locator("#batch-table tbody tr", has_text=MENGJIN).locator("td[data-column=previous]")).to_have_text(
        f"年报库：{MENGJIN} 2022年"
    )
    shot(page, "workspace-batch")

    # sorted by reading gaps, most first; then fewest first
    page.click("#batch-table th[data-column=gaps] a")
    expect(page.locator("#batch-table th[data-column=gaps]")).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("td[data-column=agency]")).to_contain_text("平潭综合实验区")
    page.click("#batch-table th[data-column=gaps] a")
    expect(page.locator("#batch-table th[data-column=gaps]")).to_have_attribute("aria-sort", "ascending")
    expect(rows.last.locator("td[data-column=agency]")).to_contain_text("平潭综合实验区")
    # 只看有错误的: 孟津 alone (its carry-over disagrees with last year's report in the corpus)
    page.check("#only-errors")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(MENGJIN)
    expect(page.locator("#only-errors")).to_be_checked()
    shot(page, "workspace-batch-errors")

    # the report: dismiss a finding with a reason, confirm another
    rows.first.locator("td[data-column=errors]").click()  # a click anywhere on the row opens it
    expect(page).to_have_url(base + mengjin_url)
    expect(page.locator("#report-title")).to_have_text(f"{MENGJIN} 2023年")
    expect(page.locator("#count-errors")).to_have_text("2")
    carry = finding(page, "表三“自然人”列：本年“二、上年结转政府信息公开申请数量”为0")
    carry.locator("details.dismiss summary").click()
    carry.locator("input[name=reason]").fill("上年结转的1件已于2023年1月办结，属报告口径差异")
    carry.locator("form.decide-dismissed button").click()
    expect(page.locator("#count-errors")).to_have_text("1")
    carry = finding(page, "表三“自然人”列：本年“二、上年结转政府信息公开申请数量”为0")
    expect(carry).to_have_class("finding sev-error review-dismissed")
    expect(carry.locator(".decided")).to_contain_text(f"已排除（{USER}，")
    expect(carry.locator(".decided")).to_contain_text("理由：上年结转的1件已于2023年1月办结")
    total = finding(page, "表三“总计”列：本年“二、上年结转")
    total.locator("form.decide-confirmed button").click()
    expect(finding(page, "表三“总计”列：本年“二、上年结转")).to_have_class("finding sev-error review-confirmed")

    # correct a cell: chosen by a click on it in the table, the checks run again
    page.click(f'#report-view td[data-key="{NEW_NATURAL}"]')
    expect(page.locator("#correction-key")).to_have_value(NEW_NATURAL)
    page.fill("#correction-value", "2")
    page.fill("#correction-reason", "原件第2页表三此格为2")
    page.click("#correction-form button[type=submit]")
    expect(page.locator("#count-errors")).to_have_text("3")
    cell = page.locator(f'#report-view td[data-key="{NEW_NATURAL}"]')
    expect(cell).to_have_class("value st-ok flag flag-error corrected")
    expect(cell.locator(".val")).to_have_text("2")
    expect(finding(page, "第一项加第二项之和（2）不等于第三项加第四项之和（0）")).to_be_visible()
    expect(page.locator("#correction-list tbody tr")).to_contain_text(["原件第2页表三此格为2"])
    expect(page.locator("#correction-list tbody tr td").nth(4)).to_have_text(USER)

    # send it back
    page.fill("#status-form input[name=note]", "请核对表三并重新报送")
    page.click("#status-form button[value=returned]")
    expect(page.locator("#report-status")).to_have_text("已退回")
    expect(page.locator("#report-view .summary .fact.bad .v")).to_have_text("3")  # the dismissed not counted
    shot(page, "workspace-report")
    page.locator("section.table-block", has=page.locator("table.official-applications")).scroll_into_view_if_needed()
    shot(page, "workspace-report-review")

    # the dashboard, filtered; a report opened; the Back button brings the filtered dashboard back
    page.goto(f"{base}/batches/1?only=errors")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td[data-column=status]")).to_have_text("已退回")
    expect(rows.first.locator("td[data-column=errors]")).to_have_text("3")
    rows.first.locator("a").click()
    expect(page).to_have_url(base + mengjin_url)
    page.go_back()
    expect(page).to_have_url(f"{base}/batches/1?only=errors")
    expect(page.locator("#only-errors")).to_be_checked()
    expect(rows).to_have_count(1)

    # a new server process on the same database
    server.stop()
    server.start()
    page.goto(base + mengjin_url)  # the session cookie still signs in: sessions are in the database
    expect(page.locator("#ws-user-name")).to_have_text(USER)
    expect(page.locator("#report-status")).to_have_text("已退回")
    expect(page.locator("#count-errors")).to_have_text("3")
    expect(finding(page, "表三“自然人”列：本年“二、上年结转")).to_have_class("finding sev-error review-dismissed")
    expect(page.locator(f'#report-view td[data-key="{NEW_NATURAL}"]')).to_have_class(
        "value st-ok flag flag-error corrected"
    )
    audit = page.locator("#report-audit li")
    expect(audit.first).to_contain_text(f"{USER} 状态：待审 → 已退回（请核对表三并重新报送）")
    summaries = audit.all_inner_texts()
    assert any(USER in s and "更正单元格 表三" in s and "0 → 2（理由：原件第2页表三此格为2）" in s for s in summaries)
    dismissed = "上年结转的1件已于2023年1月办结"
    assert any(USER in s and "排除问题：表三“自然人”列" in s and dismissed in s for s in summaries)
    assert any(USER in s and "确认问题：表三“总计”列" in s for s in summaries)
    assert any(USER in s and "上传：001_5cbb82ac5aa5eb0a.txt" in s for s in summaries)
    # the source of a finding, still there
    balance = finding(page, "第一项加第二项之和（2）不等于第三项加第四项之和（0）")
    balance.locator("button.finding-head").click()
    expect(balance.locator(".source li.focus")).to_contain_text("一、本年新收政府信息公开申请数量")
    page.locator("#report-audit").scroll_into_view_if_needed()
    shot(page, "workspace-after-restart")

    # the 问题清单, downloaded and read back: the dismissed left out, the confirmed marked
    with page.expect_download() as info:
        page.click("#export-issues-xlsx")
    download = info.value
    assert download.suggested_filename == f"{MENGJIN}-2023-问题清单.xlsx"
    saved = tmp_path / "list.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved).active
    assert sheet is not None
    table = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    assert (table[0][0], table[0][1]) == ("机关", MENGJIN)
    header = next(i for i, row in enumerate(table) if row[0] == "序号")
    messages = [str(row[3]) for row in table[header + 1 :]]
    assert not any(m.startswith("表三“自然人”列：本年“二、上年结转") for m in messages)
    assert any(m.startswith("【已确认】表三“总计”列：本年“二、上年结转") for m in messages)
    assert any("第一项加第二项之和（2）不等于第三项加第四项之和（0）" in m for m in messages)

    # the batch summary too
    page.goto(f"{base}/batches/1")
    with page.expect_download() as info:
        page.click("#export-summary-xlsx")
    summary = tmp_path / "summary.xlsx"
    info.value.save_as(summary)
    got = list(load_workbook(summary)["汇总"].iter_rows(values_only=True))
    assert got[0][-2:] == ("审核状态", "版本") and len(got) == 7
    assert next(row for row in got if row[1] == MENGJIN)[-2] == "已退回"
    context.close()
    assert watched.errors == []


@pytest.mark.parametrize("where", ["batches", "batch", "report"])
def test_phone_pages_fit_the_screen(server: ServeProcess, browser: Browser, where: str) -> None:
    """At 390 px the workspace's pages are no wider than the screen (tables scroll in their frame)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    watched = Watched(page)
    target = {"batches": "/batches", "batch": "/batches/1", "report": "/batches/1/reports/2"}[where]
    sign_in(page, server.base, target)
    if where == "report":
        expect(page.locator("#report-view li.finding").first).to_be_visible()
    else:
        expect(page.locator("table").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{target} is {width} px wide on a 390 px screen"
    shot(page, f"workspace-phone-{where}")
    context.close()
    assert watched.errors == []
