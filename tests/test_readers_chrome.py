"""Running headers and footers of printed pages, told by repetition and position (readers/chrome.py)."""

from __future__ import annotations

from nianbao.readers.chrome import Placed, chrome_lines, is_page_number

A4 = 842.0


def _pages(n: int) -> dict[int, float]:
    return {p: A4 for p in range(1, n + 1)}


def test_browser_header_and_footer_repeated_on_every_page() -> None:
    lines: list[Placed] = []
    for p in (1, 2, 3):
        lines.append(Placed(p, "11/30/26, 2:34 PM\t某某局2024年政府信息公开工作年度报告", 15.5, 25.0))
        lines.append(Placed(p, "某某局2024年政府信息公开工作年度报告", 96.0, 118.0))  # the title, in the body
        lines.append(Placed(p, f"file:///tmp/report.html\t{p}/3", 767.7, 775.7))
    dropped = chrome_lines(lines, _pages(3))
    assert {lines[i].text.split("\t")[0] for i in dropped} == {"11/30/26, 2:34 PM", "file:///tmp/report.html"}
    assert len(dropped) == 6


def test_page_numbers_alone_dropped_on_a_single_page() -> None:
    lines = [Placed(1, "— 1 —", 795.0, 806.0), Placed(1, "第1页 共5页", 20.0, 30.0), Placed(1, "1", 810.0, 818.0),
             Placed(1, "3", 812.0, 820.0), Placed(1, "— 1 —", 400.0, 410.0)]
    # a lone number that is not the page's own, and a page mark in the body, stay
    assert chrome_lines(lines, _pages(1)) == {0, 1, 2}


def test_body_lines_repeated_at_the_same_height_stay() -> None:
    """A table's repeated header row in the middle of each page is not in the margin band."""
    lines = [Placed(p, "信息内容 本年制发件数", 300.0, 310.0) for p in (1, 2, 3)]
    assert chrome_lines(lines, _pages(3)) == set()


def test_page_number_forms() -> None:
    forms = ("— 3 —", "-3-", "第3页 共5页", "第 3 页", "共5页 第3页", "3/5", "Page 3", "3")
    assert all(is_page_number(t, 3) for t in forms)
    assert not any(is_page_number(t, 3) for t in ("4", "3件", "2024", "一、总体情况"))
