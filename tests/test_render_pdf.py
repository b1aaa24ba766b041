"""The PDF looks like the official report: pages rendered to PNG (pdftoppm, kept in
artifacts/render/), A4, CJK fonts embedded, page numbers, T3 drawn with all its rules."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from nianbao.render import render
from nianbao.render.inputs import load_file, to_report
from nianbao.render.layout import layout
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"
ARTIFACTS = ROOT / "artifacts" / "render"


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.fixture(scope="module")
def pdf() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("example-2024*"):
        old.unlink()
    path = ARTIFACTS / "example-2024.pdf"
    path.write_bytes(render(to_report(load_file(EXAMPLE)), "pdf"))
    _run("pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / "example-2024"))
    return path


def _pages(pdf: Path) -> list[Path]:
    return sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))


def _page_text(pdf: Path, n: int) -> str:
    return re.sub(r"\s+", "", _run("pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"))


def test_pages_are_a4_with_page_numbers(pdf: Path) -> None:
    info = _run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert "(A4)" in info
    pngs = _pages(pdf)
    assert len(pngs) == pages == 4
    for n, png in enumerate(pngs, start=1):
        with Image.open(png) as im:
            assert abs(im.height / im.width - 297 / 210) < 0.01
            gray = im.convert("L")
            ink = sum(gray.histogram()[:128]) / (im.width * im.height)
            assert ink > 0.005, png.name
        assert f"—{n}—" in _page_text(pdf, n)


def test_cjk_fonts_are_embedded(pdf: Path) -> None:
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    assert all(row.split()[-5] == "yes" for row in rows)  # emb column
    assert any("CJK-SC" in row for row in rows)


def test_t3_is_drawn_with_every_row_rule(pdf: Path) -> None:
    """The page holding T3 (found by its note) shows a horizontal rule above and below each of
    its 28 grid rows, at least across the value columns."""
    note = layout("2021").section(3).tables[0].cells()[0].text
    n = next(i for i in range(1, 5) if re.sub(r"\s+", "", note) in _page_text(pdf, i))
    with Image.open(_pages(pdf)[n - 1]) as im:
        gray = im.convert("L")
        w, h = gray.size
        px = gray.tobytes()  # mode L: one byte a pixel, row by row
        dark_rows = [y for y in range(h) if sum(1 for x in range(w // 2, w) if px[y * w + x] < 140) > w * 0.3]
    # adjacent pixel rows of one rule count once
    rules = [y for i, y in enumerate(dark_rows) if i == 0 or y - dark_rows[i - 1] > 1]
    assert len(rules) >= 29 - 2  # 29 rules for 28 rows; the top header rows merge a little at 60 dpi
