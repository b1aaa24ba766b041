"""A report's cells as the corpus stores them: one JSON object per report (table ``cells``),
cell key → the cell's number and provenance by the contract's own names, a field left out when it
is empty (``{"value": 3, "status": "ok", "raw": "3", "loc": {"line": 72}, "basis": "printed"}``).

Why one object and not a row per cell: a report has 200 cells, and writing 200 rows was most of
what the ingest's parent process did per report (the parent must keep up with every worker). The
worker encodes the object; the parent passes the text on. In PostgreSQL a cell is still one
expression away: ``data -> 'applications.new.total' ->> 'value'``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from nianbao.report import Provenance


class Cell(NamedTuple):
    """One cell as the database holds it: the number and its whole provenance, so that a report
    read back can be fixed again by another year (candidates) and says how each value was got."""

    key: str
    value: float | None
    status: str
    raw: str | None
    loc: dict[str, Any] | None
    note: str | None = None
    candidates: list[dict[str, int | float]] | None = None
    candidates_complete: bool | None = None
    basis: str | None = None
    basis_source: str | None = None
    confidence: float | None = None

    @classmethod
    def of(cls, key: str, value: int | float | None, prov: Provenance | None) -> Cell:
        """The cell of a parsed report (a value without provenance counts as read, or missing)."""
        if prov is None:
            return cls(key, value, "missing" if value is None else "ok", None, None)
        stored = {name: getattr(prov, name) for name in PROVENANCE_FIELDS}
        # empty as SQL NULL: most cells have neither
        return cls(key, value, **{**stored, "loc": prov.loc or None, "candidates": prov.candidates or None})

    def provenance(self) -> Provenance:
        """The cell's Provenance, as ``Provenance.model_construct`` builds it with every field given,
        without its per-field look-ups (as extract._provenance does; a report has 200 cells)."""
        p = Provenance.__new__(Provenance)
        fields = {name: getattr(self, name) for name in PROVENANCE_FIELDS}
        fields["loc"] = self.loc or {}
        object.__setattr__(p, "__dict__", fields)
        object.__setattr__(p, "__pydantic_fields_set__", set(PROVENANCE_FIELDS))
        object.__setattr__(p, "__pydantic_extra__", None)
        object.__setattr__(p, "__pydantic_private__", None)
        return p


# the provenance a cell keeps in the database: every key of the contract's Provenance, by the
# same names (tests/test_corpus_db.py pins that none is left out)
PROVENANCE_FIELDS = Cell._fields[2:]
# a cell's stored fields: its value, then its provenance
STORED_FIELDS = Cell._fields[1:]


def stored_object(cells: Iterable[Cell]) -> dict[str, dict[str, Any]]:
    """The object the database keeps of a report's cells, in their order (the template's)."""
    return {c.key: {name: v for name, v in zip(STORED_FIELDS, c[1:], strict=True) if v is not None} for c in cells}


def encode(cells: Iterable[Cell]) -> str:
    """The object's JSON text, as the worker hands it to the parent to write."""
    return json.dumps(stored_object(cells), ensure_ascii=False, separators=(",", ":"))


def decode(data: dict[str, dict[str, Any]] | str | None) -> list[Cell]:
    """The cells of a stored object (or of its text), in the order they were stored."""
    if data is None:
        return []
    if isinstance(data, str):
        data = json.loads(data)
        assert isinstance(data, dict)
    return [Cell._make((key, *(fields.get(name) for name in STORED_FIELDS))) for key, fields in data.items()]


def fixable(cells: Iterable[Cell]) -> bool:
    """Whether another year may fix one of the cells: unreadable, with every reading that fits
    its table (a cell without them is never filled from another year)."""
    return any(c.status == "unreadable" and c.candidates_complete is True for c in cells)
