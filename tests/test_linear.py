"""No square-time path on one very long line (issue 14: 0.25 / 0.5 / 1 / 2 MB took 1.3 / 3.3 / 10 /
37 s). The columns' display widths are summed once per line (extract/flow.py) and the next label
is found by bisection (extract/placement.py). Generous bounds only, no ratio of timings."""

from __future__ import annotations

import contextlib
import time

from nianbao.document import Document, Loc, Paragraph
from nianbao.errors import NianbaoError
from nianbao.extract.flow import _display_width, build
from nianbao.pipeline import parse_bytes
from tests.hostile_files import long_line


def test_display_columns_are_those_of_the_line_prefix() -> None:
    text = "一、本年新收政府信息公开申请数量  12  ３ 0  abc 全角ＡＢ 5"
    flow = build(Document(blocks=[Paragraph(text, Loc(line=1))], format="text"))
    for tok in flow.tokens:
        assert tok.dx == _display_width(text[: tok.x])


def test_one_megabyte_line_is_read_in_linear_time() -> None:
    start = time.monotonic()
    with contextlib.suppress(NianbaoError):
        parse_bytes(long_line(1.0), "line.txt")
    assert time.monotonic() - start < 90  # was about ten minutes
