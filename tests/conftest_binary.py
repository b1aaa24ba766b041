"""Binary versions of a text sample, made at test time (nothing binary is committed).

The official blank Word table (examples/files/official-template-blank.docx, with its
merged cells) is filled with the numbers of sample 001 — with some non-zero values
chosen here — and its prose; from that DOCX come a PDF (LibreOffice), a scanned PDF of
its pages 2–5, those with the tables (pdftoppm → images → Pillow) and an XLSX
(openpyxl, merged cells kept). Each is built
once per test session, on first use, and shared by the test modules.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pytest

from nianbao.document import Grid, Paragraph
from nianbao.pipeline import parse_file
from nianbao.readers import docx as docx_reader
from nianbao.readers.limits import Limits
from nianbao.readers.office import convert
from nianbao.template import load

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "samples" / "001_5cbb82ac5aa5eb0a.txt"
TEMPLATE_DOCX = ROOT / "examples" / "files" / "official-template-blank.docx"
HUAIAN = ROOT / "examples" / "files" / "huaian-2024.pdf"

# The values put in the tables where sample 001 has zeros: consistent with the
# arithmetic of the format (new + carried over = results + carried forward, per column).
CHOSEN: dict[str, float] = {
    "active.licensing.decisions": 12,
    "active.punishment.decisions": 3,
    "active.fees.amount": 1.5,
    "applications.new.natural_person": 5,
    "applications.new.business": 2,
    "applications.new.total": 7,
    "applications.carried_over.natural_person": 1,
    "applications.carried_over.total": 1,
    "applications.granted.natural_person": 3,
    "applications.granted.business": 1,
    "applications.granted.total": 4,
    "applications.partially_granted.natural_person": 1,
    "applications.partially_granted.total": 1,
    "applications.unavailable_not_held.natural_person": 1,
    "applications.unavailable_not_held.total": 1,
    "applications.refused_duplicate.business": 1,
    "applications.refused_duplicate.total": 1,
    "applications.results_total.natural_person": 5,
    "applications.results_total.business": 2,
    "applications.results_total.total": 7,
    "applications.carried_forward.natural_person": 1,
    "applications.carried_forward.total": 1,
    "appeals.reconsideration.upheld": 1,
    "appeals.reconsideration.pending": 1,
    "appeals.reconsideration.total": 2,
    "appeals.litigation_direct.corrected": 1,
    "appeals.litigation_direct.total": 1,
}

# Where each table's data cells sit in the official Word file: (table, row, first column)
# for each template row, in the template's order; a row's columns follow left to right.
_T2_ROWS = [2, 3, 6, 9, 10, 13]
_T3_FIRST_ROW, _T3_FIRST_COL = 3, 3
_T4_ROW = 3

_built: dict[str, Path] = {}


def norm(s: str) -> str:
    """Labels compared without spaces, line breaks and full/half-width differences."""
    return "".join(unicodedata.normalize("NFKC", s).split())


def expected_values() -> dict[str, float | None]:
    """The 200 values of the binary versions: sample 001's, with CHOSEN put in."""
    values = dict(parse_file(SAMPLE).values)
    values.update(CHOSEN)
    return values


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def cell_positions() -> dict[str, tuple[int, int, int]]:
    """Cell key → (table, row, col) in the official Word file (checked against the
    template's row labels)."""
    template = load("2021")
    out: dict[str, tuple[int, int, int]] = {}
    active = template.table("active")
    rows = active.all_rows()
    for row, r in zip(rows, _T2_ROWS, strict=True):
        cols = active.block_of(row.key).columns
        for c, col in enumerate(cols):
            out[active.cell_key(row, col)] = (0, r, 1 + c)
    apps = template.table("applications")
    for i, row in enumerate(apps.all_rows()):
        for c, col in enumerate(apps.block_of(row.key).columns):
            out[apps.cell_key(row, col)] = (1, _T3_FIRST_ROW + i, _T3_FIRST_COL + c)
    appeals = template.table("appeals")
    for c, (*_, key) in enumerate(appeals.cells()):
        out[key] = (2, _T4_ROW, c)
    return out


