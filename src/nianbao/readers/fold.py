"""One normalisation step for every reader's text: radicals and compatibility ideographs folded.

A PDF's text is what its fonts' ToUnicode maps say, and Skia (Chromium's "Save as PDF") and
some Word and WPS fonts map common characters to the code points of the glyph they share:
行 comes out as ⾏ (U+2F8F KANGXI RADICAL WALK), 门 as ⻔ (U+2ED4). Labels, titles and the
agency name then match nothing. Only these blocks are folded: NFKC on all text would also
turn full-width punctuation （，） into ASCII, on which the extractor relies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from nianbao.document import Block, Cell, Document, Paragraph

# The blocks folded (inclusive code point ranges): Kangxi Radicals, CJK Radicals Supplement,
# CJK Compatibility Ideographs and their Supplement.
FOLD_BLOCKS: tuple[tuple[int, int], ...] = ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))

# CJK Radicals Supplement characters that NFKC leaves alone, and the unified ideograph Unicode
# names as their equivalent (EquivalentUnifiedIdeograph.txt; read here off the implicit weights
# of DUCET, allkeys.txt), e.g. ⺠ → 民, ⻔ → 门, ⻚ → 页.
_SUPPLEMENT_FROM = (
    "⺂⺃⺅⺉⺏⺐⺒⺓⺔⺖⺘⺙⺛⺠⺡⺢⺣⺤⺦⺨⺭⺯⺰⺱⺲⺸⺹⺺⺾⻁⻂"
    "⻃⻄⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻥⻦⻨⻩⻪⻬⻮⻰"
)
_SUPPLEMENT_TO = (
    "乛乚亻刂尣尢巳幺彑忄扌攵旡民氵氺灬爫丬犭礻糹纟罓罒羋耂肀艹虎衤"
    "覀西见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马鱼鸟麦黄黾齐齿龙"
)


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for lo, hi in FOLD_BLOCKS:
        for cp in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if folded != chr(cp):
                table[cp] = folded
    table.update({ord(a): b for a, b in zip(_SUPPLEMENT_FROM, _SUPPLEMENT_TO, strict=True)})
    return table


_TABLE = _table()
_FOLDABLE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in FOLD_BLOCKS) + "]")


def in_fold_blocks(ch: str) -> bool:
    """A character of the folded blocks: Chinese text, for spacing decisions made before folding."""
    return any(lo <= ord(ch) <= hi for lo, hi in FOLD_BLOCKS)


def fold(text: str) -> str:
    """The text with every character of the folded blocks replaced by its unified ideograph."""
    return text.translate(_TABLE) if _FOLDABLE.search(text) else text


def _fold_cell(cell: Cell) -> Cell:
    text = fold(cell.text)
    return cell if text == cell.text else replace(cell, text=text, raw=cell.text)


def _fold_block(block: Block) -> Block:
    if isinstance(block, Paragraph):
        text = fold(block.text)
        return block if text == block.text else replace(block, text=text, raw=block.text)
    rows = [[_fold_cell(c) for c in row] for row in block.rows]
    return replace(block, rows=rows)


def fold_document(doc: Document) -> Document:
    """The document with its text folded; a block or cell that changed keeps its text as ``raw``."""
    if _FOLDABLE.search("\n".join(_texts(doc))):  # one scan of the whole text: most have nothing to fold
        doc.blocks = [_fold_block(b) for b in doc.blocks]
    return doc


def _texts(doc: Document) -> Iterator[str]:
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            yield block.text
        else:
            yield from (c.text for row in block.rows for c in row)
