"""The work of one file, as a worker process does it: bytes → checked Report, or the reason
there is none. Kept apart from the ingest so that a worker imports only the parser and the
checks (no database, no progress display), and starts fast.
"""

from __future__ import annotations

import resource
from dataclasses import dataclass
from typing import Any, NamedTuple

from nianbao.errors import NianbaoError
from nianbao.readers.limits import Limits
from nianbao.report import Finding, Provenance, Report, Section, Source

# not in errors.py: a failure of ours (a bug or a crash), not of the file; recorded all the same
E_INTERNAL = "E_INTERNAL"


@dataclass(frozen=True)
class Job:
    """One file to parse, with its bytes: a worker needs no access to the parent's disk."""

    path: str
    sha256: str
    data: bytes
    limits: Limits | None = None


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the checked report, or the reason there is none."""

    path: str
    sha256: str
    size: int
    format: str | None
    report: Report | None = None
    error_code: str | None = None
    error: str | None = None
    worker_peak_kb: int = 0

    @property
    def source(self) -> Source:
        return Source(path=self.path, sha256=self.sha256, format=self.format or "", size=self.size)


def process(job: Job) -> Outcome:
    """Parse and check one file (runs in a worker; pure: it reads no file, the bytes come with the job)."""
    from nianbao.pipeline import parse_bytes
    from nianbao.readers.detect import detect

    base: dict[str, Any] = {"path": job.path, "sha256": job.sha256, "size": len(job.data)}
    try:
        report = parse_bytes(job.data, job.path, job.limits)
        report = report.model_copy(update={"findings": _checks(report)})
        return Outcome(**base, format=report.source.format, report=report, worker_peak_kb=_peak_kb())
    except NianbaoError as e:
        code, reason = e.code, e.reason
    except Exception as e:  # a bug must cost one file, not the run
        code, reason = E_INTERNAL, f"内部错误：{type(e).__name__}: {e}"
    try:
        fmt: str | None = detect(job.data) if job.data else None
    except NianbaoError:
        fmt = None
    return Outcome(**base, format=fmt, error_code=code, error=reason, worker_peak_kb=_peak_kb())


def _checks(report: Report) -> list[Finding]:
    from nianbao.checks import check_report

    return check_report(report)


def _peak_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class Cell(NamedTuple):
    """One cell as the database holds it: the number and its whole provenance, so that a report
    read back can be fixed again by another year (candidates) and says how each value was got."""

    key: str
    value: float | None
    status: str
    raw: str | None
    loc: dict[str, Any] | None
    note: str | None = None
    candidates: list[dict[str, int | float]] | None = None
    candidates_complete: bool | None = None
    basis: str | None = None
    basis_source: str | None = None
    confidence: float | None = None

    @classmethod
    def of(cls, key: str, value: int | float | None, prov: Provenance | None) -> Cell:
        """The cell of a parsed report (a value without provenance counts as read, or missing)."""
        if prov is None:
            return cls(key, value, "missing" if value is None else "ok", None, None)
        stored = {name: getattr(prov, name) for name in PROVENANCE_FIELDS}
        # empty as SQL NULL: most cells have neither
        return cls(key, value, **{**stored, "loc": prov.loc or None, "candidates": prov.candidates or None})

    def provenance(self) -> Provenance:
        stored = {name: getattr(self, name) for name in PROVENANCE_FIELDS}
        return Provenance.model_construct(**{**stored, "loc": self.loc or {}})

    def row(self) -> dict[str, Any]:
        """The columns of the ``values`` table (without the report's id)."""
        return self._asdict()


@dataclass(frozen=True)
class StoredReport:
    """A report as the database holds it, in plain data (cheap to read and to send to a worker)."""

    path: str
    sha256: str
    format: str
    size: int
    title: str | None
    agency: str | None
    year: int | None
    template: str | None
    published: str | None
    sections: list[dict[str, Any]]
    cells: list[Cell]

    def report(self) -> Report:
        """The Report again: enough of it (cells with their whole provenance, sections) for the
        checks and the neighbouring years to work on. Built from the database's own rows,
        validated when they were stored, without validating them again (that would cost more
        than the checks)."""
        return Report.model_construct(
            source=Source.model_construct(path=self.path, sha256=self.sha256, format=self.format, size=self.size),
            title=self.title,
            agency=self.agency,
            year=self.year,
            template=self.template,
            published=self.published,
            sections=[Section.model_construct(**s) for s in self.sections],
            values={c.key: as_number(c.value) for c in self.cells},
            provenance={c.key: c.provenance() for c in self.cells},
        )


def as_number(v: float | None) -> int | float | None:
    """A stored double back as the report had it: counts are integers."""
    if v is None:
        return None
    return int(v) if float(v).is_integer() else float(v)


@dataclass(frozen=True)
class Pair:
    """A report and the same agency's report of the year before, to check against each other."""

    report_id: int
    report: StoredReport
    previous: StoredReport


def crossyear(pair: Pair) -> list[Finding]:
    """The findings of the cross-year rules on one pair, as ``nianbao check`` makes them."""
    from nianbao.checks import RULES, check_report

    rules = {r.id for r in RULES if r.family == "crossyear"}
    found = check_report(pair.report.report(), previous=pair.previous.report())
    return [f for f in found if f.rule in rules]


# the provenance a cell keeps in the database: every key of the contract's Provenance, by the
# same names (tests/test_corpus_db.py pins that none is left out)
PROVENANCE_FIELDS = Cell._fields[2:]
