"""Settings of the table reader, in one place: how far it searches and what it accepts."""

from __future__ import annotations

# A segment with more ways to cut its runs of digits than this is unreadable without trying them.
MAX_CANDIDATES = 50_000
# Surplus numbers in a row that may be stray cells (a page number, a footnote mark).
MAX_STRAY = 2
# Label beginnings (in characters after the numbering) accepted when the whole label is not found:
# PDF text laid out by position often prints a wrapped label's second line after the row's numbers.
PREFIX_LENGTHS = (8, 5)
# A table's header opens where this many header labels stand within this many characters.
HEADER_RUN = 3
HEADER_SPAN = 60
# Search steps for one table's equations before its open cells are left unreadable: the search is
# exhaustive within this bound, so nothing beyond it is ever guessed.
SOLVER_STEPS = 400_000
# Joint solutions of one table beyond which the search stops (its open cells then stay unreadable).
MAX_SOLUTIONS = 1_000
# Distinct readings of a row kept as candidates in provenance (more: none kept, the note says so).
SHOWN_CANDIDATES = 50
# Cells a row may leave unprinted (empty cells that text from a PDF drops) and still be placed by
# the table's equations; more unprinted cells than this and the row is not placed.
MAX_UNPRINTED_PLACEMENTS = 10_000
# Column numbers (1 2 3 …) printed in front of a row's numbers are dropped only for rows this wide:
# a narrower row could hold such numbers as its values.
MIN_NUMBERED_WIDTH = 3
# Lines above and below a row's label that may hold the rest of numbers a narrow cell wrapped.
WRAP_REACH = 2
# Characters a number may stand off its column in text laid out by position.
COLUMN_TOLERANCE = 2
