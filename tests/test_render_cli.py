"""`nianbao render` end to end: files written only for good data, checks before writing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nianbao.cli import main
from nianbao.render import workbook
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"


def _write_example(tmp_path: Path, **values: int) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for key, value in values.items():
        table, row, col = key.split("__")
        data["values"][table].setdefault(row, {})[col] = value
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md"])
def test_renders_the_example(suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report{suffix}"
    assert main(["render", str(EXAMPLE), "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert f"已生成 {out}" in capsys.readouterr().err
    assert out.stat().st_mode & 0o777 != 0o600  # not left with the temporary file's mode


def test_bad_data_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_example(tmp_path, applications__new__business=-1)
    out = tmp_path / "report.docx"
    assert main(["render", str(data), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "E_DATA" in err and "applications.new.business" in err and "负数" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [data]


def test_check_errors_block_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_example(tmp_path, applications__new__total=9)  # the row no longer adds up
    out = tmp_path / "report.md"
    assert main(["render", str(data), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "app.row_total" in err and "未生成文件" in err and "--force" in err
    assert not out.exists()
    assert main(["render", str(data), "-o", str(out), "--force"]) == 0
    err = capsys.readouterr().err
    assert "app.row_total" in err  # still shown
    assert "| 一、本年新收政府信息公开申请数量 |  |  | 5 | 2 | 0 | 0 | 0 | 0 | 9 |" in out.read_text(encoding="utf-8")


def test_template_workbook_and_unknown_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx = tmp_path / "empty.xlsx"
    assert main(["render", "--template-xlsx", str(xlsx)]) == 0
    assert workbook.is_render_workbook(xlsx.read_bytes())
    assert main(["render", str(xlsx), "-o", str(tmp_path / "r.md")]) == 1
    assert "缺少机关名称" in capsys.readouterr().err
    assert main(["render", str(EXAMPLE), "-o", str(tmp_path / "r.odt")]) == 1
    assert "E_UNSUPPORTED" in capsys.readouterr().err
    assert main(["render", str(EXAMPLE)]) == 2


def test_from_previous_draft(tmp_path: Path) -> None:
    draft = tmp_path / "2025.yaml"
    assert main(["render", "--from-previous", str(EXAMPLE), "-o", str(draft)]) == 0
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert (data["agency"], data["year"]) == ("示例县科学技术局", 2025)
    assert data["values"]["applications"]["carried_over"] == {
        "natural_person": 1, "business": 0, "research": 0, "public_interest": 0, "legal_service": 0, "other": 0,
        "total": 1,
    }
    assert data["values"]["active"]["normative_documents"]["in_force"] == 15
    assert data["sections"][6] == "本年度未收取信息处理费。"
    xlsx = tmp_path / "2025.xlsx"
    assert main(["render", "--from-previous", str(EXAMPLE), "--template-xlsx", str(xlsx)]) == 0
    assert workbook.is_render_workbook(xlsx.read_bytes())
