"""Helpers of the check tests: real samples, changed cell by cell or sentence by sentence.

Cells are changed by key: the sample is parsed once to learn on which line each cell
was printed (provenance), and the number on that line is rewritten in place, so the
tests name cells by their keys and never spell a row label.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from nianbao.checks import check_report
from nianbao.pipeline import parse_bytes
from nianbao.report import Finding, Report
from nianbao.template import load

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "samples"
_TOKENS = re.compile(r"([\t \u3000]+)")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:万元|元)?$")

# 002 with requests: 12 new from natural persons, 11 granted, 1 carried forward (balanced)
APPLICATIONS = {
    "applications.new.natural_person": "12",
    "applications.new.total": "12",
    "applications.granted.natural_person": "11",
    "applications.granted.total": "11",
    "applications.results_total.natural_person": "11",
    "applications.results_total.total": "11",
    "applications.carried_forward.natural_person": "1",
    "applications.carried_forward.total": "1",
}


def sample_path(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}_*.txt"))


@cache
def sample(prefix: str) -> str:
    return sample_path(prefix).read_text(encoding="utf-8")


@cache
def parse(text: str, name: str = "changed.txt") -> Report:
    return parse_bytes(text.encode("utf-8"), name)


def check(text: str, **kwargs: object) -> list[Finding]:
    return check_report(parse(text), **kwargs)  # type: ignore[arg-type]


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line holding ``needle``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def set_cells(text: str, changes: dict[str, str]) -> str:
    """The sample with the numbers of some cells rewritten (a value of "" leaves the cell blank)."""
    report = parse(text)
    keys = load(report.template or "2021").cell_keys()
    lines = text.split("\n")
    for line_no in sorted({report.provenance[k].loc["line"] for k in changes}):
        on_line = [k for k in keys if report.provenance[k].loc.get("line") == line_no]
        tokens = _TOKENS.split(lines[line_no - 1])
        numeric = [i for i, t in enumerate(tokens) if i % 2 == 0 and _NUMBER.match(t)]
        assert len(numeric) == len(on_line), (line_no, tokens, on_line)
        for i, key in zip(numeric, on_line, strict=True):
            if key in changes:
                tokens[i] = changes[key]
        lines[line_no - 1] = "".join(tokens)
    return "\n".join(lines)


def with_applications(prefix: str = "002", extra: dict[str, str] | None = None) -> str:
    return set_cells(sample(prefix), {**APPLICATIONS, **(extra or {})})
