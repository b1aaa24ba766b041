"""The reader's output: an ordered list of blocks, each with where it came from.

A reader knows the file format and nothing of annual reports; the extractor turns
these blocks into a report with the help of a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nianbao.report import Location


@dataclass(frozen=True)
class Loc:
    """Where a piece of text sits in the source. Unknown parts stay None."""

    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> Location:
        """The contract's location: the parts known (a box as a list, as JSON has it)."""
        out = Location()
        if self.line is not None:
            out["line"] = self.line
        if self.page is not None:
            out["page"] = self.page
        if self.table is not None:
            out["table"] = self.table
        if self.row is not None:
            out["row"] = self.row
        if self.col is not None:
            out["col"] = self.col
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        return out


@dataclass(frozen=True)
class Paragraph:
    """One line or paragraph of running text."""

    text: str
    loc: Loc = field(default_factory=Loc)
    confidence: float | None = None  # OCR engine's confidence (0–1); None for text read from a text layer
    raw: str | None = None  # the text as the source gave it, when normalisation changed it (readers/fold.py)


# Below this OCR confidence a number is not trusted: the cell is unreadable, never a guess.
LOW_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Cell:
    text: str
    loc: Loc = field(default_factory=Loc)
    confidence: float | None = None  # OCR engine's confidence (0–1); None for text read from a text layer
    raw: str | None = None  # the text as the source gave it, when normalisation changed it (readers/fold.py)


@dataclass(frozen=True)
class Grid:
    """A table with merged cells already expanded: every row has the same width,
    and a cell spanning several grid positions repeats its text in each of them
    (``origin`` is False in the repeated copies)."""

    rows: list[list[Cell]]
    loc: Loc = field(default_factory=Loc)
    origins: list[list[bool]] | None = None

    def is_origin(self, r: int, c: int) -> bool:
        return True if self.origins is None else self.origins[r][c]


Block = Paragraph | Grid


@dataclass
class Document:
    """What a reader produced from one file."""

    blocks: list[Block]
    format: str
    meta: dict[str, str] = field(default_factory=dict)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]
