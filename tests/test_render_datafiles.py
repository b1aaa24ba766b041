"""Data files people edit (issue 19): the YAML draft with Chinese comments, the workbook with
formulas, validation and protection — both round-trip exactly — and `nianbao check` on them,
each finding at the line or cell it was typed in."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao.render import workbook
from nianbao.render.inputs import Draft, from_previous, load_bytes, load_file, to_report, to_yaml
from nianbao.template import load
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"
SAMPLES = sorted((ROOT / "examples" / "samples").glob("*.txt"))


def _same(a: Draft, b: Draft) -> None:
    ra, rb = to_report(a), to_report(b)
    assert (ra.agency, ra.year, ra.template, a.preface) == (rb.agency, rb.year, rb.template, b.preface)
    assert [s.text for s in ra.sections] == [s.text for s in rb.sections]
    assert ra.values == rb.values
    assert all(type(ra.values[k]) is type(rb.values[k]) for k in ra.values)


def _odd() -> Draft:
    """Every cell a different number (so no total adds up), the amount in 万元 with decimals."""
    draft = load_file(EXAMPLE)
    for i, key in enumerate(load("2021").cell_keys()):
        draft.values[key] = i + 1
    draft.values["active.fees.amount"] = 1234.56
    draft.preface = "前言第一段。\n前言第二段：“引号”与 # 号。"
    return draft


@pytest.mark.parametrize("make", ["example", "odd", *[p.name for p in SAMPLES]])
def test_yaml_draft_round_trips_exactly(make: str) -> None:
    if make == "example":
        draft = load_file(EXAMPLE)
    elif make == "odd":
        draft = _odd()
    else:
        draft = from_previous(load_file(ROOT / "examples" / "samples" / make))
    _same(draft, load_bytes(to_yaml(draft).encode(), "draft.yaml"))


def test_yaml_draft_speaks_chinese_in_template_order() -> None:
    text = to_yaml(load_file(EXAMPLE))
    template = load("2021")
    lines = text.split("\n")
    keyed = [ln for ln in lines if ln.startswith("      ") and ":" in ln]
    assert len(keyed) == len(template.cell_keys())
    assert all("  # " in ln for ln in keyed)  # every cell has its label
    assert "      amount: 0.5  # 本年收费金额（单位：万元）（可有小数）" in lines or "amount:" in text
    assert "    results_total:  # （七）总计" in lines
    assert "      natural_person: 5  # 自然人（非负整数）" in lines
    assert "  # 三、收到和处理政府信息公开申请情况" in lines and "    # （三）不予公开" in lines
    assert text.index("regulations:") < text.index("new:") < text.index("carried_forward:") < text.index("appeals:")
    assert "  # 一、总体情况" in lines and 'agency: "示例县科学技术局"  # 机关名称' in lines


def _t3_row(ws: object, label: str) -> int:
    for r in range(1, 40):
        if label in (ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value):  # type: ignore[attr-defined]
            return r
    raise AssertionError(label)


def test_workbook_formulas_validation_protection_and_checks() -> None:
    data = workbook.write("2021", load_file(EXAMPLE))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["基本信息", "表二", "表三", "表四", "校验", "_nianbao"]
    t3 = wb["表三"]
    total = _t3_row(t3, "（七）总计")
    assert t3[f"D{total}"].value == f"=SUM(D8:D{total - 1})"
    assert t3["J6"].value == "=SUM(D6:I6)"  # 一、本年新收 总计
    assert [wb["表四"][a].value for a in ("E6", "J6", "O6")] == ["=SUM(A6:D6)", "=SUM(F6:I6)", "=SUM(K6:N6)"]
    assert t3.protection.sheet and wb["表二"].protection.sheet
    assert t3["A6"].protection.locked and not t3["D6"].protection.locked
    kinds = {dv.type: dv for dv in t3.data_validations.dataValidation}
    assert kinds["whole"].operator == "greaterThanOrEqual" and kinds["whole"].formula1 == "0"
    assert "D6" in str(kinds["whole"].sqref)
    t2 = {dv.type: dv for dv in wb["表二"].data_validations.dataValidation}
    assert set(t2) == {"whole", "decimal"}
    checks = wb["校验"]
    rows = [[c.value for c in row] for row in checks.iter_rows(min_row=2, max_row=4)]
    assert rows[0][0] == "app.balance" and str(rows[0][5]).startswith("=IF(")
    assert any(c.value == "app.row_total" for c in checks["A"])


@pytest.mark.parametrize("make", ["example", "odd", "empty", *[p.name for p in SAMPLES[:2]]])
def test_workbook_round_trips_exactly(make: str) -> None:
    if make == "empty":
        back = load_bytes(workbook.write("2021"), "empty.xlsx")
        assert (back.agency, back.values, back.sections) == (None, {}, {})
        return
    if make == "example":
        draft = load_file(EXAMPLE)
    elif make == "odd":
        draft = _odd()  # totals that do not add up stay as given (numbers, not formulas)
    else:
        draft = from_previous(load_file(ROOT / "examples" / "samples" / make))
        draft.missing = set()
    _same(draft, load_bytes(workbook.write("2021", draft), "filled.xlsx"))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_recomputes_the_totals(tmp_path: Path) -> None:
    """Numbers typed into an empty workbook; LibreOffice headless recalculates and saves; the
    totals it computed are the sums, and the 校验 sheet says 相符."""
    wb = load_workbook(io.BytesIO(workbook.write("2021")))
    t3 = wb["表三"]
    granted, total = _t3_row(t3, "（一）予以公开"), _t3_row(t3, "（七）总计")
    t3["D6"], t3["E6"], t3["I6"] = 4, 2, 1  # 一、本年新收
    t3[f"D{granted}"], t3[f"E{granted}"] = 3, 2
    t3[f"D{granted + 1}"], t3[f"I{granted + 1}"] = 1, 1
    src = tmp_path / "filled.xlsx"
    wb.save(src)
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
         "--outdir", str(out), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    lo = load_workbook(out / "filled.xlsx", data_only=True)
    t3 = lo["表三"]
    assert t3["J6"].value == 7
    assert [t3[f"{c}{total}"].value for c in "DEFGHIJ"] == [4, 2, 0, 0, 0, 1, 7]
    assert t3[f"J{granted}"].value == 5
    results = [c.value for c in lo["校验"]["F"] if c.value in ("相符", "不相符")]
    assert results and set(results) == {"相符"}
    # and the file LibreOffice saved reads back to the same numbers
    back = load_bytes((out / "filled.xlsx").read_bytes(), "lo.xlsx")
    assert back.values["applications.results_total.total"] == 7
    assert back.values["applications.new.total"] == 7


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(__import__("sys").executable).with_name("nianbao")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_check_reports_a_wrong_total_at_its_cell(tmp_path: Path) -> None:
    wb = load_workbook(io.BytesIO(workbook.write("2021", load_file(EXAMPLE))))
    total = _t3_row(wb["表三"], "（七）总计")
    wb["表三"][f"D{total}"] = 99  # typed over the formula
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    run = _nianbao("check", str(path), "--json")
    assert run.returncode == 1, run.stderr
    findings = json.loads(run.stdout)[0]["findings"]
    wrong = [f for f in findings if f["rule"] == "app.results_sum"]
    assert wrong[0]["where"] == f"表三!D{total} “（七）总计”行 “自然人”列"
    assert wrong[0]["loc"] == {"file": str(path), "sheet": "表三", "cell": f"D{total}"}


def test_check_reports_a_yaml_value_at_its_line(tmp_path: Path) -> None:
    text = to_yaml(load_file(EXAMPLE))
    lines = text.split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("    results_total:"))
    assert lines[at + 1].startswith("      natural_person: 5")
    lines[at + 1] = lines[at + 1].replace("natural_person: 5", "natural_person: 9")
    path = tmp_path / "draft.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    run = _nianbao("check", str(path))
    assert run.returncode == 1
    assert f"第{at + 2}行 表三“（七）总计”行 “自然人”列" in run.stdout
