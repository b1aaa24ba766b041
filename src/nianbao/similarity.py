"""Prose copied between agencies (内容雷同): near-duplicate report texts across a corpus, found with
MinHash signatures and locality-sensitive hashing (the datasketch package).

A report's prose is compared as character 5-grams of its six sections' text, white space removed
and every digit read as one symbol (a copy with this year's numbers put in is still a copy). The
sentences nearly every report writes — the standard preface, the headings, the table labels — are
no evidence of copying: shingles found in more than ``COMMON_SHARE`` of the corpus (and in more than
``COMMON_MIN`` reports) are dropped
before the signatures are made. Pairs of the same agency (another year of its own report) are not
reported here: that is the cross-year check's job.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE = 5  # characters per shingle: short enough for Chinese, long enough to be telling
NUM_PERM = 128
THRESHOLD = 0.8  # estimated Jaccard similarity of two reports' distinctive prose that counts as a copy
COMMON_SHARE = 0.2  # a shingle in more than this share of the reports is boilerplate…
COMMON_MIN = 10  # …and in more than this many (a few copies in a small corpus are not boilerplate)
MAX_CANDIDATES = 20  # the LSH candidates confirmed per report: a text copied a thousand times costs
# 20 comparisons a report, not a thousand (the count of its copies is then "at least")
MIN_SHINGLES = 50  # a report with less distinctive prose than this is not compared
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Prose:
    key: str  # the report's id in the caller's terms
    agency: str  # its agency's stable id: pairs within one agency are not copies
    text: str


@dataclass(frozen=True)
class Copy:
    a: str
    b: str
    similarity: float  # Jaccard similarity of their distinctive shingles (exact, not estimated)


@dataclass(frozen=True)
class Match:
    """A report's closest copy, and how many other reports copy it too (or it them)."""

    key: str
    other: str
    similarity: float
    others: int


def shingles(text: str) -> set[str]:
    flat = _DIGITS.sub("#", _SPACE.sub("", text))
    return {flat[i : i + SHINGLE] for i in range(len(flat) - SHINGLE + 1)}


def copies(reports: Iterable[Prose], threshold: float = THRESHOLD) -> list[Copy]:
    """Every pair of reports of different agencies whose distinctive prose is at least ``threshold``
    alike, most alike first. Candidates come from LSH; each is confirmed by the exact Jaccard."""
    from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]

    items = list(reports)
    sets = {p.key: shingles(p.text) for p in items}
    df = Counter(s for shingle_set in sets.values() for s in shingle_set)
    common = {s for s, n in df.items() if n > max(COMMON_MIN, COMMON_SHARE * len(items))}
    distinctive = {k: v - common for k, v in sets.items()}
    agency = {p.key: p.agency for p in items}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures = {}
    for key, shingle_set in distinctive.items():
        if len(shingle_set) < MIN_SHINGLES:
            continue
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in shingle_set])
        signatures[key] = m
        lsh.insert(key, m)
    found: dict[tuple[str, str], float] = {}
    for key, m in signatures.items():
        for other in sorted(lsh.query(m))[:MAX_CANDIDATES]:
            pair = (min(key, other), max(key, other))
            if other == key or agency[key] == agency[other] or pair in found:
                continue
            a, b = distinctive[pair[0]], distinctive[pair[1]]
            exact = len(a & b) / len(a | b)
            if exact >= threshold:
                found[pair] = exact
    return sorted((Copy(a, b, s) for (a, b), s in found.items()), key=lambda c: (-c.similarity, c.a, c.b))


def closest(pairs: Iterable[Copy]) -> list[Match]:
    """Each report of the pairs with its closest copy (ties: the smaller key) and the count of its
    other copies: one finding per report, however many reports share one text."""
    best: dict[str, tuple[float, str]] = {}
    count: Counter[str] = Counter()
    for c in pairs:
        for key, other in ((c.a, c.b), (c.b, c.a)):
            count[key] += 1
            if key not in best or (-c.similarity, other) < (-best[key][0], best[key][1]):
                best[key] = (c.similarity, other)
    return [Match(key, other, s, count[key] - 1) for key, (s, other) in sorted(best.items())]
