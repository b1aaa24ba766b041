"""Accuracy: how many cells nianbao gets right from the text that real extraction tools make of a report,
and how many it gets wrong while saying it is certain (the worst failure: a wrong number marked ``ok``).

    .venv/bin/python benchmarks/accuracy.py [--quick] [--save DIR] [--show-wrong] [--strict] [--json]

Random reports of both formats (2021 and 2019) are made from a fixed seed: large numbers in 表二
(5–7 digits for 行政许可 and 行政处罚), small ones elsewhere, many zeros, zeros printed as empty cells in
some reports, and some tables that do not add up (a total off by a few), as agencies publish them. Each is
rendered by nianbao's own renderer (PDF by WeasyPrint, DOCX, HTML, Markdown); the PDF is also made the
other ways agencies make it: the HTML printed by Chromium (with and without the browser's date/address
header and footer), the DOCX and the HTML converted by LibreOffice, and the WeasyPrint PDF re-distilled by
Ghostscript and by Cairo. The real files join them: examples/files/huaian-2024.pdf,
tests/fixtures/html/mengjin_2023.html and the samples examples/samples/*.txt printed to PDF by LibreOffice.

Every document goes through the tools that fit it (tests/fixtures/variants/tools.py, shared with the variant
corpus): pdftotext (default, -layout, -raw), pdfminer.six, pypdf (plain, layout), pdfplumber, pypdfium2,
pymupdf4llm; w3m, lynx, html2text, BeautifulSoup (get_text, get_text("\\n")), markdownify, Chromium's
innerText; python-docx (merged cells once, or repeated), LibreOffice's text export. The tool ``nianbao``
is nianbao reading the document itself. The Markdown is its own text (one row, ``md → nianbao``).

Each text is parsed as a user's .txt file in a worker process under a memory cap and a time limit, and every
cell of the template is compared with the truth: right, wrong while certain (status ok/ocr/blank, value
differs), unreadable, missing; a parse that fails or runs out of time counts all its cells as errors.

``--save DIR`` keeps everything for finding parser failures: DIR/docs/ the documents, DIR/<report>__<producer>__
<tool>.txt each extracted text (parse it again with ``nianbao parse FILE --json``) with its .json (truth and
score), DIR/wrong-ok.tsv and DIR/unreadable.tsv (one cell a line) and DIR/summary.json.
Needs: poppler-utils, ghostscript, w3m, lynx, LibreOffice, Chromium (scripts/setup.sh) and
benchmarks/requirements.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import math
import multiprocessing
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nianbao.render import FORMATS  # noqa: E402
from nianbao.render.content import build  # noqa: E402
from nianbao.render.validate import validate_report  # noqa: E402
from nianbao.report import Number, Report, Section, Source  # noqa: E402
from nianbao.template import Template, load  # noqa: E402

CERTAIN = ("ok", "ocr", "blank")
MEMORY_CAP = 3 << 30  # bytes of address space a parse may take (as tests/test_variants.py)
DEFAULT_SEED = 20250131
DEFAULT_REPORTS = 4  # per template: the default run took 7 minutes on the 2-core development machine (busy)
QUICK_REPORTS = 2

# ---- the truth of a report -------------------------------------------------------------------


@dataclass
class Truth:
    """What a report prints: every cell of its template (an empty cell is 0), its agency and year."""

    template: str
    values: dict[str, Number]
    agency: str | None
    year: int | None


@dataclass
class Case:
    """One report: its truth, how it was made, and (for a generated one) the cells printed empty."""

    name: str
    truth: Truth
    note: str
    blanks: set[str] = field(default_factory=set)
    sections: dict[int, str] = field(default_factory=dict)


PLACES = [
    "某某县", "青石县", "临川区", "白沙县", "东湖区", "云溪区", "柳林县", "北山市", "南平县", "金水区",
    "清河县", "安平县", "龙泉市", "长宁区", "西峰区", "平阳县", "江北市", "红旗区", "永安市", "梅山镇",
]  # fmt: skip
BODIES = [
    "人民政府办公室", "人民政府", "市场监督管理局", "教育局", "自然资源和规划局", "卫生健康委员会",
    "住房和城乡建设局", "交通运输局", "财政局", "司法局", "农业农村局", "科学技术局", "应急管理局",
    "人力资源和社会保障局", "城市管理综合执法局", "发展和改革委员会",
]  # fmt: skip
STREETS = ["城关街道办事处", "新华街道办事处", "东城街道办事处", "龙华镇人民政府", "石桥乡人民政府"]

# free cells of each size profile: share left at 0, and weights of 1, 2, 3 and 4 digits
PROFILES = {
    "small": (0.75, (3, 4, 1, 0)),
    "medium": (0.5, (2, 4, 3, 1)),
    "large": (0.3, (1, 3, 4, 2)),
}
STYLES = {"zeros": "zeros printed", "blank": "zeros of 表三/表四 empty", "mixed": "some zeros empty"}
BIG_ROWS = ("licensing", "punishment")  # 表二 rows with 5–7 digit decision counts


def _agency(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(PLACES[:-1]) + rng.choice(STREETS)
    return rng.choice(PLACES) + rng.choice(BODIES)


def _free_value(template: Template, key: str, profile: str, rng: random.Random) -> Number:
    """A random value for a cell no equation fixes."""
    table, row, col = key.split(".")
    kind = template.column(key).kind
    if kind == "decimal":
        return 0 if rng.random() < 0.4 else round(rng.uniform(0.5, 10 ** rng.randint(1, 5)), rng.choice((0, 1, 2)))
    if kind == "signed":
        return 0 if rng.random() < 0.5 else rng.randint(-40, 40)
    if table == "active" and row in BIG_ROWS and col == "decisions":
        digits = rng.randint(5, 7)
        return 0 if rng.random() < 0.1 else rng.randint(10 ** (digits - 1), 10**digits - 1)
    p_zero, weights = PROFILES[profile]
    if rng.random() < p_zero:
        return 0
    digits = rng.choices((1, 2, 3, 4), weights=weights)[0]
    return rng.randint(1 if digits == 1 else 10 ** (digits - 1), 10**digits - 1)


def _solve(template: Template, free: dict[str, Number]) -> tuple[dict[str, Number], tuple[str, str, int] | None]:
    """Fill every cell an equation fixes from the free cells, equation by equation. Returns the values and,
    if a cell came out negative, (the cell, a free cell on its side of the equation, by how much)."""
    values = dict(free)
    pending = list(template.equations())
    while pending:
        progress = False
        for eq in list(pending):
            unknown = [k for k in (*eq.lhs, *eq.rhs) if k not in values]
            if len(unknown) > 1:
                continue
            pending.remove(eq)
            progress = True
            if not unknown:
                continue
            key = unknown[0]
            lhs = sum(values[k] for k in eq.lhs if k != key)
            rhs = sum(values[k] for k in eq.rhs if k != key)
            values[key] = rhs - lhs if key in eq.lhs else lhs - rhs
            if values[key] < 0:
                side = eq.lhs if key in eq.lhs else eq.rhs
                donor = next((k for k in side if k != key and k in free and free[k] > 0), None)
                if donor is None:
                    raise ValueError(f"cannot make {key} non-negative")
                return values, (key, donor, int(-values[key]))
        if not progress:
            raise ValueError(f"equations left unsolved: {[e.rule for e in pending]}")
    return values, None


def consistent_values(template: Template, profile: str, rng: random.Random) -> dict[str, Number]:
    """Random values that satisfy every equation of the template: the first cell of each equation's
    left side (a total, 本年新收) is computed; the others are drawn, then lowered where a computed cell
    would be negative (e.g. 上年结转 larger than what was handled and carried forward)."""
    derived = {eq.lhs[0] for eq in template.equations()}
    free = {k: _free_value(template, k, profile, rng) for k in template.cell_keys() if k not in derived}
    for _ in range(1000):
        values, negative = _solve(template, free)
        if negative is None:
            return {k: values[k] for k in template.cell_keys()}
        _, donor, deficit = negative
        free[donor] = max(0, free[donor] - deficit)
    raise ValueError("no consistent values found")


def _skew(template: Template, values: dict[str, Number], rng: random.Random) -> list[str]:
    """Put 1–3 totals off by a few, as real reports do; the cells changed."""
    changed = []
    for eq in rng.sample(template.equations(), rng.randint(1, 3)):
        key = eq.lhs[0]
        delta = rng.choice((-3, -2, -1, 1, 1, 2, 3, 5, 10))
        if values[key] + delta >= 0:
            values[key] += delta
            changed.append(key)
    return changed


def _blanks(values: dict[str, Number], style: str, rng: random.Random) -> set[str]:
    """The zero cells printed empty: none, all of 表三 and 表四, or some anywhere."""
    zeros = [k for k, v in values.items() if v == 0]
    if style == "zeros":
        return set()
    if style == "blank":
        return {k for k in zeros if not k.startswith("active.")}
    return {k for k in zeros if rng.random() < (0.2 if k.startswith("active.") else 0.5)}


def _prose(agency: str, year: int, v: dict[str, Number], rng: random.Random) -> dict[int, str]:
    """The three prose sections, with numbers in the text as real reports have."""
    n_active = rng.randint(30, 20000)
    new, over = v["applications.new.total"], v["applications.carried_over.total"]
    done, forward = v["applications.results_total.total"], v["applications.carried_forward.total"]
    return {
        1: (
            f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开工作。\n"
            "（一）主动公开\n"
            f"全年主动公开政府信息{n_active}条，更新政策解读{rng.randint(1, 60)}篇。\n"
            "（二）依申请公开\n"
            f"本年度共收到政府信息公开申请{new}件，上年结转{over}件，办结{done}件，结转下年度{forward}件。\n"
            "（三）政府信息管理\n"
            "严格执行公开前保密审查制度，及时清理过期信息。\n"
            "（四）平台建设\n"
            f"优化政府信息公开专栏，全年访问量{rng.randint(1000, 900000)}人次。\n"
            "（五）监督保障\n"
            f"将政务公开纳入年度考核，开展业务培训{rng.randint(1, 12)}次。"
        ),
        5: (
            "主要问题：一是政策解读形式比较单一；二是基层公开标准化规范化水平有待提高。\n"
            f"改进情况：{year + 1}年将丰富图解、视频等解读方式，加强培训{rng.randint(2, 9)}次以上。"
        ),
        6: rng.choice(
            (
                "本年度未收取信息处理费。",
                f"本年度发出收费通知{rng.randint(1, 9)}件，收取信息处理费{rng.randint(100, 9000)}元。",
                "无其他需要报告的事项。",
            )
        ),
    }


def random_case(version: str, index: int, seed: int) -> Case:
    """Report ``index`` of a template, the same for a seed whatever the number of reports asked for."""
    rng = random.Random(f"{seed}-{version}-{index}")
    template = load(version)
    profile = rng.choice(tuple(PROFILES))
    values = consistent_values(template, profile, rng)
    skewed = _skew(template, values, rng) if rng.random() < 0.3 else []
    style = rng.choices(("zeros", "blank", "mixed"), weights=(5, 3, 2))[0]
    blanks = _blanks(values, style, rng)
    agency = _agency(rng)
    year = rng.randint(2022, 2025) if version == "2021" else rng.choice((2019, 2020))
    note = f"{profile} numbers, {STYLES[style]}" + (f", {len(skewed)} total(s) off" if skewed else ", tables add up")
    return Case(
        name=f"r{version}-{index + 1:02d}",
        truth=Truth(version, values, agency, year),
        note=note,
        blanks=blanks,
        sections=_prose(agency, year, values, rng),
    )


# ---- the documents -----------------------------------------------------------------------------


def render_case(case: Case, fmt: str) -> bytes:
    """nianbao's renderer, with the blank cells printed empty (the data is validated with them as 0)."""
    template = load(case.truth.template)
    t = case.truth

    def report(values: dict[str, Number | None]) -> Report:
        return Report(
            source=Source(path=f"{case.name}.yaml", sha256="0" * 64, format="yaml"),
            agency=t.agency,
            year=t.year,
            template=t.template,
            sections=[Section(no=s.no, title=s.title, text=case.sections.get(s.no, "")) for s in template.sections],
            values=values,
        )

    validate_report(report(dict(t.values)))
    content = build(report({k: None if k in case.blanks else v for k, v in t.values.items()}))
    return bytes(importlib.import_module(FORMATS[fmt]).render(content))


