"""The pages in a real browser at desktop and phone sizes (issue 18): ``nianbao serve`` as a
process over a corpus made from the real samples, driven by Playwright through Debian's
Chromium with every request outside this machine blocked and recorded.

For every page, at 1400×1000 and 390×844: nothing wider than the viewport, no console errors,
nothing fetched from elsewhere, a screenshot in artifacts/web/ (desktop-NAME.png, phone-NAME.png).
Then the statistics charts (tooltips, legend toggles, the numbers in the tables), the form
(autosave, the warning before leaving, keys between cells, a bad cell marked among the other
findings, counts announced), the error pages, the API page offline, keyboard reach and contrast."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, Route, ViewportSize, expect, sync_playwright

from tests.conftest import ROOT, SAMPLES
from tests.corpus_gen import build_corpus
from tests.web_server import ServeProcess
from tests.web_support import unbalanced

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts" / "web"
TIMEOUT_MS = 30_000
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1400, "height": 1000},
    "phone": {"width": 390, "height": 844},
}
STYLE = ROOT / "src" / "nianbao" / "web" / "static" / "style.css"


@dataclass
class Server:
    base: str
    report_id: int  # a report of the corpus with findings
    log: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``nianbao serve`` over the corpus of corpus_gen (the samples, three years of each agency
    with new numbers, the 2019 report, broken files): five years, findings of several rules."""
    from sqlalchemy import create_engine, func, select

    from nianbao.corpus.db import findings
    from nianbao.corpus.ingest import run

    work = tmp_path_factory.mktemp("serve-phone")
    build_corpus(work / "files")
    db = f"sqlite:///{work / 'corpus.sqlite'}"
    assert run([str(work / "files")], db, 1).files > 20
    engine = create_engine(db)
    with engine.connect() as conn:
        report_id = (
            conn.execute(
                select(findings.c.report_id)
                .group_by(findings.c.report_id)
                .order_by(func.count().desc(), findings.c.report_id)
            )
            .scalars()
            .first()
        )
    engine.dispose()
    assert report_id is not None
    srv = ServeProcess(work, db, work / "d")
    srv.start()
    try:
        yield Server(srv.base, int(report_id), srv.log)
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Watch:
    """What a page did that it should not: console errors, script errors, requests elsewhere."""

    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)  # console errors expected (an error page's status)

    def check(self) -> None:
        errors = [e for e in self.errors if not any(p.search(e) for p in self.allowed)]
        assert errors == [], errors
        assert self.outside == [], self.outside


def open_context(browser: Browser, size: str) -> tuple[BrowserContext, Page, Watch]:
    context = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN", accept_downloads=True)
    watch = Watch()

    def route(r: Route) -> None:
        url = r.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            r.continue_()
        else:
            watch.outside.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda m: watch.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(f"pageerror: {e}"))

    def dialog(d: object) -> None:
        watch.dialogs.append(str(getattr(d, "type", "")))
        d.accept()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    return context, page, watch


