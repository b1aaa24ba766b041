"""End to end in a real browser: ``nianbao serve`` started as a process on a free local port,
driven by Playwright through Debian's headless Chromium. Screenshots go to artifacts/web/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from nianbao.cli import build_parser
from nianbao.pipeline import parse_bytes, parse_file
from tests.conftest import ROOT, SAMPLE_2019, SAMPLES
from tests.web_server import ServeProcess
from tests.web_support import SCRIPT, unbalanced, wrong_total_workbook, wrong_total_yaml

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "artifacts" / "web"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``nianbao serve`` with a corpus of the samples, until the tests of this module are done."""
    from nianbao.corpus.ingest import run

    work = tmp_path_factory.mktemp("serve")
    db = f"sqlite:///{work / 'corpus.sqlite'}"
    assert run([str(SAMPLES), str(SAMPLE_2019)], db, 1).files == 6
    srv = ServeProcess(work, db, work / "d")
    srv.start()
    try:
        yield srv.base
    finally:
        srv.stop()
    assert list((work / "d" / "uploads").iterdir()), "uploads are kept in the data directory"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
    yield pg
    context.close()
    assert errors == []


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def drop_file(page: Page, name: str, data: bytes) -> None:
    """Drop a file on the drop zone as a person would drag it there."""
    handle = page.evaluate_handle(
        """([name, text]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: "text/plain" }));
            return dt;
        }""",
        [name, data.decode("utf-8")],
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": handle})


def test_upload_highlight_finding_and_source(server: str, page: Page) -> None:
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("上传年度报告，检查表格与正文")
    drop_file(page, "孟津-改.txt", unbalanced())
    page.set_input_files("#files", [str(SAMPLE_2019), str(SAMPLES / "003_3282c18a880ba7c1.txt")])
    cards = page.locator("article.card")
    expect(cards).to_have_count(3)
    expect(page.locator("article.card.pending")).to_have_count(0)

    card = page.locator("article.card", has=page.locator("h2", has_text="孟津-改.txt"))
    expect(card).to_have_class("card has-errors")
    expect(card.locator(".summary")).to_contain_text("孟津区科技和工业信息化局")
    expect(card.locator(".fact.bad .v")).to_have_text("2")
    cell = card.locator('td[data-key="applications.new.natural_person"]')
    expect(cell).to_have_class("value st-ok flag flag-error")
    expect(cell.locator(".val")).to_have_text("2")
    beside = card.locator("section.table-block", has=page.locator("table.official-applications")).locator(
        "ul.findings.beside li.finding"
    )
    expect(beside.first).to_contain_text("表三“自然人”列：第一项加第二项之和（2）不等于第三项加第四项之和（0）")
    expect(card.locator('td[data-key="applications.new.business"]')).to_have_class("value st-ok flag flag-error")
    expect(card.locator('td[data-key="applications.granted.business"]')).to_have_class("value st-ok")

    beside.first.locator("button").click()
    focus = beside.first.locator(".source li.focus")
    expect(focus).to_have_count(1)
    expect(focus).to_contain_text("一、本年新收政府信息公开申请数量")
    expect(beside.first.locator(".source-head")).to_contain_text("孟津-改.txt")
    shot(page, "upload")
    page.set_viewport_size({"width": 1400, "height": 1250})
    card.evaluate("el => el.scrollIntoView()")
    shot(page, "upload-overview")
    page.set_viewport_size({"width": 1400, "height": 1000})

    card.locator('details[data-section="1"] summary').click()
    text = card.locator('details[data-section="1"] .text')
    expect(text).to_contain_text(SCRIPT)
    assert page.title() == "上传检查 · 政府信息公开年报检查"
    assert card.locator("details script, details img").count() == 0

    pingtan = page.locator("article.card", has=page.locator("h2", has_text="pingtan-2019.txt"))
    expect(pingtan.locator(".summary")).to_contain_text("平潭综合实验区")
    unreadable = pingtan.locator('td[data-key="active.licensing.decisions"]')
    expect(unreadable).to_have_class("value st-unreadable flag flag-warning")
    unreadable.click()
    expect(pingtan.locator(".source li.focus mark").first).to_have_text("3960181")
    clean = page.locator("article.card", has=page.locator("h2", has_text="003_3282c18a880ba7c1.txt"))
    expect(clean).to_have_class("card done")
    expect(clean.locator("p.ok")).to_have_text("未发现问题。")

    card.locator("button", has_text="在表单中修改").click()
    page.wait_for_url("**/form?template=2021")
    expect(page.locator("input[name=agency]")).to_have_value("孟津区科技和工业信息化局")
    expect(page.locator('input[data-key="applications.new.natural_person"]')).to_have_value("2")
    expect(page.locator("#form-findings")).to_contain_text("第一项加第二项之和（2）不等于第三项加第四项之和（0）")


def test_upload_data_files_shows_findings_at_line_and_cell(server: str, page: Page, tmp_path: Path) -> None:
    """The YAML and the workbook of `nianbao render`, each with the 办理结果总计 of natural persons
    typed wrong, checked as `nianbao check` checks them: each finding says the line of the YAML or
    the sheet and cell of the workbook, and its source is that line or that row of the sheet."""
    yaml_data, line = wrong_total_yaml()
    book_data, cell = wrong_total_workbook()
    book = tmp_path / "填报.xlsx"
    book.write_bytes(book_data)
    page.goto(server + "/")
    expect(page.locator("p.lead").nth(1)).to_contain_text("YAML、JSON 或 Excel 工作簿")
    drop_file(page, "草稿.yaml", yaml_data)
    page.set_input_files("#files", [str(book)])
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.locator("article.card.pending")).to_have_count(0)

    def wrong_total(card_name: str) -> Locator:
        card = page.locator("article.card", has=page.locator("h2", has_text=card_name))
        expect(card).to_have_class("card has-errors")
        expect(card.locator(".summary")).to_contain_text("示例县科学技术局")
        return card

    draft = wrong_total("草稿.yaml")
    expect(draft.locator(".fact", has_text="文件格式").locator(".v")).to_have_text("yaml")
    cell_box = draft.locator('td[data-key="applications.results_total.natural_person"]')
    expect(cell_box).to_have_class("value st-ok flag flag-error")
    expect(cell_box.locator(".val")).to_have_text("9")
    finding = draft.locator("li.finding", has_text="（七）总计（9）不等于办理结果各项之和（5）")
    expect(finding.locator(".where")).to_have_text(f"第{line}行 表三“（七）总计”行 “自然人”列")
    finding.locator("button").click()
    expect(finding.locator(".source-head")).to_contain_text(f"草稿.yaml · 第{line}行")
    focus = finding.locator(".source li.focus")
    expect(focus).to_have_count(1)
    expect(focus).to_contain_text("results_total: {natural_person: 9, business: 2, total: 7}")
    expect(focus.locator(".ln")).to_have_text(str(line))

    filled = wrong_total("填报.xlsx")
    expect(filled.locator(".fact", has_text="文件格式").locator(".v")).to_have_text("xlsx")
    expect(filled.locator('td[data-key="applications.results_total.natural_person"] .val')).to_have_text("99")
    finding = filled.locator("li.finding", has_text="（七）总计（99）不等于办理结果各项之和（5）")
    expect(finding.locator(".where")).to_have_text(f"表三!{cell} “（七）总计”行 “自然人”列")
    row_total = filled.locator("li.finding", has_text="总计（7）不等于自然人与法人或其他组织各列之和（101）")
    expect(row_total.locator(".where")).to_have_text(f"表三!J{cell[1:]} “（七）总计”行 “总计”列")
    finding.locator("button").click()
    expect(finding.locator(".source-head")).to_contain_text(f"填报.xlsx · 工作表“表三”单元格{cell}")
    focus = finding.locator(".source li.focus")
    expect(focus).to_have_count(1)
    expect(focus.locator(".ln")).to_have_text(cell[1:])
    expect(focus.locator("mark")).to_have_text("99")
    filled.evaluate("el => el.scrollIntoView()")
    shot(page, "upload-workbook")


