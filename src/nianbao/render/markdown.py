"""Markdown output: headings, paragraphs and pipe tables.

Pipe tables cannot merge cells, so a merged cell's text stands at its top-left grid
position and the positions it covers are left empty; every value cell holds a number, so a
reader still finds each row's values after its label.
"""

from __future__ import annotations

from nianbao.render.content import Content, FilledTable


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def table_lines(table: FilledTable) -> list[str]:
    width = table.layout.width
    grid = [[""] * width for _ in table.rows]
    for row in table.rows:
        for f in row:
            grid[f.cell.row][f.cell.col] = _cell(f.text)
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in grid[1:]]
    return lines


def render(content: Content) -> bytes:
    out = [f"# {content.title}", ""]
    for p in content.preface:
        out += [p.text, ""]
    for s in content.sections:
        out += [f"## {s.heading}", ""]
        for p in s.paragraphs:
            out += [p.text, ""]
        for t in s.tables:
            out += [*table_lines(t), ""]
    return "\n".join(out).encode("utf-8")