@pytest.fixture(params=list(VIEWPORTS))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def tab(browser: Browser, size: str) -> Iterator[tuple[Page, Watch]]:
    context, page, watch = open_context(browser, size)
    yield page, watch
    context.close()
    watch.check()


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits(page: Page, size: str) -> None:
    width = VIEWPORTS[size]["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll, .docs table'))
            .slice(0, 5).map((e) => `${e.tagName}.${e.className}`)""",
        width,
    )
    assert scroll <= width, (page.url, scroll, wide)


# ---- every page, desktop and phone --------------------------------------------------------


def upload_two(page: Page) -> None:
    page.set_input_files(
        "#files",
        files=[
            FilePayload(name="孟津-改.txt", mimeType="text/plain", buffer=unbalanced()),
            FilePayload(
                name="003.txt", mimeType="text/plain", buffer=(SAMPLES / "003_3282c18a880ba7c1.txt").read_bytes()
            ),
        ],
    )
    expect(page.locator("article.card")).to_have_count(2)
    expect(page.locator("article.card.pending")).to_have_count(0)


PAGES = [
    "upload",
    "upload-results",
    "form",
    "corpus",
    "corpus-filtered",
    "corpus-report",
    "stats",
    "stats-by-year",
    "docs",
    "error-404",
]


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_and_is_clean(server: Server, tab: tuple[Page, Watch], size: str, name: str) -> None:
    page, watch = tab
    base = server.base
    if name == "upload":
        page.goto(base + "/")
        expect(page.locator("#drop")).to_be_visible()
    elif name == "upload-results":
        page.goto(base + "/")
        upload_two(page)
    elif name == "form":
        page.goto(base + "/form")
        expect(page.locator("#form-status")).to_contain_text("下载前还须补全或改正")
    elif name == "corpus":
        page.goto(base + "/corpus")
        expect(page.locator("#corpus-list tbody tr").first).to_be_visible()
    elif name == "corpus-filtered":
        # the filters and the sort are the query string: a header click, then Back, keeps the view
        page.goto(base + "/corpus?year=2022&region=河南省/洛阳市&sort=errors&order=desc")
        expect(page.locator("#corpus-list tbody tr")).to_have_count(2)
        expect(page.locator("select[name=region]")).to_have_value("河南省/洛阳市")
        page.locator("#corpus-list thead a", has_text="年度").click()
        page.wait_for_url("**sort=year**")
        page.go_back()
        page.wait_for_url("**order=desc**")
        expect(page.locator("select[name=year]")).to_have_value("2022")
        expect(page.locator("#corpus-list tbody tr")).to_have_count(2)
    elif name == "corpus-report":
        page.goto(f"{base}/corpus/reports/{server.report_id}")
        expect(page.locator(".report-view")).to_be_visible()
        expect(page.locator("#announce")).to_have_text(re.compile(r"^发现 \d+ 个错误、\d+ 个警告$"))
    elif name in ("stats", "stats-by-year"):
        page.goto(base + ("/corpus/stats?by=year" if name == "stats-by-year" else "/corpus/stats"))
        expect(page.locator("#stats")).to_have_attribute("data-ready", "true")
    elif name == "docs":
        page.goto(base + "/docs")
        expect(page.locator(".opblock").first).to_be_visible()
    elif name == "error-404":
        watch.allowed.append(re.compile(r"status of 404"))
        response = page.goto(base + "/no/such/page")
        assert response is not None and response.status == 404
    assert_fits(page, size)
    shot(page, f"{size}-{name}")


# ---- charts -------------------------------------------------------------------------------


def chart_js(page: Page, chart: str, expression: str) -> object:
    find = f"Chart.getChart(document.querySelector('#chart-{chart} canvas'))"
    return page.evaluate(f"() => {{ const chart = {find}; return {expression}; }}")


def test_charts_are_interactive_and_the_tables_hold_their_numbers(
    server: Server, tab: tuple[Page, Watch], size: str
) -> None:
    page, _ = tab
    data = httpx.get(server.base + "/api/v1/corpus/stats", params={"by": "year"}).json()
    page.goto(server.base + "/corpus/stats?by=year")
    expect(page.locator("#stats")).to_have_attribute("data-ready", "true")
    expect(page.locator("figure.chart[data-drawn=true] canvas")).to_have_count(4)
    names = [g["name"] for g in data["groups"]]
    assert len(names) >= 4

    # the chart is drawn from the JSON, with Chinese labels
    assert chart_js(page, "overview", "chart.data.labels") == names
    assert chart_js(page, "overview", "chart.data.datasets[0].data") == [g["received"] for g in data["groups"]]
    outcome_labels = chart_js(page, "outcomes", "chart.data.datasets.map((d) => d.label)")
    assert outcome_labels == [re.sub(r"^（[一二三四五六七八九十]+）", "", k) for k in data["groups"][0]["outcomes"]]
    assert outcome_labels[0] == "予以公开"
    assert chart_js(page, "appeals", "chart.data.datasets.map((d) => d.label)") == list(
        data["groups"][0]["appeal_results"]
    )
    rule_labels = chart_js(page, "rules", "chart.data.labels.map((l) => [].concat(l).join(''))")
    assert isinstance(rule_labels, list)
    assert rule_labels == [r["description"] for r in data["rules"][: len(rule_labels)]]
    assert all(re.search(r"[\u4e00-\u9fff]", label) and "." not in label[:12] for label in rule_labels)

    # the table beside the chart holds the same numbers
    table = page.locator('table[data-table="overview"]')
    head = table.locator("thead th").all_inner_texts()
    column = head.index("新收申请")
    expect(table.locator("tbody tr")).to_have_count(len(names))
    for i, g in enumerate(data["groups"]):
        row = table.locator("tbody tr").nth(i)
        expect(row.locator("th")).to_have_text(re.compile("^" + re.escape(g["name"])))
        expect(row.locator("th, td").nth(column)).to_have_text(f"{g['received']:,.0f}")

    # a tooltip shows on hover, naming the group and the number
    index = max(range(len(names)), key=lambda i: data["groups"][i]["received"])
    canvas = page.locator("#chart-overview canvas")
    canvas.scroll_into_view_if_needed()
    point = chart_js(page, "overview", f"(({{x, y}}) => ({{x, y}}))(chart.getDatasetMeta(0).data[{index}])")
    assert isinstance(point, dict)
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"] + 5)
    page.wait_for_function(
        "() => Chart.getChart(document.querySelector('#chart-overview canvas')).tooltip.getActiveElements().length > 0"
    )
    title = chart_js(page, "overview", "chart.tooltip.title.join('')")
    lines = chart_js(page, "overview", "chart.tooltip.body.flatMap((b) => b.lines)")
    assert title == names[index]
    received = data["groups"][index]["received"]
    assert isinstance(lines, list) and f"本年新收申请：{received:,.0f} 件" in lines
    shot(page, f"{size}-stats-tooltip")

    # a legend button hides its series and shows it again; by keyboard too
    button = page.locator("#chart-overview .chart-legend button", has_text="上年结转")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    assert chart_js(page, "overview", "chart.isDatasetVisible(1)") is False
    assert chart_js(page, "overview", "chart.isDatasetVisible(0)") is True
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert chart_js(page, "overview", "chart.isDatasetVisible(1)") is True
    severity = page.locator("#chart-rules .chart-legend button", has_text="警告")
    severity.click()
    assert chart_js(
        page, "rules", "chart.data.datasets.filter((d, i) => !chart.isDatasetVisible(i)).map((d) => d.label)"
    ) == ["警告"]

    # the charts follow the page's width
    width = chart_js(page, "overview", "chart.width")
    assert isinstance(width, int | float) and width <= VIEWPORTS[size]["width"]
    page.set_viewport_size({"width": VIEWPORTS[size]["width"] - 60, "height": 800})
    page.wait_for_function(f"() => Chart.getChart(document.querySelector('#chart-overview canvas')).width < {width}")


# ---- the form -----------------------------------------------------------------------------


def cell(key: str) -> str:
    return f'input[data-key="{key}"]'


def focused_key(page: Page) -> object:
    return page.evaluate("document.activeElement.dataset.key")


def test_form_keeps_working(server: Server, tab: tuple[Page, Watch], size: str) -> None:
    page, watch = tab
    page.goto(server.base + "/form")
    status = page.locator("#form-status")
    expect(status).to_contain_text("下载前还须补全或改正 5 项")  # agency, year, three sections
    assert page.get_attribute("#form-status", "aria-live") == "polite"

    page.fill("input[name=agency]", "某某县科学技术局")
    page.fill("input[name=year]", "2024")
    for no, text in ((1, "本年度主动公开工作有序开展。"), (5, "存在问题：解读不足。"), (6, "未收取信息处理费。")):
        page.fill(f'textarea[data-section="{no}"]', text)
    page.fill(cell("applications.new.natural_person"), "3")
    expect(status).to_have_text(re.compile(r"^发现 \d+ 个错误、\d+ 个警告.*；可以下载$"))
    errors_before = int(re.findall(r"发现 (\d+) 个错误", status.inner_text())[0])
    assert errors_before >= 1
    expect(page.locator("#form-findings")).to_contain_text("第一项加第二项之和（3）不等于第三项加第四项之和（0）")

    # one bad cell: marked and named by its labels, the other findings still there
    page.fill(cell("applications.new.other"), "x")
    expect(status).to_contain_text("下载前还须补全或改正 1 项")
    expect(status).to_contain_text(f"发现 {errors_before} 个错误")
    findings = page.locator("#form-findings")
    expect(findings).to_contain_text("表三“一、本年新收政府信息公开申请数量”行“其他”列的值“x”不是数字")
    expect(findings).to_contain_text("第一项加第二项之和（3）不等于第三项加第四项之和（0）")
    bad = page.locator("td", has=page.locator(cell("applications.new.other")))
    expect(bad).to_have_class(re.compile(r"\bflag-error\b"))
    expect(page.locator(cell("applications.new.other"))).to_have_attribute("aria-invalid", "true")
    assert len(status.inner_text()) < 80  # the live region says counts, not the list
    if size == "phone":  # the status stays in view while the tables scroll
        page.locator(cell("applications.results_total.total")).scroll_into_view_if_needed()
        top = page.locator("#form-bar").bounding_box()
        assert top is not None and 0 <= top["y"] <= 1 and status.is_visible()
    shot(page, f"{size}-form-bad-cell")

    # the download asks for what the live check lists (the server refuses the same list:
    # test_web_required.py), and points at it
    renders: list[str] = []
    page.on("request", lambda r: renders.append(r.url) if "/api/v1/render" in r.url else None)
    page.click("button[data-format=docx]")
    expect(status).to_have_text(
        "无法下载，请先补全或改正：表三“一、本年新收政府信息公开申请数量”行“其他”列的值“x”不是数字"
    )
    assert renders == []
    page.fill(cell("applications.new.other"), "")
    expect(status).to_contain_text("；可以下载")

    # Enter and the arrow keys move between cells
    page.focus(cell("applications.new.natural_person"))
    page.keyboard.press("ArrowDown")
    assert focused_key(page) == "applications.carried_over.natural_person"
    page.keyboard.press("ArrowRight")
    assert focused_key(page) == "applications.carried_over.business"
    page.keyboard.press("ArrowUp")
    assert focused_key(page) == "applications.new.business"
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    assert focused_key(page) == "applications.carried_over.business"
    page.keyboard.press("Shift+Enter")
    assert focused_key(page) == "applications.new.business"
    page.keyboard.press("ArrowLeft")  # the caret leaves the value first
    assert focused_key(page) == "applications.new.business"
    page.keyboard.press("ArrowLeft")
    assert focused_key(page) == "applications.new.natural_person"
    expect(page.locator(cell("applications.new.business"))).to_have_value("2")

    # the draft is saved as typed, and a reload brings it back (after the warning before leaving)
    expect(page.locator("#form-saved")).to_contain_text("草稿已自动保存")
    page.reload()
    assert watch.dialogs == ["beforeunload"]
    expect(page.locator("#form-saved")).to_contain_text("已恢复保存于")
    expect(page.locator("input[name=agency]")).to_have_value("某某县科学技术局")
    expect(page.locator("input[name=year]")).to_have_value("2024")
    expect(page.locator('textarea[data-section="5"]')).to_have_value("存在问题：解读不足。")
    expect(page.locator(cell("applications.new.natural_person"))).to_have_value("3")
    expect(page.locator(cell("applications.new.business"))).to_have_value("2")
    expect(status).to_contain_text("；可以下载")

    # downloaded: nothing left unsaved, leaving asks nothing
    with page.expect_download() as info:
        page.click("button[data-format=pdf]")
    assert info.value.suggested_filename.endswith(".pdf")
    expect(status).to_have_text("已生成 PDF")
    page.goto(server.base + "/corpus")
    assert watch.dialogs == ["beforeunload"]


def test_upload_announces_counts_and_flagged_cells_take_the_keyboard(
    server: Server, tab: tuple[Page, Watch], size: str
) -> None:
    page, _ = tab
    page.goto(server.base + "/")
    assert page.get_attribute("#results", "aria-live") is None  # the cards are not read out whole
    upload_two(page)
    announce = page.locator("#announce")
    assert page.get_attribute("#announce", "aria-live") == "polite"
    expect(announce).to_contain_text("孟津-改.txt：发现 2 个错误、0 个警告")
    expect(announce).to_contain_text("003.txt：未发现问题")
    # Tab reaches a flagged cell; Enter opens its finding with the source
    reached = None
    for _ in range(150):
        page.keyboard.press("Tab")
        reached = page.evaluate("document.activeElement.matches('td.flag') ? document.activeElement.dataset.key : null")
        if reached:
            break
    assert reached == "applications.new.natural_person"
    page.keyboard.press("Enter")
    card = page.locator("article.card", has=page.locator("h2", has_text="孟津-改.txt"))
    expect(card.locator("li.finding .source li.focus").first).to_contain_text("一、本年新收政府信息公开申请数量")


# ---- error pages and the API page ---------------------------------------------------------


def test_error_pages_in_the_browser(server: Server, tab: tuple[Page, Watch], size: str) -> None:
    page, watch = tab
    watch.allowed.append(re.compile(r"status of (400|404)"))
    for path, status, title in (
        ("/no/such/page", 404, "找不到该页面"),
        ("/corpus/reports/999999", 404, "找不到该页面"),
        ("/form?template=abc", 400, "请求有误"),
    ):
        response = page.goto(server.base + path)
        assert response is not None and response.status == status, path
        expect(page.locator("#error-title")).to_have_text(title)
        expect(page.locator(".error-status")).to_have_text(f"错误 {status}")
        expect(page.locator("a", has_text="返回首页")).to_have_attribute("href", "/")
        assert page.title().endswith("政府信息公开年报检查")
    expect(page.locator("#go-back")).to_be_visible()  # there is a page to go back to
    page.locator("#go-back").click()
    page.wait_for_url("**/corpus/reports/999999")
    shot(page, f"{size}-error-back")

    # the 413 page (a body over the limit, refused before it is read) is in test_web_errors.py:
    # Chromium posting 41 MB here is cut off mid-upload when the server closes the connection


def test_api_page_works_offline(server: Server, tab: tuple[Page, Watch], size: str) -> None:
    page, watch = tab
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(server.base + "/docs")
    ops = page.locator(".opblock")
    expect(ops.first).to_be_visible()
    assert ops.count() >= 10
    expect(page.locator(".opblock-tag", has_text="解析与检查")).to_be_visible()
    check = page.locator(
        ".opblock", has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/check/data$"))
    )
    expect(check.locator(".opblock-summary-description")).to_have_text("检查表单数据（填写报告页面边填边检查）")
    check.locator(".opblock-summary-control").click()
    expect(check.locator(".opblock-description-wrapper").first).to_contain_text("与下载使用同一判断")
    expect(check.locator(".body-param, .opblock-section-request-body")).to_contain_text("某某县科学技术局")
    assert_fits(page, size)
    shot(page, f"{size}-docs-operation")
    assert requested and all(u.startswith(server.base) for u in requested), requested
    assert watch.outside == []


# ---- contrast -----------------------------------------------------------------------------


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = colour
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_colour(text: str) -> tuple[float, float, float]:
    text = text.lstrip("#")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def test_css_colours_have_contrast() -> None:
    """Each text colour of style.css against each background it is used on."""
    css = STYLE.read_text(encoding="utf-8")
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    var = {name: hex_colour(value) for name, value in re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", root)}
    white = hex_colour("#ffffff")
    pairs = {
        "ink on bg": (var["ink"], var["bg"]),
        "muted on bg": (var["muted"], var["bg"]),
        "muted on paper": (var["muted"], var["paper"]),
        "muted on warn-soft": (var["muted"], var["warn-soft"]),
        "muted on accent-soft": (var["muted"], var["accent-soft"]),
        "accent on paper": (var["accent"], var["paper"]),
        "accent on bg": (var["accent"], var["bg"]),
        "accent on accent-soft": (var["accent"], var["accent-soft"]),
        "warn on paper": (var["warn"], var["paper"]),
        "warn on warn-soft": (var["warn"], var["warn-soft"]),
        "info on paper": (var["info"], var["paper"]),
        "info on bg": (var["info"], var["bg"]),
        "good on paper": (var["good"], var["paper"]),
        "good on bg": (var["good"], var["bg"]),
        "white on accent (header, buttons, badges)": (white, var["accent"]),
        "white on warn (badge)": (white, var["warn"]),
        "white on info (badge)": (white, var["info"]),
    }
    low = {name: round(ratio(*pair), 2) for name, pair in pairs.items() if ratio(*pair) < 4.5}
    assert low == {}


CONTRAST_JS = """() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let out = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) {
      out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)]; }
    return out; };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.swagger-ui, canvas, [aria-hidden=true], .sr-only, button:disabled')) continue;
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || !el.getClientRects().length) continue;
    const fg = parse(style.color); const bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const text = el.textContent.trim().slice(0, 20);
    if (ratio < 4.5) low.push(`${el.tagName}.${el.className} “${text}” ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def test_text_on_every_page_has_contrast(server: Server, browser: Browser) -> None:
    """The colours as the browser computes them, for every piece of text shown (the same at both
    sizes: the desktop's pages show the most)."""
    context, page, watch = open_context(browser, "desktop")
    watch.allowed.append(re.compile(r"status of 404"))
    paths = ["/", "/form", "/corpus", f"/corpus/reports/{server.report_id}", "/corpus/stats?by=year", "/docs", "/nope"]
    for path in paths:
        page.goto(server.base + path)
        if path == "/":
            upload_two(page)
        if path.startswith("/corpus/stats"):
            expect(page.locator("#stats")).to_have_attribute("data-ready", "true")
            page.locator("#chart-overview .chart-legend button").first.click()  # a series hidden: its button too
        if path.startswith("/corpus/reports"):
            expect(page.locator(".report-view")).to_be_visible()
        if path == "/form":
            expect(page.locator("#form-status")).to_contain_text("下载前")
        low = page.evaluate(CONTRAST_JS)
        assert low == [], (path, low)
    context.close()
    watch.check()
