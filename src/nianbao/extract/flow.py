"""A Document laid out as one flow of text and of cell tokens.

Paragraphs become lines; a grid row becomes one line whose cells are tokens. Every
token keeps its Loc. Labels are searched in ``norm``, the tokens' normalised text
joined with a separator, so that a label broken over lines or cells is still found;
``owner[i]`` says which token each character of ``norm`` came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from nianbao.document import Document, Grid, Loc, Paragraph
from nianbao.extract.normalize import DROPPED, norm_chars
from nianbao.readers.chrome import PAGE_NUMBER

if TYPE_CHECKING:
    from nianbao.extract.tokens import Piece

SEP = "\x1f"
_SPLIT_WS = re.compile(r"[ \u3000\u00a0]+")
_WORD = re.compile(r"[^ \u3000\u00a0\t]+")
_RULES = re.compile(r"\s*[|│┃]\s*")
_RULE_CHAR = re.compile(r"[|│┃]")
_BORDER = re.compile(r"^[|│┃]|[|│┃]$")


class Token(NamedTuple):
    """One word or cell of a line (a tuple: the flow holds hundreds of them)."""

    text: str
    loc: Loc
    line: int  # index into Flow.lines
    cell: bool  # True when the source marks cell boundaries (grid, tabs): an empty token is a blank cell
    confidence: float | None = None  # OCR confidence, None for text from a text layer
    x: int | None = None  # for a word of a text line: its first character's column in the line
    dx: int | None = None  # the same column counted in display width (CJK characters two wide)


@dataclass(slots=True)
class Flow:
    lines: list[str] = field(default_factory=list)
    line_locs: list[Loc] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    norm: str = ""
    _norm_parts: list[str] = field(default_factory=list, repr=False)
    owner: list[int] = field(default_factory=list)  # norm index → token index (-1 for SEP)
    token_start: list[int] = field(default_factory=list)  # token index → its first index in norm
    # per token: for each char of norm belonging to it, offset in token.text
    char_offsets: list[Sequence[int]] = field(default_factory=list)
    blank_at: dict[int, int] = field(default_factory=dict)  # norm index of an empty cell's SEP → token
    _line_tokens: dict[int, list[Token]] = field(default_factory=dict, repr=False)
    # the pieces of each gap read (extract.tokens.gap_pieces), by (start, end, stop at prose)
    gaps: dict[tuple[int, int, bool], list[Piece]] = field(default_factory=dict, repr=False)

    def token_at(self, pos: int) -> int:
        """The token that holds norm position ``pos`` (or the next one after a SEP)."""
        while pos < len(self.owner) and self.owner[pos] < 0:
            pos += 1
        return self.owner[pos] if pos < len(self.owner) else len(self.tokens)

    def tokens_of_line(self, line: int) -> list[Token]:
        """The tokens of one line (lines are added in order, so their tokens stand together)."""
        if not self._line_tokens:
            for t in self.tokens:
                self._line_tokens.setdefault(t.line, []).append(t)
        return self._line_tokens.get(line, [])

    def line_of(self, pos: int) -> int:
        t = self.token_at(pos)
        return self.tokens[t].line if t < len(self.tokens) else len(self.lines)


def _split_line(text: str) -> tuple[list[str], bool]:
    """Cells of a text line: tab-separated cells when there are tabs, cells between the rules
    of a text-drawn table (│ or |, as w3m and html2text print tables), else words."""
    if "\t" not in text and _RULE_CHAR.search(text) and len(_RULES.findall(text)) >= 2:
        inner = _BORDER.sub("", text.strip())
        text = _RULES.sub("\t", inner)
    if "\t" in text:
        if text.startswith("\t") and text.count("\t") == 1:  # Word text: one cell per line, tab first
            return [text[1:].strip()], True
        # a tab cell holding several words (a page's table run into one line) gives each word
        return [w for c in text.split("\t") for w in (_SPLIT_WS.split(c.strip()) if c.strip() else [""])], True
    stripped = text.strip()
    return ([w for w in _SPLIT_WS.split(stripped) if w] if stripped else []), False


def _display_width(text: str) -> int:
    """Columns a terminal or a text layout gives the text: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    widths = list(map(unicodedata.east_asian_width, text))
    return len(text) + widths.count("W") + widths.count("F")


def build(doc: Document) -> Flow:
    flow = Flow()
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            for k, part in enumerate(block.text.split("\n")):
                loc = block.loc
                if k and loc.line is not None:
                    loc = Loc(line=loc.line + k, page=loc.page)
                if PAGE_NUMBER.match(part.strip()):
                    part = ""
                words, cell = _split_line(part)
                columns = None if cell else [m.start() for m in _WORD.finditer(part)]
                if columns is not None and len(columns) != len(words):
                    columns = None
                _add_line(flow, part, loc, words, cell, confidence=block.confidence, columns=columns)
        elif isinstance(block, Grid):
            for r, row in enumerate(block.rows):
                cells = [c for ci, c in enumerate(row) if block.is_origin(r, ci)]
                texts = [c.text.replace("\n", " ").strip() for c in cells]
                first = cells[0].loc if cells else block.loc
                _add_line(
                    flow, "\t".join(texts), first, texts, True, [c.loc for c in cells], [c.confidence for c in cells]
                )
    flow.norm = "".join(flow._norm_parts)
    flow._norm_parts.clear()
    return flow


def _add_line(
    flow: Flow,
    text: str,
    loc: Loc,
    parts: list[str],
    cell: bool,
    part_locs: list[Loc] | None = None,
    part_conf: list[float | None] | None = None,
    confidence: float | None = None,
    columns: list[int] | None = None,
) -> None:
    line_no = len(flow.lines)
    flow.lines.append(text)
    flow.line_locs.append(loc)
    tokens, owner, token_start, norm_parts, char_offsets = (
        flow.tokens,
        flow.owner,
        flow.token_start,
        flow._norm_parts,
        flow.char_offsets,
    )
    x_before, dx_before = 0, 0  # the width up to the last column, so that a line costs its length once
    for i, part in enumerate(parts):
        t_index = len(tokens)
        conf = part_conf[i] if part_conf else confidence
        x = columns[i] if columns else None
        dx = None
        if x is not None:
            if x < x_before:
                x_before, dx_before = 0, 0
            dx_before += _display_width(text[x_before:x])
            x_before, dx = x, dx_before
        tokens.append(Token(part, part_locs[i] if part_locs else loc, line_no, cell, conf, x, dx))
        token_start.append(len(owner))
        chars = norm_chars(part)
        offsets: Sequence[int]
        if DROPPED in chars:
            offsets = [off for off, ch in enumerate(chars) if ch != DROPPED]
            norm = chars.replace(DROPPED, "")
        else:
            offsets, norm = range(len(chars)), chars
        owner += [t_index] * len(norm)
        if not norm and cell:
            flow.blank_at[len(owner)] = t_index
        norm_parts.append(norm + SEP)
        owner.append(-1)
        char_offsets.append(offsets)
