"""Which template version a report follows, told by its table headers, not its year."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from nianbao.extract.memo import per_object
from nianbao.extract.normalize import norm_label
from nianbao.template import Template, available, load, template_for_year


@dataclass(frozen=True)
class VersionGuess:
    template: Template
    evidence: list[str]


Scores = list[tuple[int, Template, list[str]]]


def marker_scores(norm_text: str) -> Scores:
    """Each version's markers found in the text (Flow.norm), as (count, template, hits)."""
    flat = norm_text.replace("\x1f", "")
    scores: Scores = []
    for t in _templates():
        hits = [f"{t.version}: {m}" for m, norm in _markers(t) if norm in flat]
        scores.append((len(hits), t, hits))
    return scores


def detect_version(norm_text: str, year: int | None, scores: Scores | None = None) -> VersionGuess:
    """The version whose markers the text holds most; the year decides only a tie.
    The evidence lists every version's markers found, so that a mixed report shows.
    (``scores``: the text's marker_scores when already worked out.)"""
    if scores is None:
        scores = marker_scores(norm_text)
    every_hit = [h for s in scores for h in s[2]]
    best = max(s[0] for s in scores)
    leaders = [s for s in scores if s[0] == best]
    if best == 0 or len(leaders) > 1:
        by_year = template_for_year(year)
        chosen = next((s for s in leaders if s[1].version == by_year.version), leaders[0])
        evidence = [*every_hit, f"按数据年度{year}推定" if year else "无版本特征，按默认版本"]
        return VersionGuess(chosen[1], evidence)
    return VersionGuess(leaders[0][1], every_hit)


@cache
def _templates() -> tuple[Template, ...]:
    """The templates, newest first (the package's files do not change while it runs)."""
    return tuple(load(v) for v in available())


@per_object
def _markers(template: Template) -> tuple[tuple[str, str], ...]:
    """A template's version markers, each with its label form."""
    return tuple((m, norm_label(m)) for m in template.markers)
