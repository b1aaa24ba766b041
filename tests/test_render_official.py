"""An official-looking document (issue 19): the samples, the example and the real PDF rendered to
PDF after GB/T 9704, pages turned into PNG (pdftoppm, kept in artifacts/render/official/) and
measured — fonts embedded, no page under a third full except the last, table headers repeated on
every page a table runs onto, page numbers 「— N —」, the 落款 at the end, the document's
metadata — and the DOCX's properties."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from functools import cache
from pathlib import Path

import docx
import pytest
from PIL import Image

from nianbao.render import render
from nianbao.render.inputs import load_file, to_report
from nianbao.report import Report
from nianbao.template import load
from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "render" / "official"
SOURCES = [
    *sorted((ROOT / "examples" / "samples").glob("*.txt")),
    ROOT / "examples" / "render" / "example-2024.yaml",
    ROOT / "examples" / "files" / "huaian-2024.pdf",
]
DPI = 40
TOP_CM, BOTTOM_CM = 3.7, 3.5  # the 版心 of the CSS


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120).stdout


@cache
def _report(path: Path) -> Report:
    return to_report(load_file(path))


@cache
def _pdf(path: Path) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{path.stem}.pdf"
    for old in ARTIFACTS.glob(f"{path.stem}-*.png"):
        old.unlink()
    out.write_bytes(render(_report(path), "pdf"))
    _run("pdftoppm", "-r", str(DPI), "-png", str(out), str(ARTIFACTS / path.stem))
    return out


def _pages(pdf: Path) -> list[Path]:
    return sorted(pdf.parent.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def fill(png: Path) -> float:
    """How much of the 版心 a page fills: from its top to the lowest row with ink, over its height
    (the page number below the 版心 not counted)."""
    im = Image.open(png).convert("L")
    w, h = im.size
    top = round(TOP_CM / 2.54 * DPI)
    bottom = h - round(BOTTOM_CM / 2.54 * DPI)
    px = im.tobytes()  # mode L: one byte a pixel, row by row
    lowest = top
    for y in range(top, bottom):
        if any(px[y * w + x] < 128 for x in range(0, w, 1)):
            lowest = y
    return (lowest - top) / (bottom - top)


def _text(pdf: Path, n: int) -> str:
    return re.sub(r"\s+", "", _run("pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_pages_fonts_headers_and_signature(path: Path) -> None:
    pdf = _pdf(path)
    report = _report(path)
    pages = _pages(pdf)
    assert len(pages) >= 2
    # fonts: every one embedded (subset), the CJK faces named in fonts.yaml's fallbacks
    fonts = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", ln) for ln in fonts), fonts
    assert any("Noto-Serif-CJK-SC" in ln for ln in fonts) and any("Noto-Sans-CJK-SC" in ln for ln in fonts)
    # no near-empty page but the last
    fills = [fill(p) for p in pages]
    assert all(f >= 1 / 3 for f in fills[:-1]), fills
    # 表三's header on every page that holds its rows
    t3_rows = [re.sub(r"\s", "", r.label) for r in load(report.template or "2021").table("applications").all_rows()]
    for n in range(1, len(pages) + 1):
        text = _text(pdf, n)
        if sum(label[:8] in text for label in t3_rows[2:]) >= 2:
            assert "申请人情况" in text and "商业企业" in text, f"page {n}: rows of 表三 without its header"
        assert f"—{n}—" in text, f"page {n}: no page number"
    # the 落款 ends the last page; the metadata names the report and the agency
    last = _text(pdf, len(pages))
    today = date.today()
    assert f"{report.agency}{today.year}年{today.month}月{today.day}日" in last
    info = _run("pdfinfo", str(pdf))
    assert f"Title:           {report.title}" in info and f"Author:          {report.agency}" in info


def test_docx_properties_and_signature() -> None:
    path = ROOT / "examples" / "files" / "huaian-2024.pdf"
    report = _report(path)
    document = docx.Document(io.BytesIO(render(report, "docx")))
    props = document.core_properties
    assert (props.title, props.author, props.last_modified_by) == (report.title, report.agency, report.agency)
    assert props.created is not None and props.created.date() == date.today()
    assert "python-docx" not in f"{props.author}{props.comments}{props.last_modified_by}"
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    today = date.today()
    assert texts[-2:] == [report.agency, f"{today.year}年{today.month}月{today.day}日"]
    assert document.settings.odd_and_even_pages_header_footer
    footers = [s.footer.paragraphs[0].text for s in document.sections] + [
        document.sections[0].even_page_footer.paragraphs[0].text
    ]
    assert all(f.startswith("— ") and f.endswith(" —") for f in footers)
