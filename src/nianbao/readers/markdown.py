"""Markdown: headings and emphasis lose their marks, pipe tables become grids; tab tables
stay lines (the extractor reads cells out of lines, since only the template knows a
row's width)."""

from __future__ import annotations

import re

from nianbao.document import Block, Cell, Document, Grid, Loc, Paragraph
from nianbao.errors import E_BINARY, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.readers.text import damaged_lines, decode, looks_binary, normalize_newlines

_HEADING = re.compile(r"^ {0,3}#{1,6}(?=\s|$)\s*(.*?)(?:\s+#+)?\s*$")
_QUOTE = re.compile(r"^ {0,3}(?:>\s?)+")
_BULLET = re.compile(r"^( *)[-*+] +(?=\S)")
_RULE = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|={3,})$")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_BR = re.compile(r"<br\s*/?>", re.I)
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ESCAPED_PIPE = "\x00"  # stands for "\|" while a row is split on "|"


def _inline(text: str) -> str:
    """Text of a line or cell without Markdown marks."""
    return _EMPHASIS.sub(r"\2", _BR.sub("\n", text))


def _cells(line: str) -> list[str]:
    inner = line.strip().replace("\\|", _ESCAPED_PIPE)
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [_inline(c.strip()).replace(_ESCAPED_PIPE, "|") for c in inner.split("|")]


def _line_text(line: str) -> str:
    heading = _HEADING.match(line)
    if heading:
        line = heading.group(1)
    elif "\t" not in line:  # in a tab table a leading "-" is a cell
        line = _BULLET.sub(r"\1", _QUOTE.sub("", line))
    return _inline(line)


def read(data: bytes, limits: Limits | None = None) -> Document:
    if looks_binary(data):
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
            if not rows:
                continue
            width = max(len(r) for r in rows)
            for r in rows:
                r.extend(Cell("", Loc(line=r[0].loc.line, table=table_no, row=r[0].loc.row, col=c))
                         for c in range(len(r), width))
            blocks.append(Grid(rows=rows, loc=Loc(line=start + 1, table=table_no)))
            table_no += 1
            continue
        if not _RULE.match(lines[i]):
            blocks.append(Paragraph(_line_text(lines[i]), Loc(line=i + 1)))
        i += 1
    return Document(blocks=blocks, format="markdown", meta={"encoding": encoding, **damaged_lines(lines)})
