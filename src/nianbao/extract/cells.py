"""What the table reader says of one cell: its value, status, where it was printed and how it was fixed."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.document import LOW_CONFIDENCE, Loc
from nianbao.extract.tokens import Piece
from nianbao.report import Basis, Status

# How a value was fixed (provenance.basis): read as one cell, or split or placed by the table's equations.
PRINTED: Basis = "printed"
ARITHMETIC: Basis = "arithmetic"
ADJACENT_YEAR: Basis = "adjacent_year"


@dataclass(slots=True)
class CellRead:
    value: int | float | None
    status: Status
    raw: str | None
    loc: Loc
    note: str | None = None
    candidates: list[dict[str, int | float]] | None = None
    confidence: float | None = None
    basis: Basis | None = None  # how a value was fixed
    basis_source: str | None = None  # the other year's report, for adjacent_year
    candidates_complete: bool | None = None  # candidates are every reading that fits the table


def cells_from(
    keys: list[str], reading: list[Piece], note: str | None = None, basis: Basis = PRINTED
) -> dict[str, CellRead]:
    """The cells of one reading: each piece read as the cell it was assigned to."""
    out = {}
    for key, p in zip(keys, reading, strict=True):
        how = ARITHMETIC if (basis == ARITHMETIC or p.split or p.unprinted) else PRINTED
        if p.kind == "number" and p.confidence is not None and p.confidence < LOW_CONFIDENCE:
            out[key] = CellRead(None, "unreadable", p.raw, p.loc, f"OCR 识别置信度低（{p.confidence:.2f}）")
        elif p.kind == "number" and p.confidence is not None:
            ocr_note = note or f"OCR 识别，置信度 {p.confidence:.2f}"
            out[key] = CellRead(p.value, "ocr", p.raw, p.loc, ocr_note, confidence=p.confidence, basis=how)
        elif p.kind == "number":
            out[key] = CellRead(p.value, "ok", p.raw, p.loc, note, basis=how)
        elif p.unprinted:
            out[key] = CellRead(0, "blank", None, p.loc, "该格未印出数字，按表格勾稽关系确定为空", basis=how)
        elif p.kind in ("blank", "dash"):
            why = "单元格为空" if p.kind == "blank" else f"以“{p.raw}”填写"
            out[key] = CellRead(0, "blank", p.raw, p.loc, why, basis=how)
        else:
            out[key] = CellRead(None, "unreadable", p.raw, p.loc, f"无法识别为数字：“{p.raw}”")
    return out


def unreadable_cells(
    keys: list[str],
    pieces: list[Piece],
    note: str,
    candidates: list[dict[str, int | float]] | None = None,
    complete: bool | None = None,
) -> dict[str, CellRead]:
    """Every cell of a row or segment unreadable, with the pieces read and the candidate readings
    (``complete`` when they are every reading that fits the table's equations)."""
    raw = " ".join(p.raw for p in pieces if p.kind != "blank") or None
    loc = pieces[0].loc if pieces else Loc()
    return {
        k: CellRead(None, "unreadable", raw, loc, note, candidates or None, candidates_complete=complete) for k in keys
    }


def missing_cells(keys: list[str], loc: Loc | None, note: str) -> dict[str, CellRead]:
    return {k: CellRead(None, "missing", None, loc or Loc(), note) for k in keys}
