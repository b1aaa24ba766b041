"""The library surface (``import nianbao``): parse, check, render, templates and errors."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import nianbao
from nianbao.errors import E_DATA, E_EMPTY, E_TIMEOUT
from tests.conftest import ROOT, SAMPLE_2019, SAMPLES

SAMPLE = SAMPLES / "003_3282c18a880ba7c1.txt"
EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"


def test_parse_path_and_bytes_agree() -> None:
    by_path = nianbao.parse(SAMPLE)
    by_bytes = nianbao.parse(SAMPLE.read_bytes())
    assert isinstance(by_path, nianbao.Report)
    assert by_path.values == by_bytes.values
    assert by_bytes.source.path == "<bytes>"


def test_parse_error_is_its_family(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(nianbao.ReadError) as info:
        nianbao.parse(empty)
    assert info.value.code == "E_EMPTY" == nianbao.ErrorCode.E_EMPTY
    assert info.value.path == str(empty)


def test_parse_many_yields_reports_and_errors_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "b.txt").write_bytes(b"")
    out = list(nianbao.parse_many([tmp_path]))
    assert isinstance(out[0], nianbao.Report)
    assert isinstance(out[1], nianbao.NianbaoError)
    assert out[1].code == E_EMPTY and out[1].path == str(tmp_path / "b.txt")


def test_parse_history_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "other.txt").write_bytes(SAMPLE_2019.read_bytes())
    report = nianbao.parse(SAMPLE, history=tmp_path)
    assert report.values == nianbao.parse(SAMPLE).values  # no neighbouring year: unchanged


def test_check_and_check_many() -> None:
    reports = [r for r in nianbao.parse_many([SAMPLES]) if isinstance(r, nianbao.Report)]
    one = nianbao.check(reports[0])
    assert all(isinstance(f, nianbao.Finding) for f in one)
    batch = dict((r.source.path, found) for r, found in nianbao.check_many(reports))
    assert batch[reports[0].source.path] == one


def test_check_with_previous_compares_years() -> None:
    draft = nianbao.render(EXAMPLE, "md")
    assert isinstance(draft, bytes)
    this = nianbao.parse(draft)
    last = this.model_copy(update={"year": this.year - 1 if this.year else None})
    rules = {f.rule for f in nianbao.check(this, previous=last)}
    assert "xyear.compared" in rules


def test_render_to_path_and_from_mapping(tmp_path: Path) -> None:
    out = nianbao.render(EXAMPLE, tmp_path / "r.html")
    assert out == tmp_path / "r.html" and out.read_bytes().startswith(b"<!DOCTYPE html>")
    prose = {1: "总体情况。", 5: "无。", 6: "无。"}
    md = nianbao.render({"agency": "示例局", "year": 2024, "sections": prose}, "md")
    assert isinstance(md, bytes) and "示例局".encode() in md
    with pytest.raises(nianbao.DataError) as info:
        nianbao.render({"year": 2024, "sections": prose, "values": {"applications.new.total": -1}}, "md")
    assert info.value.code == E_DATA


def test_templates() -> None:
    versions = [t.version for t in nianbao.templates()]
    assert versions == ["2021", "2019"]
    assert nianbao.template("2019").version == "2019"
    with pytest.raises(nianbao.DataError):
        nianbao.template("1999")


def test_error_codes_keep_their_strings_and_families() -> None:
    for code in nianbao.ErrorCode:
        assert code.value == code.name == str(code)
    assert type(nianbao.NianbaoError(E_TIMEOUT, "超时")) is nianbao.LimitError
    assert type(nianbao.NianbaoError("E_SOMETHING_NEW", "x")) is nianbao.NianbaoError
    e = nianbao.NianbaoError(E_EMPTY, "文件为空", "a.txt")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is nianbao.ReadError and back.line() == "nianbao: a.txt: 文件为空 (E_EMPTY)"


def test_python_dash_m_nianbao() -> None:
    run = subprocess.run([sys.executable, "-m", "nianbao", "rules"], capture_output=True, text=True, check=True)
    assert "xyear.carry" in run.stdout


def test_function_names_survive_their_subpackages() -> None:
    import nianbao.render.inputs
    import nianbao.template

    assert callable(nianbao.render) and callable(nianbao.template)
