"""The official table layout derived from the template data (spec §2.3–2.5, §7)."""

from __future__ import annotations

import pytest

from nianbao.render.layout import LayoutCell, TableLayout, layout
from nianbao.template import available, load


def _cell(t: TableLayout, text: str) -> LayoutCell:
    return next(c for c in t.cells() if c.text == text)


def _groups(version: str) -> list[str]:
    seen: list[str] = []
    for row in load(version).table("applications").blocks[0].rows:
        if row.group and row.group not in seen:
            seen.append(row.group)
    return seen


def test_every_cell_key_is_one_value_cell() -> None:
    for version in available():
        plan = layout(version)
        cells = [c for t in plan.tables() for c in t.value_cells()]
        keys = [c.key for c in cells if c.key is not None]
        assert len(keys) == len(cells)
        assert sorted(keys) == sorted(load(version).cell_keys())
        assert len(keys) == len(set(keys))


def test_section_headings_are_numbered_official_titles() -> None:
    plan = layout("2021")
    assert [s.heading[:2] for s in plan.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert [s.heading[2:] for s in plan.sections] == [s.title for s in load("2021").sections]
    assert [[t.key for t in s.tables] for s in plan.sections] == [[], ["active"], ["applications"], ["appeals"], [], []]


def test_t2_item_headers_and_merged_value_columns() -> None:
    t = layout("2021").section(2).tables[0]
    template = load("2021").table("active")
    assert t.width == 4
    for block in template.blocks:
        head = _cell(t, block.label or "")
        assert (head.col, head.colspan, head.rowspan) == (0, 4, 1)
        # the next row starts with the row header 信息内容, then the block's columns
        header = t.rows[head.row + 1]
        assert header[0].text == layout("2021").texts.row_header["active"]
        assert [c.text for c in header[1:]] == [c.label for c in block.columns]
        for row in block.rows:
            cells = t.rows[next(i for i, r in enumerate(t.rows) if r[0].text == row.label)]
            spans = [c.colspan for c in cells[1:]]
            assert spans == ([1, 1, 1] if len(block.columns) == 3 else [3])
    assert len(t.rows) == 4 * 2 + 6  # 4 item headers, 4 信息内容 rows, 6 data rows


def test_t3_note_header_and_spans() -> None:
    t = layout("2021").section(3).tables[0]
    table = load("2021").table("applications")
    assert (t.width, t.header_rows, len(t.rows)) == (10, 3, 28)
    note = _cell(t, table.note or "")
    assert (note.row, note.col, note.rowspan, note.colspan, note.kind) == (0, 0, 3, 3, "note")
    head = _cell(t, table.column_header or "")
    assert (head.row, head.col, head.colspan) == (0, 3, 7)
    cols = table.blocks[0].columns
    assert (_cell(t, cols[0].label).rowspan, _cell(t, cols[-1].label).rowspan) == (2, 2)
    group = _cell(t, table.column_groups[0].label)
    assert (group.row, group.col, group.colspan) == (1, 4, 5)
    assert [(_cell(t, c.label).row, _cell(t, c.label).col) for c in cols[1:6]] == [(2, k) for k in range(4, 9)]
    spans = [(_cell(t, g).col, _cell(t, g).rowspan) for g in _groups("2021")]
    assert spans == [(0, 22), (1, 8), (1, 3), (1, 5), (1, 3)]
    rows = table.blocks[0].rows
    by_key = {r.key: _cell(t, r.label) for r in rows}
    # 一、二、四 over the three label columns; （一）（二）（七） over columns 2–3; sub-items in column 3
    assert [(by_key[k].col, by_key[k].colspan) for k in ("new", "carried_over", "carried_forward")] == [(0, 3)] * 3
    assert [(by_key[k].col, by_key[k].colspan) for k in ("granted", "partially_granted", "results_total")] == [
        (1, 2)
    ] * 3
    assert all((by_key[r.key].col, by_key[r.key].colspan) == (2, 1) for r in rows[4:23])


def test_t4_three_header_rows_fifteen_columns() -> None:
    t = layout("2021").section(4).tables[0]
    table = load("2021").table("appeals")
    rows = table.blocks[0].rows
    assert (t.width, t.header_rows, len(t.rows)) == (15, 3, 4)
    assert [(c.text, c.colspan) for c in t.rows[0]] == [(rows[0].label, 5), (table.column_groups[0].label, 10)]
    second = t.rows[1]
    assert [(c.col, c.rowspan, c.colspan) for c in second[:5]] == [(k, 2, 1) for k in range(5)]
    assert [(c.text, c.col, c.colspan) for c in second[5:]] == [(rows[1].label, 5, 5), (rows[2].label, 10, 5)]
    assert [c.text for c in t.rows[2]] == [c.label for c in table.blocks[0].columns] * 2
    assert [c.key for c in t.rows[3]] == [k for *_, k in table.cells()]


@pytest.mark.skipif("2019" not in available(), reason="2019 template not present")
def test_2019_layout_spans() -> None:
    t3 = layout("2019").section(3).tables[0]
    spans = [(_cell(t3, g).col, _cell(t3, g).rowspan) for g in _groups("2019")]
    assert spans == [(0, 20), (1, 8), (1, 3), (1, 5)]
    t2 = layout("2019").section(2).tables[0]
    assert t2.width == 4
    assert len({c.row for c in t2.cells() if c.colspan == 4}) == len(load("2019").table("active").blocks)


def test_every_layout_tiles_its_grid() -> None:
    for version in available():
        for t in layout(version).tables():
            grid = t.grid()
            assert len(grid) == len(t.rows) and all(len(r) == t.width for r in grid)
            assert len(t.weights) == t.width
