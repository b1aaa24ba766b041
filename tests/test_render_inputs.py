"""Input data for render: YAML/TOML/JSON/workbook, last year's report, and bad data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao.errors import E_DATA, NianbaoError
from nianbao.pipeline import parse_file
from nianbao.render import render, workbook
from nianbao.render.inputs import Draft, from_previous, load_bytes, load_file, to_report, to_yaml
from nianbao.render.layout import layout
from nianbao.render.reflow import mark_numbers, reflow
from tests.conftest import ROOT, SAMPLES

EXAMPLE = ROOT / "examples" / "render" / "example-2024.yaml"
MINIMAL = """\
agency: 某某镇人民政府
year: 2023
sections:
  1: 总体情况。
  五、存在的主要问题及改进情况: 问题。
  其他需要报告的事项: 无。
values:
  applications.new.natural_person: 2
  applications.new.total: 2
"""


def _data_error(text: str, suffix: str = ".yaml") -> str:
    with pytest.raises(NianbaoError) as e:
        to_report_checked(load_bytes(text.encode(), f"bad{suffix}"))
    assert e.value.code == E_DATA
    return e.value.reason


def to_report_checked(draft: Draft) -> bytes:
    return render(to_report(draft), "md")


def test_yaml_example() -> None:
    draft = load_file(EXAMPLE)
    assert (draft.agency, draft.year, draft.version()) == ("示例县科学技术局", 2024, "2021")
    assert sorted(draft.sections) == [1, 5, 6]
    assert draft.sections[6] == "本年度未收取信息处理费。"
    assert draft.values["active.normative_documents.in_force"] == 15
    assert draft.preface is not None and draft.preface.startswith("本报告根据")
    report = to_report(draft)
    assert report.values["active.regulations.issued"] == 0
    assert report.provenance["active.regulations.issued"].status == "blank"
    assert report.provenance["applications.new.total"].status == "ok"
    assert report.title == "示例县科学技术局2024年政府信息公开工作年度报告"


def test_yaml_toml_and_json_say_the_same() -> None:
    toml = """\
