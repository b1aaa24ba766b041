"""The agency named in a title, not the page's menu or breadcrumb joined to it (a web page printed or
copied: 「政府信息公开」 or the breadcrumb's numbers on the line before the title)."""

from __future__ import annotations

import pytest

from nianbao.extract.meta import find_title


@pytest.mark.parametrize(
    "before",
    ["政府信息公开", "首页>政府信息公开>年报", "1 2 3", "当前位置：首页"],
)
def test_menu_line_before_a_title_is_not_part_of_the_agency(before: str) -> None:
    lines = [before, "孟津区科技和工业信息化局", "2023年政府信息公开工作年度报告"]
    title, _line, agency, year = find_title(lines, 10)
    assert agency == "孟津区科技和工业信息化局" and year == 2023
    assert title is not None and title.endswith("2023年政府信息公开工作年度报告")


def test_agency_named_like_the_menu_keeps_its_name() -> None:
    _title, _line, agency, _year = find_title(["政府信息公开办公室2023年政府信息公开工作年度报告"], 5)
    assert agency == "政府信息公开办公室"