def _fill_docx(path: Path) -> None:
    import docx

    values = expected_values()
    sample = parse_file(SAMPLE)
    template = load("2021")
    d = docx.Document(str(TEMPLATE_DOCX))
    tables = d.tables
    for key, (t, r, c) in cell_positions().items():
        row = tables[t].rows[r]
        row.cells[c].text = _fmt(values[key])
        if t < 2:  # the row's own label: column 0 in table 2, column 2 in table 3
            label = norm(row.cells[0 if t == 0 else 2].text)
            assert any(norm(x)[:5] in label for x in template.row(key).labels), (key, label)
    paragraphs = d.paragraphs
    title = next(p for p in paragraphs if p.text.strip())
    assert sample.title is not None
    title.runs[0].text = sample.title
    for run in title.runs[1:]:
        run.text = ""
    bodies = {s.no: s.text for s in sample.sections}
    placeholders = [p for p in paragraphs if "文字描述" in p.text]
    for p, no in zip(placeholders, (1, 5, 6), strict=True):
        lines = [ln for ln in bodies[no].split("\n") if ln.strip()]
        for line in lines[:-1]:
            p.insert_paragraph_before(line)
        p.runs[0].text = lines[-1]
        for run in p.runs[1:]:
            run.text = ""
    d.save(str(path))


def _xlsx_from_docx(docx_bytes: bytes, path: Path) -> None:
    """The DOCX's blocks in a worksheet: a paragraph per row in column A, each grid
    below with its merged cells merged again."""
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

    doc = docx_reader.read(docx_bytes, Limits())
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = "年度报告"
    r = 1
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            ws.cell(row=r, column=1, value=block.text)
            r += 1
        elif isinstance(block, Grid):
            for i, row in enumerate(block.rows):
                for j, cell in enumerate(row):
                    if block.is_origin(i, j):
                        ws.cell(row=r + i, column=1 + j, value=_number_or_text(cell.text))
            for i, j, h, w in _merges(block):
                ws.merge_cells(start_row=r + i, start_column=1 + j, end_row=r + i + h - 1, end_column=j + w)
            r += len(block.rows) + 1
    wb.save(str(path))


def _number_or_text(text: str) -> str | int | float:
    if text.replace(".", "", 1).isdigit():
        return float(text) if "." in text else int(text)
    return text


def _merges(grid: Grid) -> list[tuple[int, int, int, int]]:
    """Merged cells of an expanded grid as (row, col, height, width): an origin and the
    repeated copies of its text to its right and below it."""
    out: list[tuple[int, int, int, int]] = []
    for i, row in enumerate(grid.rows):
        for j, cell in enumerate(row):
            if not grid.is_origin(i, j):
                continue
            w = 1
            while j + w < len(row) and not grid.is_origin(i, j + w) and row[j + w].text == cell.text:
                w += 1
            h = 1
            while i + h < len(grid.rows) and not grid.is_origin(i + h, j) and grid.rows[i + h][j].text == cell.text:
                h += 1
            if h > 1 or w > 1:
                out.append((i, j, h, w))
    return out


def _scan(pdf: Path, out: Path) -> None:
    from PIL import Image

    stem = out.parent / "scan"
    # from page 2 on: the pages with the tables (page 1 is prose; OCR costs seconds a page)
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-f", "2", str(pdf), str(stem)], check=True, timeout=120)
    pages = sorted(out.parent.glob("scan*.png"))
    images = [Image.open(p).convert("L") for p in pages]
    images[0].save(out, save_all=True, append_images=images[1:], resolution=200.0)


def build(name: str, factory: pytest.TempPathFactory) -> Path:
    """The binary sample ``name`` (docx, pdf, scan, xlsx), built on first use."""
    if name in _built:
        return _built[name]
    base = factory.getbasetemp() / "binary-samples"
    base.mkdir(exist_ok=True)
    if name == "docx":
        path = base / "sample.docx"
        _fill_docx(path)
    elif name == "pdf":
        if shutil.which("soffice") is None:
            pytest.skip("LibreOffice (soffice) is not installed")
        path = base / "sample.pdf"
        path.write_bytes(convert(build("docx", factory).read_bytes(), "docx", "pdf", 180))
    elif name == "scan":
        if shutil.which("pdftoppm") is None:
            pytest.skip("poppler-utils (pdftoppm) is not installed")
        path = base / "scan.pdf"
        _scan(build("pdf", factory), path)
    elif name == "xlsx":
        path = base / "sample.xlsx"
        _xlsx_from_docx(build("docx", factory).read_bytes(), path)
    else:
        raise ValueError(name)
    _built[name] = path
    return path


def docx_bytes_with(document_xml: str, extra: Mapping[str, str | bytes] | None = None) -> bytes:
    """A minimal DOCX around a given word/document.xml (for the reader's edge cases)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
