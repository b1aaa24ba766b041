"""Markdown: headings lose their #, pipe tables become grids; tab tables stay lines
(the extractor reads cells out of lines, since only the template knows a row's width)."""

from __future__ import annotations

import re

from nianbao.document import Block, Cell, Document, Grid, Loc, Paragraph
from nianbao.readers.limits import Limits
from nianbao.readers.text import decode, looks_binary, normalize_newlines

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [c.strip().replace("<br>", "\n").replace("<br/>", "\n") for c in inner.split("|")]


def read(data: bytes, limits: Limits | None = None) -> Document:
    if looks_binary(data):
        from nianbao.errors import E_BINARY, NianbaoError

        raise NianbaoError(E_BINARY, "不是文本文件（含大量二进制字节）")
    text, encoding = decode(data)
    lines = normalize_newlines(text).split("\n")
    blocks: list[Block] = []
    table_no = 0
    i = 0
    while i < len(lines):
        if _PIPE_ROW.match(lines[i]):
            start = i
            rows: list[list[Cell]] = []
            while i < len(lines) and _PIPE_ROW.match(lines[i]):
                if not _SEPARATOR.match(lines[i]):
                    rows.append([Cell(t, Loc(line=i + 1, table=table_no, row=len(rows), col=c))
                                 for c, t in enumerate(_cells(lines[i]))])
                i += 1
            width = max(len(r) for r in rows) if rows else 0
            for r in rows:
                r.extend(Cell("", Loc(line=r[0].loc.line, table=table_no, row=r[0].loc.row, col=c))
                         for c in range(len(r), width))
            blocks.append(Grid(rows=rows, loc=Loc(line=start + 1, table=table_no)))
            table_no += 1
            continue
        blocks.append(Paragraph(_HEADING.sub("", lines[i]), Loc(line=i + 1)))
        i += 1
    return Document(blocks=blocks, format="markdown", meta={"encoding": encoding})
