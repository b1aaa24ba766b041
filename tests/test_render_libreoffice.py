"""The rendered DOCX opened by another office suite: Word and WPS are not available here, so
LibreOffice headless (an OOXML implementation of its own) opens it and saves it as ODT and as PDF.
What it read is then checked against the layout from the template: every merged cell of 表二,
表三 and 表四 with its row and column span and text, the header rows it repeats on each page, the
title's three lines, the metadata (title, author = the agency, language, date), and the tables'
text on the pages it printed. The files are kept in artifacts/render/libreoffice/."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from nianbao.render import render
from nianbao.render.content import format_value
from nianbao.render.inputs import load_file, to_report
from nianbao.render.layout import layout
from nianbao.report import Report
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"
AGENCY = "新疆维吾尔自治区巴音郭楞蒙古自治州焉耆回族自治县科技和工业信息化局"
TITLE_LINES = [
    "新疆维吾尔自治区巴音郭楞蒙古自治州",
    "焉耆回族自治县科技和工业信息化局",
    "2024年政府信息公开工作年度报告",
]
OUT = ROOT / "artifacts" / "render" / "libreoffice"
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
TABLE, TEXT, META = (f"{{{NS[k]}}}" for k in ("table", "text", "meta"))


@cache
def _report() -> Report:
    """The example, signed by an agency whose name takes two lines of the title."""
    title = f"{AGENCY}2024年政府信息公开工作年度报告"
    return to_report(load_file(EXAMPLE)).model_copy(update={"agency": AGENCY, "title": title})


@cache
def _converted() -> tuple[Path, Path]:
    """The DOCX, and what LibreOffice made of it: ODT and PDF (one profile, two conversions)."""
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    src = OUT / "report.docx"
    src.write_bytes(render(_report(), "docx"))
    for target in ("odt", "pdf"):
        run = subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{OUT}/profile", "--convert-to", target,
             "--outdir", str(OUT), str(src)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 0 and (OUT / f"report.{target}").is_file(), run.stdout + run.stderr
    shutil.rmtree(OUT / "profile", ignore_errors=True)
    return OUT / "report.odt", OUT / "report.pdf"


def _odt(part: str) -> etree._Element:
    with zipfile.ZipFile(_converted()[0]) as z:
        return etree.fromstring(z.read(part))


def _text(el: etree._Element) -> str:
    return "".join(str(t) for t in el.itertext())


def odt_merges(table: etree._Element) -> dict[tuple[int, int], tuple[int, int, str]]:
    """(row, col) of each cell's origin → (rowspan, colspan, text), as the ODT says them:
    table:number-rows-spanned / number-columns-spanned, the positions they cover written as
    covered-table-cell (header rows included, wherever LibreOffice put them)."""
    out: dict[tuple[int, int], tuple[int, int, str]] = {}
    for r, row in enumerate(table.iter(TABLE + "table-row")):
        c = 0
        for cell in row:
            repeat = int(cell.get(TABLE + "number-columns-repeated", "1"))
            if cell.tag == TABLE + "table-cell":
                rowspan = int(cell.get(TABLE + "number-rows-spanned", "1"))
                colspan = int(cell.get(TABLE + "number-columns-spanned", "1"))
                out[(r, c)] = (rowspan, colspan, _text(cell))
            c += repeat
    return out


def test_libreoffice_keeps_every_merged_cell_of_the_three_tables() -> None:
    report = _report()
    body = _odt("content.xml").find("office:body/office:text", NS)
    assert body is not None
    tables = body.findall(".//table:table", NS)
    plans = layout("2021").tables()
    assert len(tables) == len(plans) == 3
    for plan, table in zip(plans, tables, strict=True):
        expected = {}
        for c in plan.cells():
            value = report.values.get(c.key) if c.key else None
            text = c.text if c.kind != "value" else ("" if value is None else format_value(value))
            expected[(c.row, c.col)] = (c.rowspan, c.colspan, text)
        got = odt_merges(table)
        assert got == expected, plan.key
        columns = sum(
            int(col.get(TABLE + "number-columns-repeated", "1")) for col in table.iter(TABLE + "table-column")
        )
        assert columns == plan.width, plan.key
        # the header rows LibreOffice repeats on each page are the layout's
        header = table.find("table:table-header-rows", NS)
        repeated = 0 if header is None else len(header.findall("table:table-row", NS))
        assert repeated == plan.header_rows, plan.key  # 表二: none; 表三 and 表四: three
    t3 = odt_merges(tables[1])
    assert t3[(0, 0)][:2] == (3, 3)  # the note over the header rows and the three label columns
    assert t3[(0, 3)] == (1, 7, "申请人情况")
    assert t3[(5, 0)][:2] == (22, 1)  # 三、本年度办理结果, over its 22 rows


def test_libreoffice_reads_the_title_author_and_date() -> None:
    report = _report()
    meta = _odt("meta.xml").find("office:meta", NS)
    assert meta is not None

    def field(name: str) -> str | None:
        el = meta.find(name, NS)
        return None if el is None else el.text

    assert field("dc:title") == report.title == f"{AGENCY}2024年政府信息公开工作年度报告"
    assert field("dc:creator") == field("meta:initial-creator") == AGENCY
    assert field("dc:language") == "zh-CN"
    assert field("dc:subject") == "政府信息公开工作年度报告"
    assert (field("meta:creation-date") or "").startswith(date.today().isoformat())
    assert "python-docx" not in etree.tostring(meta, encoding=str)
    stats = meta.find("meta:document-statistic", NS)
    assert stats is not None and stats.get(META + "table-count") == "3"


def test_libreoffice_keeps_the_title_lines_and_prints_the_tables() -> None:
    pdf = _converted()[1]
    body = _odt("content.xml").find("office:body/office:text", NS)
    assert body is not None
    first = next(el for el in body if el.tag in (TEXT + "p", TEXT + "h"))
    assert len(first.findall(".//text:line-break", NS)) == 2 and _text(first) == "".join(TITLE_LINES)
    run = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60)
    assert f"Title:           {_report().title}" in run.stdout
    assert f"Author:          {AGENCY}" in run.stdout
    pages = int(re.search(r"Pages:\s+(\d+)", run.stdout).group(1))  # type: ignore[union-attr]
    assert pages >= 2
    with pdfplumber.open(pdf) as doc:
        first_page = doc.pages[0]
        big = [c for c in first_page.chars if c["size"] > 20]  # 二号 title; the body is 三号
        rows: dict[int, list[str]] = {}
        for c in sorted(big, key=lambda c: (round(c["top"]), c["x0"])):
            rows.setdefault(round(c["top"]), []).append(c["text"])
        assert ["".join(r) for _, r in sorted(rows.items())] == TITLE_LINES
        text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in doc.pages))
    for words in ("第二十条第（一）项", "申请人情况", "法人或其他组织", "（七）总计", "四、结转下年度继续办理",
                  "行政复议", "行政诉讼", "未经复议直接起诉"):  # fmt: skip
        assert words in text, words
    assert f"{AGENCY}{date.today().year}年" in text  # the 落款
