"""Limits checked before work (issue 14): each hostile file is refused by what its headers and
XML streams say, before the memory it would take is spent — in a child held to 1 GB, the error
is the file's own limit, never the child's memory limit."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

import nianbao
from nianbao.bounded import BoundedPool
from nianbao.datalimits import check_data, nesting
from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_bytes
from nianbao.readers.limits import Limits
from tests import hostile_files as hf

CHILD = Limits(max_memory_mb=1024, max_seconds=60)


def _refused(data: bytes, name: str) -> NianbaoError:
    with BoundedPool(CHILD) as pool:
        start = time.monotonic()
        with pytest.raises(NianbaoError) as info:
            pool.run(parse_bytes, (data, name))
        assert time.monotonic() - start < 30
    return info.value


@pytest.mark.parametrize(
    ("make", "name", "words"),
    [
        (hf.xlsx_many_cells, "many.xlsx", "工作表过多"),
        (lambda: hf.xlsx_many_cells(sheets=40), "cells.xlsx", "单元格过多"),
        (hf.docx_huge_document, "huge.docx", "document.xml"),
        (hf.png_huge, "huge.png", "图片过大"),
        (hf.pdf_huge_stream, "bomb.pdf", "解压后过大"),
    ],
)
def test_hostile_file_is_refused_before_work(make: Callable[[], bytes], name: str, words: str) -> None:
    e = _refused(make(), name)
    assert e.code == "E_TOO_LARGE" and words in e.reason, e.reason
    assert "内存" not in e.reason  # refused by the file's limit, not by running out


def test_the_issue_sizes() -> None:
    """The generators make what the issue describes: small files."""
    assert len(hf.xlsx_many_cells()) < 1_000_000
    assert len(hf.docx_huge_document()) < 2_000_000
    assert len(hf.png_huge()) < 100_000
    assert len(hf.pdf_huge_stream(256)) < 1_000_000


def test_limits_can_be_raised() -> None:
    """A country-scale run may allow more: the same workbook under raised limits is counted through."""
    from nianbao.readers.xlsx import count_cells
    from nianbao.readers.zipsafe import open_zip

    data = hf.xlsx_many_cells(sheets=3, cells=1000)
    small = Limits(max_cells=2000)
    with pytest.raises(NianbaoError):
        count_cells(open_zip(data, small), small)
    assert count_cells(open_zip(data, Limits()), Limits()) == 3000


def test_deep_data_is_a_coded_error_not_a_traceback(tmp_path: Path) -> None:
    for make, suffix in ((hf.deep_json, ".json"), (hf.deep_yaml, ".yaml"), (hf.deep_yaml_block, ".yaml")):
        path = tmp_path / f"deep{suffix}"
        path.write_bytes(make())
        with pytest.raises(NianbaoError) as info:
            nianbao.render(path, "md")
        assert info.value.code == "E_TOO_LARGE" and "嵌套过深" in info.value.reason
    toml = tmp_path / "deep.toml"
    toml.write_bytes(b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n")
    with pytest.raises(NianbaoError):
        nianbao.render(toml, "md")


def test_nesting_is_not_fooled_by_strings() -> None:
    assert nesting(b'{"a": "[[[[[[", "b": [1, 2]}') == 3  # 2 brackets + its line
    assert nesting(b"a:\n  b:\n    - c: 1\n") == 4
    check_data(b'{"values": {"a": 1}}')
    with pytest.raises(NianbaoError):
        check_data(b"[]" * 10, Limits(max_data_bytes=5))


def test_real_files_still_parse() -> None:
    from tests.conftest import ROOT

    for path in sorted((ROOT / "examples" / "files").glob("*")):
        if path.suffix.lower() in {".pdf", ".docx", ".xlsx"}:
            nianbao.parse(path)
