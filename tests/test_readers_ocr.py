"""OCR: the sample printed to PDF by LibreOffice, its table pages rendered to images
(pdftoppm) and bound back into a PDF without a text layer; an image file; a PDF with
text and scanned pages mixed. Every value is read right or marked with a low
confidence, none wrong."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from nianbao.document import LOW_CONFIDENCE, Document
from nianbao.extract import extract
from nianbao.readers import ocr, read
from nianbao.report import Source
from tests.conftest_binary import build, cell_positions, expected_values

pytestmark = pytest.mark.skipif(not ocr.available(), reason="OCR engine (rapidocr-onnxruntime) is not installed")


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build("scan", tmp_path_factory).read_bytes()


@pytest.fixture(scope="module")
def scan_doc(scan: bytes) -> Document:
    return read(scan)


def _fmt(v: float | None) -> str:
    return "" if v is None else str(int(v)) if float(v).is_integer() else str(v)


def test_scanned_pdf_pages_go_through_ocr(scan_doc: Document) -> None:
    pages = int(scan_doc.meta["pages"])
    assert scan_doc.meta["ocr"] == ocr.ENGINE
    assert scan_doc.meta["ocr_pages"] == ",".join(str(i) for i in range(1, pages + 1))
    assert all(p.confidence is not None for p in scan_doc.paragraphs())
    assert any(p.text.startswith("三、收到和处理政府信息公开申请情况") for p in scan_doc.paragraphs())


def test_scanned_table_cells_are_right_or_marked(scan_doc: Document) -> None:
    """T3 (joined over its page break, as in the text PDF): its 25 rows of 7 numbers."""
    t3 = next(g for g in scan_doc.grids() if len(g.rows[0]) == 10)
    values = expected_values()
    wrong: list[tuple[str, str]] = []
    marked: list[tuple[str, str]] = []
    for key, (_, r, c) in cell_positions().items():
        if key.startswith("applications."):
            cell = t3.rows[r][c]
            if cell.text != _fmt(values[key]):
                (marked if (cell.confidence or 0) < LOW_CONFIDENCE else wrong).append((key, cell.text))
    assert wrong == []
    assert len(marked) <= 5
    assert [c.text for c in t3.rows[3][3:]] == ["5", "2", "0", "0", "0", "0", "7"]
    # merged cells come from the rules found in the image, as in a text PDF
    assert t3.rows[3][0].text == t3.rows[3][2].text and not t3.is_origin(3, 1)
    assert t3.rows[3][9].loc.bbox is not None and t3.rows[3][9].confidence is not None
    assert {t3.rows[4][3].loc.page, t3.rows[20][3].loc.page} == {2, 3}


def test_scanned_pdf_parses_to_the_sample_values(scan_doc: Document, scan: bytes) -> None:
    report = extract(scan_doc, Source(path="scan.pdf", sha256="-", format="pdf", size=len(scan)))
    expected = expected_values()
    certain = ("ok", "ocr")
    wrong = {k: v for k, v in report.values.items() if report.provenance[k].status in certain and v != expected[k]}
    assert wrong == {}
    assert sum(1 for k, v in report.values.items() if v == expected[k]) >= 195
    ocr = [p for p in report.provenance.values() if p.status == "ocr"]
    assert len(ocr) >= 150 and all(p.confidence is not None and p.confidence >= LOW_CONFIDENCE for p in ocr)


def test_mixed_pdf_is_read_page_by_page(tmp_path_factory: pytest.TempPathFactory, scan: bytes) -> None:
    """Pages 1–4 with their text layer, page 5 (T4's numbers, cut from its header by the
    page break) scanned: the OCR'd row joins the header read from the text."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    text_pdf = pdfium.PdfDocument(build("pdf", tmp_path_factory).read_bytes())
    scanned = pdfium.PdfDocument(scan)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(text_pdf, list(range(len(text_pdf) - 1)))
    mixed.import_pages(scanned, [len(scanned) - 1])
    buf = io.BytesIO()
    mixed.save(buf)
    for d in (mixed, scanned, text_pdf):
        d.close()
    doc = read(buf.getvalue())
    assert doc.meta["ocr_pages"] == "5"
    t4 = next(g for g in doc.grids() if len(g.rows[0]) == 15)
    assert t4.rows[-1][0].loc.page == 5 and t4.rows[0][0].loc.page == 4
    assert t4.rows[-1][0].confidence is not None and t4.rows[0][0].confidence is None
    report = extract(doc, Source(path="mixed.pdf", sha256="-", format="pdf", size=len(buf.getvalue())))
    assert report.agency == "孟津区科技和工业信息化局"
    assert report.values == expected_values()


def test_image_file(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    """A photo of a table: the top of the sample's page 3 (T2), cut out as a PNG."""
    from PIL import Image

    text_pdf = build("pdf", tmp_path_factory)
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", "3", "-l", "3", str(text_pdf), str(tmp_path / "p")],
                   check=True, timeout=120)
    page = Image.open(next(tmp_path.glob("p*.png")))
    buf = io.BytesIO()
    page.crop((0, 0, page.width, page.height * 2 // 5)).save(buf, format="PNG")
    doc = read(buf.getvalue())
    assert doc.format == "image" and doc.meta["ocr"] == ocr.ENGINE
    t2 = next(g for g in doc.grids() if len(g.rows[0]) == 4)
    licensing = next(row for row in t2.rows if row[1].text == "12")
    assert [c.text for c in licensing[1:]] == ["12", "12", "12"]
    assert [c.text for c in t2.rows[-1]][1:] == ["1.5"] * 3
