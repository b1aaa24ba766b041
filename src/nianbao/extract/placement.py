"""Which match of each row label is the row: one per row, in the template's order, with the most weight."""

from __future__ import annotations

from bisect import bisect_left

from nianbao.extract.flow import Flow
from nianbao.extract.labels import Span
from nianbao.extract.tokens import has_value


def weights(flow: Flow, cands: list[list[Span]], end: int) -> list[list[float]]:
    """A label followed by numbers counts fully; one followed straight by another label
    (labels that text extraction gathered in a heap) counts little."""
    starts = sorted({s for row in cands for s, _ in row} | {end})
    out = []
    for row in cands:
        row_weights = []
        for _, e in row:
            stop = starts[bisect_left(starts, e)]  # the next label's start (end is in starts): not a scan
            row_weights.append(1.0 if has_value(flow, e, stop) else 0.1)
        out.append(row_weights)
    return out


def in_order(cands: list[list[Span]], weights: list[list[float]]) -> list[Span | None]:
    """One match per row such that the rows come in the template's order, with the most
    weight: a label that text extraction moved out of place is left out, not followed."""
    best: list[list[tuple[float, tuple[int, int] | None]]] = []
    for i, row_cands in enumerate(cands):
        row_best = []
        for j, (s, _) in enumerate(row_cands):
            w = weights[i][j]
            top: tuple[float, tuple[int, int] | None] = (w, None)
            for pi in range(i):
                for pj, (_, pe) in enumerate(cands[pi]):
                    if pe <= s and best[pi][pj][0] + w > top[0]:
                        top = (best[pi][pj][0] + w, (pi, pj))
            row_best.append(top)
        best.append(row_best)
    chosen: list[Span | None] = [None] * len(cands)
    ends = [(best[i][j][0], -cands[i][j][0], i, j) for i in range(len(cands)) for j in range(len(cands[i]))]
    if not ends:
        return chosen
    _, _, i, j = max(ends)
    at: tuple[int, int] | None = (i, j)
    while at is not None:
        i, j = at
        chosen[i] = cands[i][j]
        at = best[i][j][1]
    return chosen
