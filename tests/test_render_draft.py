"""Drafts that read like a report: prose re-flowed from printed lines, last year's figures
flagged, the format's headings where last year's report had none (issue 19)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from nianbao._api import check
from nianbao.render import render
from nianbao.render.inputs import Draft, from_previous, load_bytes, load_file, to_report, to_yaml
from nianbao.render.reflow import MARK, line_ok, mark_numbers, reflow, skeleton
from tests.conftest import ROOT

SOURCES = [
    *sorted((ROOT / "examples" / "samples").glob("*.txt")),
    ROOT / "examples" / "2019" / "pingtan-2019.txt",
    ROOT / "examples" / "files" / "huaian-2024.pdf",
]


@cache
def _draft(path: Path) -> tuple[Draft, Draft]:
    last = load_file(path)
    return last, from_previous(last)


def _lines(draft: Draft) -> list[str]:
    return [ln for text in draft.sections.values() for ln in text.split("\n") if ln.strip()]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_line_of_the_draft_ends_mid_sentence(path: Path) -> None:
    """Measured: every line of the carried prose ends with 。！？；：」 (closing quotes or brackets
    may follow) or is a numbered heading such as 「（一）主动公开」."""
    _, draft = _draft(path)
    lines = _lines(draft)
    assert lines
    bad = [ln for ln in lines if not line_ok(ln)]
    assert bad == []
    # and it survives the YAML draft a person edits
    back = load_bytes(to_yaml(draft).encode(), "draft.yaml")
    assert back.sections == draft.sections


def test_the_pdf_lines_are_joined_into_paragraphs() -> None:
    last, draft = _draft(ROOT / "examples" / "files" / "huaian-2024.pdf")
    printed = _lines(last)
    assert len(printed) == len(set(printed))
    paras = draft.sections[1].split("\n")
    assert len(paras) == 6  # the opening paragraph and （一）—（五）
    assert [p[:3] for p in paras[1:]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert "思想为指导" in paras[0] and "政府信息5500余条" in paras[1]  # words cut by the line end, whole again
    assert f"3119件{MARK}" in paras[2]
    assert paras[0].startswith("2025年，我市")  # last year's year is this year's


def test_reflow_keeps_paragraphs_numbering_and_headings() -> None:
    printed = (
        "2024年，我局认真贯彻落实条例，坚持公开为常态、不公开为例外，\n"
        "加强重点领域信息公开。\n"
        "（一）主动公开\n"
        "主动公开政府信息22条，其中通过政府网站公开5条，通过公共服务\n"
        "平台公开17条。\n"
        "1.加强组织领导。明确专人负责。\n"
        "一是健全制度；二是加强培训；三是强化监督。\n"
        "无其他需要报告的事项"
    )
    assert reflow(printed).split("\n") == [
        "2024年，我局认真贯彻落实条例，坚持公开为常态、不公开为例外，加强重点领域信息公开。",
        "（一）主动公开",
        "主动公开政府信息22条，其中通过政府网站公开5条，通过公共服务平台公开17条。",
        "1.加强组织领导。明确专人负责。",
        "一是健全制度；二是加强培训；三是强化监督。",
        "无其他需要报告的事项。",
    ]
    already = "第一段。\n第二段，没有折行。"
    assert reflow(already) == "第一段。\n第二段，没有折行。"


def test_figures_are_flagged_not_copied() -> None:
    text = "2024年共受理申请3119件，答复3050件，合格率100%，收费3940元；依据国办函〔2020〕109号，第3季度。"
    marked = mark_numbers(text, 2024, 2025)
    assert marked == (
        f"2025年共受理申请3119件{MARK}，答复3050件{MARK}，合格率100%{MARK}，收费3940元{MARK}；"
        "依据国办函〔2020〕109号，第3季度。"
    )
    assert mark_numbers(marked, 2024, 2025) == marked  # idempotent


def test_a_section_last_year_lacked_starts_from_the_format() -> None:
    last = load_bytes("agency: 某镇人民政府\nyear: 2024\nsections:\n  1: 总体情况。\n  6: 无。\n".encode(), "last.yaml")
    draft = from_previous(last)
    assert draft.sections[5] == skeleton()[5]
    assert draft.sections[1] == "总体情况。"
    assert all(line_ok(ln) for ln in skeleton()[1].split("\n"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_draft_renders_once_its_numbers_are_updated(path: Path) -> None:
    """The agency's work simulated: every flagged figure rewritten, the applications still
    pending carried on; then the checks find no error and the report renders."""
    last, draft = _draft(path)
    updated = Draft(**{**draft.__dict__, "values": dict(draft.values), "sections": dict(draft.sections)})
    pattern = re.compile(r"\d+(?:\.\d+)?(\s*\D{0,2}?)" + re.escape(MARK))
    updated.sections = {no: pattern.sub(r"0\1", text) for no, text in draft.sections.items()}
    for key, value in draft.values.items():
        if ".carried_over." in key:
            updated.values[key.replace(".carried_over.", ".carried_forward.")] = value
    updated.missing = set()
    report = to_report(updated)
    errors = [f for f in check(report, previous=to_report(last)) if f.severity == "error" and f.scope == "report"]
    assert errors == []
    assert render(report, "md")