agency = "某某镇人民政府"
year = 2023
[sections]
1 = "总体情况。"
"五、存在的主要问题及改进情况" = "问题。"
"其他需要报告的事项" = "无。"
[values.applications.new]
natural_person = 2
total = 2
"""
    import yaml

    from_yaml = load_bytes(MINIMAL.encode(), "a.yaml")
    from_toml = load_bytes(toml.encode(), "a.toml")
    from_json = load_bytes(json.dumps(yaml.safe_load(MINIMAL), ensure_ascii=False).encode(), "a.json")
    for d in (from_toml, from_json):
        assert (d.agency, d.year, d.sections, d.values) == (
            from_yaml.agency,
            from_yaml.year,
            from_yaml.sections,
            from_yaml.values,
        )
    assert from_yaml.values == {"applications.new.natural_person": 2, "applications.new.total": 2}
    assert from_yaml.sections == {1: "总体情况。", 5: "问题。", 6: "无。"}


def test_json_contract_of_a_parsed_sample(tmp_path: Path) -> None:
    report = parse_file(SAMPLES / "001_5cbb82ac5aa5eb0a.txt")
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    again = to_report(load_file(path))
    assert again.values == report.values
    assert again.values["active.normative_documents.issued"] == 1
    assert again.agency == "孟津区科技和工业信息化局"


def test_json_contract_with_an_unread_cell_is_refused(tmp_path: Path) -> None:
    data = parse_file(SAMPLES / "001_5cbb82ac5aa5eb0a.txt").to_json_dict()
    data["values"]["applications.new.total"] = None
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NianbaoError) as e:
        render(to_report(load_file(path)), "md")
    assert e.value.code == E_DATA
    assert "applications.new.total" in e.value.reason and "缺少" in e.value.reason


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("  applications.new.total: -2", ["applications.new.total", "负数", "表三"]),
        ("  applications.new.total: 两件", ["applications.new.total", "两件", "不是数字"]),
        ("  applications.new.total: 2.5", ["applications.new.total", "整数"]),
        ("  applications.new.total: true", ["applications.new.total", "不是数字"]),
        ("  applications.new.robots: 1", ["applications.new.robots", "未知的单元格"]),
        ("colour: red", ["未知的字段", "colour"]),
    ],
)
def test_bad_values_name_the_field(change: str, words: list[str]) -> None:
    text = MINIMAL.replace("  applications.new.total: 2", change) if change.startswith(" ") else MINIMAL + change
    reason = _data_error(text)
    for w in words:
        assert w in reason


def test_negative_amount_and_missing_section() -> None:
    assert "active.fees.amount" in _data_error(MINIMAL + "  active.fees.amount: -0.5\n")
    no_five = MINIMAL.replace("  五、存在的主要问题及改进情况: 问题。\n", "")
    assert "缺少必需的章节“五、存在的主要问题及改进情况”" in _data_error(no_five)
    assert "未知的章节“七”" in _data_error(MINIMAL.replace("  1: 总体情况。", "  1: 总体情况。\n  七: 多余。"))
    assert "缺少机关名称" in _data_error(MINIMAL.replace("agency: 某某镇人民政府\n", ""))
    assert "YAML 格式错误第2行" in _data_error("agency: [\nyear: 2023 : x\n")


def test_workbook_round_trip(tmp_path: Path) -> None:
    draft = load_file(EXAMPLE)
    data = workbook.write("2021", draft)
    assert workbook.is_render_workbook(data)
    back = load_bytes(data, "filled.xlsx")
    assert (back.agency, back.year, back.preface) == (draft.agency, draft.year, draft.preface)
    assert back.sections == draft.sections
    assert {k: v for k, v in back.values.items() if v} == {k: v for k, v in draft.values.items() if v}
    empty = load_bytes(workbook.write("2021"), "empty.xlsx")
    assert (empty.agency, empty.year, empty.values, empty.sections) == (None, None, {}, {})


def _edit(data: bytes, sheet_no: int, cell: str, value: str) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    wb.worksheets[sheet_no][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_workbook_cells_are_read_by_the_layout() -> None:
    t3 = layout("2021").section(3).tables[0]
    cell = next(c for c in t3.value_cells() if c.key == "applications.new.natural_person")
    address = f"{chr(ord('A') + cell.col)}{workbook.TABLE_TOP + cell.row}"
    assert address == "D6"
    filled = _edit(workbook.write("2021"), 2, address, "12")  # typed as text: still a number
    # and the row's 总计, a formula, follows
    assert load_bytes(filled, "x.xlsx").values == {"applications.new.natural_person": 12, "applications.new.total": 12}
    with pytest.raises(NianbaoError) as e:
        load_bytes(_edit(filled, 2, address, "十二"), "x.xlsx")
    assert "单元格D6" in e.value.reason and "applications.new.natural_person" in e.value.reason
    with pytest.raises(NianbaoError) as e:
        load_bytes(_edit(filled, 2, "A6", "改过的标签"), "x.xlsx")
    assert "单元格A6应为“一、本年新收政府信息公开申请数量”" in e.value.reason


def test_from_previous_carries_over() -> None:
    last = load_file(EXAMPLE)
    draft = from_previous(last)
    assert (draft.agency, draft.year, draft.version()) == ("示例县科学技术局", 2025, "2021")
    assert draft.sections == {no: mark_numbers(reflow(t), 2024, 2025) for no, t in last.sections.items()}
    assert draft.values == {
        "applications.carried_over.natural_person": 1,
        "applications.carried_over.business": 0,
        "applications.carried_over.research": 0,
        "applications.carried_over.public_interest": 0,
        "applications.carried_over.legal_service": 0,
        "applications.carried_over.other": 0,
        "applications.carried_over.total": 1,
        "active.regulations.in_force": 0,
        "active.normative_documents.in_force": 15,
    }
    given = load_bytes(
        b"values:\n  active.normative_documents: {issued: 3, repealed: 2}\n  active.regulations.in_force: 4\n"
        b"sections:\n  6: new text\n",
        "this.yaml",
    )
    merged = from_previous(last, given)
    assert merged.values["active.normative_documents.in_force"] == 15 + 3 - 2
    assert merged.values["active.regulations.in_force"] == 4  # given wins
    assert merged.sections[6] == "new text" and merged.sections[1] == draft.sections[1]


def test_from_previous_does_not_invent_an_unread_carry() -> None:
    last = load_file(EXAMPLE)
    del last.values["applications.carried_forward.total"]
    last.missing.add("applications.carried_forward.total")
    draft = from_previous(last)
    assert "applications.carried_over.total" in draft.missing
    with pytest.raises(NianbaoError) as e:
        render(to_report(draft), "md")
    assert "applications.carried_over.total" in e.value.reason


def test_yaml_draft_reads_back() -> None:
    draft = from_previous(load_file(EXAMPLE))
    text = to_yaml(draft)
    carried = "    carried_over:  # 二、上年结转政府信息公开申请数量\n      natural_person: 1  # 自然人（非负整数）"
    assert carried in text
    back = load_bytes(text.encode(), "draft.yaml")
    assert (back.agency, back.year, back.sections) == (draft.agency, draft.year, draft.sections)
    assert {k: v for k, v in back.values.items() if v} == {k: v for k, v in draft.values.items() if v}
