"""Bad input: a clear one-line error naming the file and the reason, a non-zero exit, and the other files go on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_bytes
from nianbao.readers.limits import Limits
from tests.conftest import SAMPLES


def _error(data: bytes, limits: Limits | None = None) -> NianbaoError:
    with pytest.raises(NianbaoError) as info:
        parse_bytes(data, "报告.txt", limits)
    return info.value


def test_empty_file() -> None:
    e = _error(b"")
    assert e.code == "E_EMPTY" and e.line() == "nianbao: 报告.txt: 文件为空 (E_EMPTY)"
    assert _error(b"  \r\n\n ").code == "E_EMPTY"


def test_binary_garbage() -> None:
    data = bytes(range(256)) * 40
    assert _error(data).code == "E_BINARY"


def test_not_an_annual_report() -> None:
    e = _error("关于做好防汛工作的通知\n各单位：请做好防汛准备。\n".encode())
    assert e.code == "E_NOT_REPORT"


def test_sections_but_no_tables() -> None:
    text = (SAMPLES / "002_4ecfdd6e8ff7f901.txt").read_text(encoding="utf-8")
    prose_only = "\n".join(line for line in text.split("\n") if "\t" not in line)
    assert _error(prose_only.encode()).code == "E_TABLE_MISSING"


def test_unknown_encoding() -> None:
    # Latin-1 bytes that are neither UTF-8 nor plausible GB18030 Chinese
    data = ("Rapport annuel\n" + "àéîõü ÿ ß " * 50 + "\n").encode("latin-1")
    assert _error(data).code == "E_ENCODING"


def test_too_large() -> None:
    e = _error(b"a" * 2048, Limits(max_bytes=1024))
    assert e.code == "E_TOO_LARGE" and "MB" in e.reason


def test_fifty_megabyte_text_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.write(("政府信息公开" * 100 + "\n").encode() * (51 * 1024 * 1024 // 1801 + 1))
    rc = main(["parse", str(big)])
    assert rc == 1


def test_report_cut_off_halfway_keeps_what_was_read() -> None:
    text = (SAMPLES / "001_5cbb82ac5aa5eb0a.txt").read_text(encoding="utf-8")
    cut = text[: text.index("(三) 不予公开")]
    report = parse_bytes(cut.encode(), "cut.md")
    assert report.values["applications.new.total"] == 0
    assert report.provenance["applications.new.total"].status == "ok"
    assert report.values["active.normative_documents.issued"] == 1
    assert report.provenance["applications.results_total.total"].status == "missing"
    assert report.values["applications.results_total.total"] is None
    assert report.provenance["appeals.reconsideration.total"].status == "missing"
    assert [s.no for s in report.sections] == [1, 2, 3]


def test_batch_goes_on_after_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_good.txt").write_bytes((SAMPLES / "003_3282c18a880ba7c1.txt").read_bytes())
    (tmp_path / "c_garbage.txt").write_bytes(bytes(range(256)) * 10)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "parse", "--json", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    errors = proc.stderr.strip().split("\n")
    assert errors == [
        f"nianbao: {tmp_path / 'a_empty.txt'}: 文件为空 (E_EMPTY)",
        f"nianbao: {tmp_path / 'c_garbage.txt'}: 不是文本文件（含大量二进制字节），也不是已知的文档格式 (E_BINARY)",
    ]
    assert '"agency": "西工区科学技术局"' in proc.stdout


def test_missing_file() -> None:
    assert main(["parse", "/nonexistent/报告.txt"]) == 1
