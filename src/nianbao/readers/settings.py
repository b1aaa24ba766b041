"""The settings of page geometry (PDF text layer and OCR), in one place.

Lengths are in PDF points (1/72 inch) unless said otherwise; shares are of the page's height.
"""

from __future__ import annotations

# Glyph boxes: the share of the em below the baseline (CJK fonts' descent). A glyph is placed from
# its baseline and size, because producers that re-distil a PDF rewrite the fonts' declared descent.
DESCENT = 0.12

# Sheets printed two-up (layout.two_up_gutter): a landscape sheet is two pages when a strip at
# least TWO_UP_MIN_GAP points wide, within TWO_UP_BAND of the width either side of the middle,
# crosses no text or table, and each side holds at least TWO_UP_MIN_SHARE of the characters.
TWO_UP_BAND = 0.15
TWO_UP_MIN_GAP = 20.0
TWO_UP_MIN_SHARE = 0.2

# Ruled tables (readers/pdfium_page.py): pdfplumber's "lines" strategy defaults. Rules closer than
# RULE_SNAP points are one rule, and meet when their ends are that close; shorter rules are ignored.
RULE_SNAP = 3.0
RULE_MIN_LENGTH = 3.0

# A text layer is garbled (read by OCR instead) when it holds at least this many Latin-1 or
# Latin Extended letters (ÿ, Ā, ò…), and more than this share of its Chinese characters.
GARBLED_MIN = 3
GARBLED_SHARE = 0.01

# Running headers and footers (page chrome): a line lying within this share of the page's height
# from its top or bottom edge is chrome when it repeats on other pages at the same height (digits
# ignored: page numbers, dates) or when it is nothing but a page number.
CHROME_BAND = 0.1
CHROME_Y_TOLERANCE = 4.0  # the same height on two pages, give or take this
CHROME_MIN_SHARE = 0.5  # repeated on at least this share of the pages (and on two pages at least)

# Tables without ruling lines, rebuilt from word positions (readers/borderless.py), in ems of the
# line's glyph height.
WORD_GAP = 0.5  # a gap wider than this splits a line into words (a table's cells)
DIGIT_GAP = 0.15  # a wider gap between two digits splits them into two numbers
EDGE_GAP = 0.3  # a narrower gap splits a label where other labels' column begins
EDGE_SLACK = 0.5  # the left edges of one column of labels are this close
EVEN_SLACK = 0.15  # a header's columns are evenly spaced when each step is the median step, give or take this share
COLUMN_CENTRE_SLACK = 0.25  # a number stands on a column's centre, give or take this share of the step
LABEL_LINE_GAP = 1.0  # lines of one wrapped label are closer than this to each other
WRAP_SLACK = 1.5  # a wrapped line reaches its column's right edge, give or take this
ROW_SPAN_SLACK = 0.5  # a label covers a row when the row's numbers lie within its lines, give or take this
HEADER_GAP = 2.5  # a header row lies closer than this above the table's first row
MAX_ROW_GAP = 12.0  # two rows of numbers further apart than this are not one table
MIN_ROW_NUMBERS = 3  # a lone row of numbers (表四 under its header) is a table when it has this many