@dataclass
class Doc:
    case: Case
    producer: str
    kind: str  # pdf | html | docx | md
    path: Path


GENERATED = (
    "pdf(weasyprint)",
    "pdf(chromium)",
    "pdf(chromium+header)",
    "pdf(lo-docx)",
    "pdf(lo-html)",
    "pdf(gs)",
    "pdf(cairo)",
    "html",
    "docx",
    "md",
)
REAL = ("pdf(real)", "html(real)", "pdf(lo-txt)")
PRODUCERS = GENERATED + REAL
KIND = {p: p.split("(")[0] for p in PRODUCERS}

TOOLS: dict[str, tuple[str, ...]] = {
    "pdf": (
        "pdftotext",
        "pdftotext-layout",
        "pdftotext-raw",
        "pdfminer",
        "pypdf",
        "pypdf-layout",
        "pdfplumber",
        "pdfium",
        "pymupdf4llm",
        "nianbao",
    ),
    "html": ("w3m", "lynx", "html2text", "bs4", "bs4-newline", "markdownify", "chromium", "nianbao"),
    "docx": ("python-docx", "python-docx-naive", "soffice-txt", "nianbao"),
    "md": ("nianbao",),
}
ALL_TOOLS = ("nianbao", *dict.fromkeys(t for ts in TOOLS.values() for t in ts if t != "nianbao"))
MAIN_PROCESS_TOOLS = ("chromium", "soffice-txt")  # run once per run in this process, before the workers

