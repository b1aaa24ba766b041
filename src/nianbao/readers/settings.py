"""The settings of page geometry (PDF text layer and OCR), in one place.

Lengths are in PDF points (1/72 inch) unless said otherwise; shares are of the page's height.
"""

from __future__ import annotations

# Glyph boxes: the share of the em below the baseline (CJK fonts' descent). A glyph is placed from
# its baseline and size, because producers that re-distil a PDF rewrite the fonts' declared descent.
DESCENT = 0.12

# Running headers and footers (page chrome): a line lying within this share of the page's height
# from its top or bottom edge is chrome when it repeats on other pages at the same height (digits
# ignored: page numbers, dates) or when it is nothing but a page number.
CHROME_BAND = 0.1
CHROME_Y_TOLERANCE = 4.0  # the same height on two pages, give or take this
CHROME_MIN_SHARE = 0.5  # repeated on at least this share of the pages (and on two pages at least)
