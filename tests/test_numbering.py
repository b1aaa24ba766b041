"""Numbering is written once (issue 15): the numerals and shapes of 一、 （一） 1. 第一部分 live in
nianbao.numbering, and every module composes its patterns from there."""

from __future__ import annotations

import re

import pytest

from nianbao.numbering import ARABIC_ITEM, BRACKETED_CN, CN_ENUM, CN_PART, cn_numeral
from tests.conftest import ROOT


def test_cn_numeral() -> None:
    assert [cn_numeral(n) for n in (1, 2, 6, 10)] == ["一", "二", "六", "十"]
    for n in (0, 11):
        with pytest.raises(ValueError):
            cn_numeral(n)


@pytest.mark.parametrize(
    ("pattern", "text", "match"),
    [
        (BRACKETED_CN, "（三）不予公开", "（三）"),
        (BRACKETED_CN, "(七)总计", "(七)"),
        (CN_ENUM, "四、结转下年度", "四、"),
        (ARABIC_ITEM, "1.属于国家秘密", "1."),
        (ARABIC_ITEM, "1.5万元", None),
        (CN_PART, "第二部分", "第二"),
    ],
)
def test_numbering_shapes(pattern: str, text: str, match: str | None) -> None:
    m = re.match(pattern, text)
    assert (m.group(0) if m else None) == match


def test_numerals_are_spelled_only_in_the_numbering_module() -> None:
    spelled = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "src" / "nianbao").rglob("*.py"))
        if p.name != "numbering.py" and "一二三四五六七八九十" in p.read_text(encoding="utf-8")
    ]
    assert spelled == []