QUICK_PRODUCERS = ("pdf(weasyprint)", "pdf(chromium+header)", "html", "docx", "md", "pdf(real)", "html(real)")
QUICK_TOOLS = ("pdftotext", "pdftotext-layout", "pdfminer", "pdfplumber", "w3m", "bs4", "python-docx", "nianbao")


def slug(producer: str) -> str:
    """A producer's name as a file name: pdf(chromium+header) → pdf-chromium-header."""
    return re.sub(r"[^a-z0-9]+", "-", producer.lower()).strip("-")


def real_cases() -> dict[str, tuple[Case, Path]]:
    """The real files with the values the tests hold for them (every other cell is 0)."""
    from tests.fixtures.variants.generate import SAMPLE_NONZERO
    from tests.test_parse_pdf_text import NONZERO as HUAIAN
    from tests.test_parse_samples import EXPECTED as SAMPLES
    from tests.test_readers_html import MENGJIN_NONZERO

    zeros = dict.fromkeys(load("2021").cell_keys(), 0)
    huaian = {f"{row}.{col}": v for row, cols in HUAIAN.items() for col, v in cols.items()}
    out = {
        "huaian-2024": (
            Case("huaian-2024", Truth("2021", zeros | huaian, "淮安市人民政府", 2024), "real PDF"),
            ROOT / "examples" / "files" / "huaian-2024.pdf",
        ),
        "mengjin-2023": (
            Case("mengjin-2023", Truth("2021", zeros | MENGJIN_NONZERO, "孟津区科技和工业信息化局", 2023), "real page"),
            ROOT / "tests" / "fixtures" / "html" / "mengjin_2023.html",
        ),
    }
    for stem, nonzero in SAMPLE_NONZERO.items():
        exp = SAMPLES[f"{stem}.txt"]
        name = f"sample{stem[:3]}"
        truth = Truth("2021", zeros | nonzero, exp["agency"], exp["year"])
        out[name] = (Case(name, truth, f"real sample {stem}.txt"), ROOT / "examples" / "samples" / f"{stem}.txt")
    return out


