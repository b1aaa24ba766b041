"""Office formats through LibreOffice (DOC, RTF, ODT, XLS) and the XLSX reader.

The DOC/RTF/ODT/XLS inputs are made here from the sample DOCX and XLSX by LibreOffice,
then read back by the reader under test (LibreOffice again, to DOCX/XLSX)."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest

from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_bytes
from nianbao.readers import office, read, xlsx
from nianbao.readers.limits import Limits
from tests.conftest_binary import build, expected_values

pytestmark = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build("docx", tmp_path_factory).read_bytes()


@pytest.fixture(scope="module")
def sample_xlsx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return build("xlsx", tmp_path_factory).read_bytes()


@pytest.mark.parametrize("target", ["doc", "rtf", "odt"])
def test_word_formats_parse_to_the_sample_values(sample_docx: bytes, target: str) -> None:
    data = office.convert(sample_docx, "docx", target, 120)
    report = parse_bytes(data, f"sample.{target}")
    assert report.source.format == target
    assert report.agency == "孟津区科技和工业信息化局"
    assert report.values == expected_values()


def test_doc_grid_keeps_merged_cells(sample_docx: bytes) -> None:
    doc = read(office.convert(sample_docx, "docx", "doc", 120))
    assert doc.format == "doc" and doc.meta["converted_by"] == "libreoffice"
    t3 = doc.grids()[1]
    assert [c.text for c in t3.rows[3][3:]] == ["5", "2", "0", "0", "0", "0", "7"]
    assert t3.rows[3][0].text == t3.rows[3][2].text and not t3.is_origin(3, 1)
    assert not t3.is_origin(6, 0) and t3.rows[6][0].text == t3.rows[5][0].text


def test_xlsx_reader_expands_merged_ranges(sample_xlsx: bytes) -> None:
    doc = xlsx.read(sample_xlsx, Limits())
    assert doc.format == "xlsx" and doc.meta["sheets"] == "年度报告"
    t2, t3, _ = doc.grids()
    row = next(r for r, cells in enumerate(t2.rows) if cells[1].text == "12")
    assert [c.text for c in t2.rows[row]][1:] == ["12", "12", "12"]
    assert [t2.is_origin(row, c) for c in range(4)] == [True, True, False, False]
    assert [c.text for c in t3.rows[3][3:]] == ["5", "2", "0", "0", "0", "0", "7"]
    assert t3.rows[3][0].text == t3.rows[3][2].text and [t3.is_origin(3, c) for c in range(3)] == [True, False, False]
    # the text lines of the sheet are paragraphs, located by sheet row and column
    title = doc.paragraphs()[0]
    assert title.text.startswith("孟津区") and (title.loc.row, title.loc.col) == (0, 0)
    # numbers typed as numbers come out as the text a reader sees
    assert any(c.text == "1.5" for row in t2.rows for c in row)


def test_xlsx_and_xls_parse_to_the_sample_values(sample_xlsx: bytes) -> None:
    assert parse_bytes(sample_xlsx, "sample.xlsx").values == expected_values()
    xls = office.convert(sample_xlsx, "xlsx", "xls", 120)
    report = parse_bytes(xls, "sample.xls")
    assert report.source.format == "xls"
    assert report.values == expected_values()


def test_conversion_leaves_nothing_behind_and_times_out(sample_docx: bytes) -> None:
    before = set(os.listdir(tempfile.gettempdir()))
    with pytest.raises(NianbaoError) as e:
        office.convert(sample_docx, "docx", "pdf", 0.05)
    assert e.value.code == "E_TIMEOUT"
    assert set(os.listdir(tempfile.gettempdir())) == before


def test_concurrent_conversions_use_a_profile_each_at_a_time(sample_docx: bytes) -> None:
    results: list[bytes] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            results.append(office.convert(sample_docx, "docx", "doc", 120))
        except Exception as e:  # collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 3
    assert all(r.startswith(b"\xd0\xcf\x11\xe0") for r in results)


def test_ole_that_is_neither_word_nor_excel_is_unsupported(tmp_path: Path) -> None:
    import olefile  # type: ignore[import-untyped]

    # a PowerPoint-like compound file: no WordDocument or Workbook stream
    data = office.convert(b"{\\rtf1\\ansi x}", "rtf", "doc", 120)
    ole = olefile.OleFileIO(data)
    assert ole.exists("WordDocument")
    ole.close()
    with pytest.raises(NianbaoError) as e:
        office.kind(data.replace(b"W\x00o\x00r\x00d\x00D\x00o\x00c", b"X\x00o\x00r\x00d\x00D\x00o\x00c"))
    assert e.value.code == "E_UNSUPPORTED"