def test_form_checks_as_you_type_and_downloads_docx(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(server + "/form")
    page.fill("input[name=agency]", "某某县科学技术局")
    page.fill("input[name=year]", "2024")
    page.fill('textarea[data-section="1"]', "本年度主动公开工作有序开展。")
    page.fill('textarea[data-section="5"]', "存在问题：政策解读不足。改进措施：加强解读。")
    page.fill('textarea[data-section="6"]', "本年度未收取信息处理费。")

    def cell(key: str) -> str:
        return f'input[data-key="{key}"]'

    page.fill(cell("applications.new.natural_person"), "3")
    page.fill(cell("applications.new.total"), "3")
    expect(page.locator("#form-status")).to_contain_text("发现 2 个错误")
    flagged = page.locator("td", has=page.locator(cell("applications.results_total.total")))
    expect(flagged).to_have_class("value flag flag-error")
    expect(page.locator("#form-findings")).to_contain_text("第一项加第二项之和（3）不等于第三项加第四项之和（0）")
    shot(page, "form-error")

    for key, value in (
        ("applications.granted.natural_person", "3"),
        ("applications.granted.total", "3"),
        ("applications.results_total.natural_person", "3"),
        ("applications.results_total.total", "3"),
        ("active.normative_documents.issued", "2"),
        ("active.normative_documents.in_force", "5"),
    ):
        page.fill(cell(key), value)
    no_errors = re.compile(r"^(未发现错误或警告|发现 0 个错误).*；可以下载$")
    expect(page.locator("#form-status")).to_have_text(no_errors)
    expect(page.locator("td.flag-error")).to_have_count(0)

    page.fill(cell("applications.new.other"), "x")
    expect(page.locator("#form-status")).to_contain_text("下载前还须补全或改正 1 项")
    expect(page.locator("#form-findings")).to_contain_text("表三“一、本年新收政府信息公开申请数量”行“其他”列的值“x”不是数字")
    expect(page.locator("td", has=page.locator(cell("applications.new.other")))).to_have_class("value flag flag-error")
    page.fill(cell("applications.new.other"), "")
    expect(page.locator("#form-status")).to_have_text(no_errors)

    with page.expect_download() as info:
        page.click("button[data-format=docx]")
    download = info.value
    assert download.suggested_filename == "某某县科学技术局2024年政府信息公开工作年度报告.docx"
    saved = tmp_path / "report.docx"
    download.save_as(saved)
    back = parse_bytes(saved.read_bytes(), str(saved))
    assert (back.agency, back.year, back.source.format) == ("某某县科学技术局", 2024, "docx")
    assert back.values["applications.granted.total"] == 3
    assert back.values["applications.results_total.natural_person"] == 3
    assert back.values["active.normative_documents.in_force"] == 5
    assert back.values["applications.new.other"] == 0
    expect(page.locator("#form-status")).to_have_text("已生成 DOCX")
    shot(page, "form")


def test_corpus_pages(server: str, page: Page) -> None:
    page.goto(server + "/corpus")
    expect(page.locator("#corpus-list tbody tr")).to_have_count(6)
    page.fill("input[name=agency]", "平潭")
    page.click("button[type=submit]")
    rows = page.locator("#corpus-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("平潭综合实验区")
    shot(page, "corpus")

    rows.first.locator("a").click()
    expect(page.locator("#corpus-title")).to_have_text("平潭综合实验区 2019")
    expect(page.locator('td[data-key="active.punishment.decisions"]')).to_have_class(
        "value st-unreadable flag flag-warning"
    )
    pingtan = parse_file(SAMPLE_2019)
    granted = page.locator('td[data-key="applications.granted.total"] .val')
    expect(granted).to_have_text(str(pingtan.values["applications.granted.total"]))
    shot(page, "corpus-report")

    page.goto(server + "/corpus/stats?by=year")
    expect(page.locator("table.stats").first.locator("tbody tr")).to_have_count(3)
    expect(page.locator("#stats")).to_have_attribute("data-ready", "true")
    expect(page.locator("figure.chart[data-drawn=true] canvas")).to_have_count(4)
    shot(page, "stats")


def test_serve_binds_loopback_by_default() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers, args.db, args.data_dir) == ("127.0.0.1", 8000, 1, None, None)