class Producers:
    """Makes every document asked for; LibreOffice and Chromium start once (files converted in batches)."""

    def __init__(self, work: Path, scratch: Path, producers: tuple[str, ...], log: Callable[[str], None]) -> None:
        self.work = work  # the documents (DIR/docs with --save)
        self.scratch = scratch  # LibreOffice's profile and outputs
        self.producers = producers
        self.log = log
        self.docs: list[Doc] = []
        self.texts: dict[tuple[str, str, str], str] = {}  # (case, producer, tool) → text made in this process

    def _put(self, case: Case, producer: str, data: bytes, ext: str) -> Doc:
        path = self.work / f"{case.name}__{slug(producer)}.{ext}"
        path.write_bytes(data)
        doc = Doc(case, producer, KIND[producer], path)
        self.docs.append(doc)
        return doc

    def _keep(self, out: Path, case: Case, producer: str) -> Path:
        """A converter's output moved in with the documents (a missing one stays missing)."""
        dest = self.work / f"{case.name}__{slug(producer)}{out.suffix}"
        if out.exists():
            shutil.move(out, dest)
        return dest

    def _add(self, case: Case, producer: str, path: Path) -> None:
        if path.exists() and path.stat().st_size > 0:
            self.docs.append(Doc(case, producer, KIND[producer], path))
        else:
            self.log(f"  {producer} made nothing for {case.name}")

    def make(self, cases: list[Case], real: bool, tools: tuple[str, ...]) -> list[Doc]:
        from tests.fixtures.variants import tools as tl

        want = set(self.producers)
        rendered: dict[str, dict[str, Doc]] = {}
        for case in cases:
            fmts = {"pdf": "pdf(weasyprint)", "docx": "docx", "html": "html", "md": "md"}
            mine: dict[str, Doc] = {}
            for fmt, producer in fmts.items():
                needed = producer in want or (fmt == "pdf" and want & {"pdf(gs)", "pdf(cairo)"})
                needed = needed or (fmt == "docx" and "pdf(lo-docx)" in want)
                needed = needed or (fmt == "html" and want & {"pdf(lo-html)", "pdf(chromium)", "pdf(chromium+header)"})
                if needed:
                    mine[fmt] = self._put(case, producer, render_case(case, fmt), fmt)
            rendered[case.name] = mine
        self.log(f"rendered {len(cases)} reports")
        for case in cases:
            pdf = rendered[case.name].get("pdf")
            for producer, device in (("pdf(gs)", "gs"), ("pdf(cairo)", "cairo")):
                if producer in want and pdf:
                    out = self.work / f"{case.name}__{slug(producer)}.pdf"
                    tl.redistill(device)(pdf.path, out)
                    self._add(case, producer, out)
        reals = real_cases() if real else {}
        for name, producer in (("huaian-2024", "pdf(real)"), ("mengjin-2023", "html(real)")):
            if producer in want and name in reals:
                case, src = reals[name]
                self._put(case, producer, src.read_bytes(), src.suffix.lstrip("."))  # a copy: DIR/docs stands alone
        self._office(cases, rendered, reals, tools)
        self._chromium(cases, rendered, tools)
        self.docs = [d for d in self.docs if d.producer in want]
        return self.docs

    def _office(
        self,
        cases: list[Case],
        rendered: dict[str, dict[str, Doc]],
        reals: dict[str, tuple[Case, Path]],
        tools: tuple[str, ...],
    ) -> None:
        from tests.fixtures.variants import tools as tl

        want = set(self.producers)
        to_pdf: dict[Path, tuple[Case, str]] = {}
        html_pdf: dict[Path, Case] = {}
        to_txt: dict[Path, Case] = {}
        for case in cases:
            mine = rendered[case.name]
            if "pdf(lo-docx)" in want and "docx" in mine:
                to_pdf[mine["docx"].path] = (case, "pdf(lo-docx)")
            if "pdf(lo-html)" in want and "html" in mine:
                html_pdf[mine["html"].path] = case
            if "docx" in want and "soffice-txt" in tools and "docx" in mine:
                to_txt[mine["docx"].path] = case
        if "pdf(lo-txt)" in want:
            for name, (case, src) in reals.items():
                if name.startswith("sample"):
                    copy = self.scratch / f"{name}.txt"
                    shutil.copy(src, copy)
                    to_pdf[copy] = (case, "pdf(lo-txt)")
        if not (to_pdf or html_pdf or to_txt):
            return
        start = time.perf_counter()
        office = tl.Office(self.scratch)
        for src, out in office.convert_many(list(to_pdf), "pdf", "pdf", self.scratch / "lo-pdf").items():
            case, producer = to_pdf[src]
            self._add(case, producer, self._keep(out, case, producer))
        for src, out in office.convert_many(
            list(html_pdf), "pdf:writer_web_pdf_Export", "pdf", self.scratch / "lo-web"
        ).items():
            case = html_pdf[src]
            self._add(case, "pdf(lo-html)", self._keep(out, case, "pdf(lo-html)"))
        for src, out in office.convert_many(
            list(to_txt), "txt:Text (encoded):UTF8", "txt", self.scratch / "lo-txt"
        ).items():
            self.texts[(to_txt[src].name, "docx", "soffice-txt")] = out.read_text(encoding="utf-8-sig")
        self.log(
            f"LibreOffice: {len(to_pdf) + len(html_pdf) + len(to_txt)} files in {time.perf_counter() - start:.0f} s"
        )

    def _chromium(self, cases: list[Case], rendered: dict[str, dict[str, Doc]], tools: tuple[str, ...]) -> None:
        from tests.fixtures.variants import tools as tl

        want = set(self.producers)
        printing = [p for p in ("pdf(chromium)", "pdf(chromium+header)") if p in want]
        inner = "chromium" in tools
        pages = [(c, rendered[c.name]["html"]) for c in cases if "html" in rendered[c.name]]
        real_html = [d for d in self.docs if d.producer == "html(real)"]
        if not ((printing and pages) or (inner and (("html" in want and pages) or real_html))):
            return
        start = time.perf_counter()
        browser = tl.Chromium()
        try:
            for case, doc in pages:
                html = doc.path.read_text(encoding="utf-8")
                for producer in printing:
                    pdf = browser.pdf(html, producer.endswith("+header)"), f"{case.name}.html")
                    self._put(case, producer, pdf, "pdf")
                if inner and "html" in want:
                    self.texts[(case.name, "html", "chromium")] = browser.inner_text(html, f"{case.name}.html")
            if inner:
                for doc in real_html:
                    html = doc.path.read_bytes().decode("utf-8")
                    self.texts[(doc.case.name, doc.producer, "chromium")] = browser.inner_text(html, doc.path.name)
        finally:
            browser.close()
        self.log(f"Chromium: {len(pages)} pages in {time.perf_counter() - start:.0f} s")


