"""Tables without ruling lines rebuilt from word positions (readers/borderless.py), on a page laid
out by hand: a label wrapped over three lines with its numbers on the middle one, a group label
beside several rows, a header row, and prose after the table."""

from __future__ import annotations

from nianbao.readers.borderless import find_tables
from nianbao.readers.layout import Glyph, group_lines

EM = 10.0


def _text(text: str, x: float, y: float) -> list[Glyph]:
    """Glyphs of a text set at (x, y), one em per character."""
    return [Glyph(ch, x + i * EM, y, x + (i + 1) * EM, y + EM) for i, ch in enumerate(text)]


def _row(y: float, *numbers: str) -> list[Glyph]:
    return [g for k, n in enumerate(numbers) for g in _text(n, 200 + 60 * k, y)]


def test_wrapped_labels_kept_whole_group_label_merged() -> None:
    glyphs = [
        *_text("信息内容", 10, 0), *_text("自然人", 200, 0), *_text("商业", 260, 0), *_text("总计", 320, 0),
        *_text("一、本年新收", 10, 20), *_row(20, "12", "3", "15"),
        # the group label sits left of three rows; row 2's label wraps, its numbers on its middle line
        *_text("（三）不", 10, 40), *_text("1.属于国家秘密", 60, 40), *_row(40, "4", "0", "4"),
        *_text("予公开", 10, 54), *_text("2.其他法律行政", 60, 54),
        *_text("法规禁止公开的", 60, 68), *_row(68, "1024", "7", "1031"),
        *_text("信息", 60, 82),
        *_text("3.危及安全", 60, 100), *_row(100, "0", "0", "0"),
        *_text("表后的一段文字，说明本表。", 10, 160),
    ]
    lines = group_lines(glyphs)
    (table,) = find_tables(lines, 1)
    rows = [[c.text for c in row] for row in table.grid.rows]
    assert rows == [
        ["信息内容", "信息内容", "自然人", "商业", "总计"],
        ["一、本年新收", "一、本年新收", "12", "3", "15"],
        ["（三）不予公开", "1.属于国家秘密", "4", "0", "4"],
        ["（三）不予公开", "2.其他法律行政法规禁止公开的信息", "1024", "7", "1031"],
        ["（三）不予公开", "3.危及安全", "0", "0", "0"],
    ]
    # the group label is one merged cell: its text is given once, in its first row
    assert [table.grid.is_origin(r, 0) for r in range(2, 5)] == [True, False, False]
    assert not any(lines[i].text.startswith("表后") for i in table.lines)
