"""Which template version a report follows, told by its table headers, not its year."""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.extract.memo import per_object
from nianbao.extract.normalize import norm_label
from nianbao.template import Template, available, load, template_for_year


@dataclass(frozen=True)
class VersionGuess:
    template: Template
    evidence: list[str]


def detect_version(norm_text: str, year: int | None) -> VersionGuess:
    """The version whose markers the text holds most; the year decides only a tie.
    The evidence lists every version's markers found, so that a mixed report shows."""
    flat = norm_text.replace("\x1f", "")
    scores: list[tuple[int, Template, list[str]]] = []
    for version in available():
        t = load(version)
        hits = [f"{version}: {m}" for m, norm in _markers(t) if norm in flat]
        scores.append((len(hits), t, hits))
    every_hit = [h for s in scores for h in s[2]]
    best = max(s[0] for s in scores)
    leaders = [s for s in scores if s[0] == best]
    if best == 0 or len(leaders) > 1:
        by_year = template_for_year(year)
        chosen = next((s for s in leaders if s[1].version == by_year.version), leaders[0])
        evidence = [*every_hit, f"按数据年度{year}推定" if year else "无版本特征，按默认版本"]
        return VersionGuess(chosen[1], evidence)
    return VersionGuess(leaders[0][1], every_hit)


@per_object
def _markers(template: Template) -> tuple[tuple[str, str], ...]:
    """A template's version markers, each with its label form."""
    return tuple((m, norm_label(m)) for m in template.markers)