# ---- scoring -----------------------------------------------------------------------------------


@dataclass
class Score:
    """One text of one report compared with its truth, cell by cell."""

    cells: int = 0
    right: int = 0
    wrong_ok: list[dict[str, Any]] = field(default_factory=list)  # key, expected, got, status, raw, note
    unreadable: list[dict[str, Any]] = field(default_factory=list)  # key, expected, raw, note
    missing: list[str] = field(default_factory=list)
    error: str | None = None  # "tool: …" or "parse: …" (the whole text then counts as errors)
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    agency_ok: bool = False
    year_ok: bool = False
    seconds: float = 0.0  # extraction and parse
    extract_seconds: float = 0.0


def _same(got: Number | None, want: Number) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=0, abs_tol=1e-6)


def score_report(report: Report, truth: Truth) -> Score:
    """Every cell of the truth's template against the parse; a cell whose value differs while its status
    says certain (ok, ocr, or blank read as 0) is wrong-ok."""
    keys = load(truth.template).cell_keys()
    s = Score(cells=len(keys), agency=report.agency, year=report.year, template=report.template)
    for key in keys:
        want = truth.values[key]
        got = report.values.get(key)
        prov = report.provenance.get(key)
        status = prov.status if prov else "missing"
        if _same(got, want):
            s.right += 1
        elif status in CERTAIN:
            note = prov.note if prov else None
            s.wrong_ok.append(
                {"key": key, "expected": want, "got": got, "status": status, "raw": prov and prov.raw, "note": note}
            )
        elif status == "unreadable" and prov:
            s.unreadable.append({"key": key, "expected": want, "raw": prov.raw, "note": prov.note})
        else:
            s.missing.append(key)
    s.agency_ok = truth.agency is not None and report.agency == truth.agency
    s.year_ok = truth.year is not None and report.year == truth.year
    return s


def failed(truth: Truth, error: str) -> Score:
    return Score(cells=len(load(truth.template).cell_keys()), error=error)


@dataclass
class Job:
    """One (document, tool) pair; ``text`` is set when this process made the text already."""

    id: int
    doc_path: str
    kind: str
    tool: str
    truth: Truth
    text: str | None = None


def extract(tool: str, kind: str, path: Path) -> str:
    """The text a tool makes of a document (tools that run in a worker)."""
    from tests.fixtures.variants import tools as tl

    if kind == "pdf":
        if tool == "pymupdf4llm":
            return tl.pymupdf4llm_text(path)
        return tl.PDF_TOOLS[tool](path)
    if kind == "docx":
        return tl.docx_text(tool == "python-docx")(path)
    html = path.read_bytes().decode("utf-8")
    if tool == "markdownify":
        return tl.markdownify_text(html)
    return tl.HTML_TOOLS[tool](html)


