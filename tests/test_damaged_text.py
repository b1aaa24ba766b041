"""Damaged text is partly readable (issue 14): one invalid byte in a UTF-8 report no longer refuses
the whole file; the damaged lines are named and what was read from them is not trusted."""

from __future__ import annotations

import pytest

from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_bytes
from nianbao.readers.text import decode
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "001_5cbb82ac5aa5eb0a.txt"


def _damage(data: bytes, marker: bytes) -> tuple[bytes, int]:
    at = data.index(marker)
    return data[:at] + b"\xff" + data[at:], data[:at].count(b"\n") + 1


def test_one_invalid_byte_keeps_the_report() -> None:
    clean = parse_bytes(SAMPLE.read_bytes(), "clean.txt")
    data, line = _damage(SAMPLE.read_bytes(), "总体情况".encode())
    report = parse_bytes(data, "damaged.txt")
    assert report.source.encoding == "utf-8" and report.source.damaged_lines == [line]
    assert report.values == clean.values  # no cell lies on that line
    assert [s.no for s in report.sections] == [s.no for s in clean.sections]


def test_a_cell_on_a_damaged_line_is_unreadable_not_guessed() -> None:
    clean = parse_bytes(SAMPLE.read_bytes(), "clean.txt")
    key = "applications.new.total"
    line = clean.provenance[key].loc["line"]
    lines = SAMPLE.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1] + b"\xfe"
    report = parse_bytes(b"\n".join(lines), "damaged.txt")
    assert report.source.damaged_lines == [line]
    assert report.provenance[key].status == "unreadable" and report.values[key] is None
    kept = [k for k, p in clean.provenance.items() if p.loc.get("line") != line and p.status == "ok"]
    assert kept and all(report.values[k] == clean.values[k] for k in kept)


def test_gbk_is_still_gbk_and_garbage_still_refused() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert decode(text.encode("gb18030"))[1] == "gb18030"
    with pytest.raises(NianbaoError) as info:
        parse_bytes(bytes(range(128, 256)) * 50, "junk.txt")
    assert info.value.code in {"E_ENCODING", "E_BINARY"}