def _parse_capped(data: bytes, name: str, truth: Truth, cap: int) -> Score:
    from nianbao.errors import NianbaoError
    from nianbao.pipeline import parse_bytes

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        return score_report(parse_bytes(data, name), truth)
    except MemoryError:
        return failed(truth, "parse: 内存超限")
    except NianbaoError as e:
        return failed(truth, f"parse: {e.code} {e.reason}")
    except Exception as e:
        return failed(truth, f"parse: {type(e).__name__}: {e}")
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _serve(conn: Connection, cap: int) -> None:
    """Worker: extract (if the job needs it), tell the parent the text, then parse it under the cap."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # "Could not get FontBBox…" for every Chromium PDF
    while (job := conn.recv()) is not None:
        start = time.perf_counter()
        path = Path(job.doc_path)
        extracted = 0.0
        if job.tool == "nianbao":
            data, name = path.read_bytes(), path.name
        else:
            text = job.text
            if text is None:
                try:
                    text = extract(job.tool, job.kind, path)
                except Exception as e:
                    conn.send(("done", failed(job.truth, f"tool: {type(e).__name__}: {e}"), None))
                    continue
                extracted = time.perf_counter() - start
            conn.send(("text", None, text))
            data, name = text.encode("utf-8"), "x.txt"
        result = _parse_capped(data, name, job.truth, cap)
        result.seconds = round(time.perf_counter() - start, 3)
        result.extract_seconds = round(extracted, 3)
        conn.send(("done", result, None))


class Pool:
    """Worker processes that extract and parse jobs in turn; one that overruns is killed and replaced."""

    def __init__(self, n: int, tool_timeout: float, parse_timeout: float, cap: int = MEMORY_CAP) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self.tool_timeout, self.parse_timeout, self.cap = tool_timeout, parse_timeout, cap
        self._slots = [self._start() for _ in range(n)]

    def _start(self) -> dict[str, Any]:
        conn, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child, self.cap), daemon=True)
        proc.start()
        child.close()
        return {"conn": conn, "proc": proc, "job": None, "deadline": 0.0, "text": None}

    def _restart(self, slot: dict[str, Any]) -> None:
        slot["proc"].kill()
        slot["proc"].join()
        slot.update(self._start())

    def run(self, jobs: Iterable[Job], done: Callable[[Job, Score, str | None], None]) -> None:
        """Run every job; ``done(job, score, text)`` is called as each finishes."""
        queue = deque(jobs)
        while queue or any(s["job"] for s in self._slots):
            for slot in self._slots:
                if slot["job"] is None and queue:
                    job = queue.popleft()
                    slot.update(job=job, text=job.text, deadline=time.monotonic() + self.tool_timeout)
                    if job.tool == "nianbao" or job.text is not None:
                        slot["deadline"] = time.monotonic() + self.parse_timeout
                    slot["conn"].send(job)
            busy = [s for s in self._slots if s["job"]]
            now = time.monotonic()
            ready = wait([s["conn"] for s in busy], timeout=max(0.0, min(s["deadline"] for s in busy) - now))
            for slot in busy:
                job = slot["job"]
                if slot["conn"] in ready:
                    try:
                        what, result, text = slot["conn"].recv()
                    except (EOFError, OSError):
                        done(job, failed(job.truth, "parse: 解析进程异常退出"), slot["text"])
                        slot["job"] = None
                        self._restart(slot)
                        continue
                    if what == "text":
                        slot.update(text=text, deadline=time.monotonic() + self.parse_timeout)
                    else:
                        done(job, result, slot["text"])
                        slot["job"] = None
                elif time.monotonic() > slot["deadline"]:
                    phase = "parse" if slot["text"] is not None or job.tool == "nianbao" else "tool"
                    limit = self.parse_timeout if phase == "parse" else self.tool_timeout
                    done(job, failed(job.truth, f"{phase}: 超过{limit:g}秒未结束"), slot["text"])
                    slot["job"] = None
                    self._restart(slot)

    def close(self) -> None:
        for slot in self._slots:
            with contextlib.suppress(OSError):
                slot["conn"].send(None)
            slot["proc"].join(timeout=5)
            if slot["proc"].is_alive():
                slot["proc"].kill()
                slot["proc"].join()


# ---- the table ---------------------------------------------------------------------------------


@dataclass
class Row:
    """Totals of many scores (one producer × tool, one tool, one format, or all)."""

    label: str
    reports: int = 0
    cells: int = 0
    right: int = 0
    wrong_ok: int = 0
    unreadable: int = 0
    missing: int = 0
    errors: int = 0  # texts (reports) that failed as a whole
    error_cells: int = 0
    agency_ok: int = 0
    year_ok: int = 0

    def add(self, s: Score) -> None:
        self.reports += 1
        self.cells += s.cells
        self.right += s.right
        self.wrong_ok += len(s.wrong_ok)
        self.unreadable += len(s.unreadable)
        self.missing += len(s.missing)
        self.errors += s.error is not None
        self.error_cells += s.cells if s.error else 0
        self.agency_ok += s.agency_ok
        self.year_ok += s.year_ok

    @property
    def right_pct(self) -> float:
        return 100.0 * self.right / self.cells if self.cells else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "right_pct": round(self.right_pct, 2)}


HEAD = ("", "reports", "cells", "right %", "wrong-ok", "unreadable", "missing", "errors", "agency ok", "year ok")


def _line(row: Row, width: int) -> str:
    cols = (
        row.reports,
        row.cells,
        f"{row.right_pct:.1f}",
        row.wrong_ok,
        row.unreadable,
        row.missing,
        row.errors,
        f"{row.agency_ok}/{row.reports}",
        f"{row.year_ok}/{row.reports}",
    )
    return f"{row.label:<{width}}" + "".join(f"{c!s:>11}" for c in cols)


def table_text(rows: list[Row], by_tool: list[Row], by_format: list[Row], total: Row) -> str:
    width = max(len(r.label) for r in [*rows, *by_tool, *by_format, total]) + 2
    head = f"{'':<{width}}" + "".join(f"{h:>11}" for h in HEAD[1:])
    rule = "-" * len(head)
    out = [head, rule, *(_line(r, width) for r in rows), rule, "per tool"]
    out += [_line(r, width) for r in by_tool]
    out += [rule, "per source format", *(_line(r, width) for r in by_format), rule, _line(total, width)]
    return "\n".join(out)


# ---- the run -----------------------------------------------------------------------------------


@dataclass
class Options:
    seed: int = DEFAULT_SEED
    reports: int = DEFAULT_REPORTS
    templates: tuple[str, ...] = ("2021", "2019")
    producers: tuple[str, ...] = PRODUCERS
    tools: tuple[str, ...] = ALL_TOOLS
    jobs: int = 2
    tool_timeout: float = 180.0
    parse_timeout: float = 60.0
    save: Path | None = None
    quiet: bool = False


@dataclass
class Result:
    """Everything a run found: one entry per (report, producer, tool)."""

    entries: list[dict[str, Any]]
    rows: list[Row]
    by_tool: list[Row]
    by_format: list[Row]
    total: Row
    seconds: float
    options: Options

    def as_dict(self) -> dict[str, Any]:
        o = self.options
        return {
            "seed": o.seed,
            "reports_per_template": o.reports,
            "templates": list(o.templates),
            "seconds": round(self.seconds, 1),
            "rows": [r.as_dict() for r in self.rows],
            "by_tool": [r.as_dict() for r in self.by_tool],
            "by_format": [r.as_dict() for r in self.by_format],
            "total": self.total.as_dict(),
        }

    def wrong_ok(self) -> list[dict[str, Any]]:
        return [{"file": e["file"], **c} for e in self.entries for c in e["score"]["wrong_ok"]]

    def unreadable(self) -> list[dict[str, Any]]:
        return [{"file": e["file"], **c} for e in self.entries for c in e["score"]["unreadable"]]


def _label(producer: str, tool: str) -> str:
    return f"{producer} → {tool}"


def run(opts: Options) -> Result:
    """Make the documents, extract, parse and score every (document, tool) pair."""
    start = time.perf_counter()
    log = (lambda _m: None) if opts.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    cases = [random_case(v, i, opts.seed) for v in opts.templates for i in range(opts.reports)]
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-accuracy-"))
    work = opts.save / "docs" if opts.save else tmp / "docs"
    if opts.save:
        opts.save.mkdir(parents=True, exist_ok=True)
        for old in [*opts.save.glob("*__*.txt"), *opts.save.glob("*__*.json")]:
            old.unlink()
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    try:
        maker = Producers(work, tmp, opts.producers, log)
        docs = maker.make(cases, real=bool(set(opts.producers) & set(REAL)), tools=opts.tools)
        log(f"{len(docs)} documents made in {time.perf_counter() - start:.0f} s")
        jobs: list[Job] = []
        meta: dict[int, Doc] = {}
        for doc in docs:
            for tool in TOOLS[doc.kind]:
                if tool not in opts.tools:
                    continue
                text = maker.texts.get((doc.case.name, doc.producer, tool))
                if tool in MAIN_PROCESS_TOOLS and text is None:
                    continue
                job = Job(len(jobs), str(doc.path), doc.kind, tool, doc.case.truth, text)
                jobs.append(job)
                meta[job.id] = doc
        entries: list[dict[str, Any]] = []
        pool = Pool(opts.jobs, opts.tool_timeout, opts.parse_timeout)

        def done(job: Job, score: Score, text: str | None) -> None:
            doc = meta[job.id]
            stem = f"{doc.case.name}__{slug(doc.producer)}__{job.tool}"
            entry = {
                "file": f"{stem}.txt" if job.tool != "nianbao" else f"docs/{doc.path.name}",
                "report": doc.case.name,
                "note": doc.case.note,
                "producer": doc.producer,
                "tool": job.tool,
                "source": f"docs/{doc.path.name}",
                "score": asdict(score),
            }
            entries.append(entry)
            if opts.save:
                if text is not None:
                    (opts.save / f"{stem}.txt").write_text(text, encoding="utf-8")
                truth = asdict(doc.case.truth)
                side = {**truth, **entry, "blank_cells": sorted(doc.case.blanks)}
                (opts.save / f"{stem}.json").write_text(json.dumps(side, ensure_ascii=False, indent=1), "utf-8")
            if len(entries) % 50 == 0:
                log(f"  {len(entries)}/{len(jobs)} texts scored ({time.perf_counter() - start:.0f} s)")

        try:
            pool.run(jobs, done)
        finally:
            pool.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = summarize(entries, opts, time.perf_counter() - start)
    if opts.save:
        _save(result, opts.save)
    return result


def summarize(entries: list[dict[str, Any]], opts: Options, seconds: float) -> Result:
    """The rows of the table, in the order of producers and tools."""
    rows: dict[str, Row] = {}
    tools: dict[str, Row] = {}
    formats: dict[str, Row] = {}
    total = Row("all")
    order = {p: i for i, p in enumerate(PRODUCERS)}
    tool_order = {t: i for i, t in enumerate(ALL_TOOLS)}
    entries.sort(key=lambda e: (order[e["producer"]], tool_order[e["tool"]], e["report"]))
    for e in entries:
        s = Score(**e["score"])
        label = _label(e["producer"], e["tool"])
        rows.setdefault(label, Row(label)).add(s)
        tools.setdefault(e["tool"], Row(e["tool"])).add(s)
        fmt = KIND[e["producer"]]
        formats.setdefault(fmt, Row(fmt)).add(s)
        total.add(s)
    by_tool = sorted(tools.values(), key=lambda r: tool_order[r.label])
    by_format = sorted(formats.values(), key=lambda r: list(TOOLS).index(r.label))
    return Result(entries, list(rows.values()), by_tool, by_format, total, seconds, opts)


def _tsv(cells: list[dict[str, Any]], cols: tuple[str, ...]) -> str:
    def clean(v: object) -> str:
        return "" if v is None else str(v).replace("\t", " ").replace("\n", "⏎")

    return "\n".join(["\t".join(cols), *("\t".join(clean(c.get(k)) for k in cols) for c in cells)]) + "\n"


def _save(result: Result, out: Path) -> None:
    summary = {**result.as_dict(), "wrong_ok": result.wrong_ok(), "errors": _errors(result)}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "wrong-ok.tsv").write_text(
        _tsv(result.wrong_ok(), ("file", "key", "expected", "got", "status", "raw", "note")), encoding="utf-8"
    )
    (out / "unreadable.tsv").write_text(
        _tsv(result.unreadable(), ("file", "key", "expected", "raw", "note")), encoding="utf-8"
    )


def _errors(result: Result) -> list[dict[str, Any]]:
    return [{"file": e["file"], "error": e["score"]["error"]} for e in result.entries if e["score"]["error"]]


def _pick(given: str | None, known: tuple[str, ...], what: str) -> tuple[str, ...]:
    if not given:
        return known
    names = tuple(n.strip() for n in given.split(",") if n.strip())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")
    return names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random reports' seed (default {DEFAULT_SEED})")
    ap.add_argument(
        "--reports", type=int, help=f"random reports per template (default {DEFAULT_REPORTS}, quick {QUICK_REPORTS})"
    )
    ap.add_argument("--templates", help="2021,2019 (default both)")
    ap.add_argument("--producers", help="comma-separated, of: " + ", ".join(PRODUCERS))
    ap.add_argument("--tools", help="comma-separated, of: " + ", ".join(ALL_TOOLS))
    ap.add_argument("--quick", action="store_true", help="one report per template, fewer producers and tools")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes that extract and parse (default 2)")
    ap.add_argument("--parse-timeout", type=float, default=60.0, help="seconds one parse may take")
    ap.add_argument("--save", type=Path, help="write documents, texts, truths and scores to this directory")
    ap.add_argument("--show-wrong", action="store_true", help="list every wrong-ok cell")
    ap.add_argument("--show-unreadable", action="store_true", help="list every unreadable cell")
    ap.add_argument("--json", action="store_true", help="print the table as JSON")
    ap.add_argument("--strict", action="store_true", help="exit 1 when any cell is wrong while certain")
    a = ap.parse_args(argv)
    opts = Options(
        seed=a.seed,
        reports=a.reports if a.reports is not None else (QUICK_REPORTS if a.quick else DEFAULT_REPORTS),
        templates=_pick(a.templates, ("2021", "2019"), "templates"),
        producers=_pick(a.producers, PRODUCERS, "producers") if a.producers or not a.quick else QUICK_PRODUCERS,
        tools=_pick(a.tools, ALL_TOOLS, "tools") if a.tools or not a.quick else QUICK_TOOLS,
        jobs=max(1, a.jobs),
        parse_timeout=a.parse_timeout,
        save=a.save,
    )
    result = run(opts)
    if a.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        print(table_text(result.rows, result.by_tool, result.by_format, result.total))
        print(f"\nseed {opts.seed}, {opts.reports} random report(s) per template, {result.seconds:.0f} s")
    if a.show_wrong:
        for c in result.wrong_ok():
            print(f"WRONG-OK {c['file']}  {c['key']}: expected {c['expected']}, got {c['got']} "
                  f"({c['status']}, raw {c['raw']!r}) {c['note'] or ''}")  # fmt: skip
    if a.show_unreadable:
        for c in result.unreadable():
            print(f"UNREADABLE {c['file']}  {c['key']}: expected {c['expected']}, raw {c['raw']!r} {c['note'] or ''}")
    for err in _errors(result):
        print(f"ERROR {err['file']}: {err['error']}", file=sys.stderr)
    return 1 if a.strict and result.total.wrong_ok else 0


if __name__ == "__main__":
    sys.exit(main())
