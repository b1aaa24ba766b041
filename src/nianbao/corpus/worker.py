"""The work of one file, as a worker process does it: bytes → checked report, made ready for the
database (rows with their JSON encoded, the report as it will read back), or the reason there
is none; and the cross-year checks of a pair of stored reports. Kept apart from the ingest so
that a worker imports only the parser and the checks (no database, no progress display), starts
fast, and does the work the parent would otherwise do: the parent only writes rows.
"""

from __future__ import annotations

import json
import pickle
import resource
import zlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from nianbao.corpus.cells import Cell, decode, encode, fixable
from nianbao.corpus.names import agency
from nianbao.errors import E_NOT_REPORT, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.report import Finding, Report, Section, Source

# not in errors.py: a failure of ours (a bug or a crash), not of the file; recorded all the same
E_INTERNAL = "E_INTERNAL"
# a finding's scope in the database: the report's own checks, or those against last year's report
SCOPE_REPORT = "report"
SCOPE_CROSSYEAR = "crossyear"
# the columns the ingest writes, in the order of the rows below (db.py's tables have them all)
REPORT_FIELDS = ("title", "agency", "agency_norm", "region", "year", "template", "published", "sections", "linked")
FINDING_FIELDS = ("rule", "severity", "message", "keys", "loc", "scope", "kind", "place")


@dataclass(frozen=True)
class Job:
    """One file to parse, with its bytes: a worker needs no access to the parent's disk."""

    path: str
    sha256: str
    data: bytes
    limits: Limits | None = None


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the checked report ready to store, or the reason there is none."""

    path: str
    sha256: str
    size: int
    format: str | None
    parsed: Parsed | None = None
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
        source = Source(path=job.path, sha256=job.sha256, format=report.source.format, size=len(job.data))
        found = _checks(report)
        unfilled = next((f for f in found if f.rule == UNFILLED), None)
        if unfilled is not None:  # the blank official template: a form, not a report to count
            raise NianbaoError(E_NOT_REPORT, f"不是可入库的报告：{unfilled.message}（空白模板）")
        parsed = parsed_of(source, report, found)
        return Outcome(**base, format=report.source.format, parsed=parsed, worker_peak_kb=_peak_kb())
    except NianbaoError as e:
        code, reason = e.code, e.reason
    except Exception as e:  # a bug must cost one file, not the run
        code, reason = E_INTERNAL, f"内部错误：{type(e).__name__}: {e}"
    try:
        fmt: str | None = detect(job.data) if job.data else None
    except NianbaoError:
        fmt = None
    return Outcome(**base, format=fmt, error_code=code, error=reason, worker_peak_kb=_peak_kb())


UNFILLED = "struct.unfilled"  # every cell of the tables blank: the corpus stores no such file as a report


def _checks(report: Report) -> list[Finding]:
    from nianbao.checks import check_report

    return check_report(report)


def _peak_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


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
            set(_STORED_GIVEN),
            # the other fields at their defaults, given: model_construct would look each one up
            schema_=_SCHEMA,
            title_loc={},
            year_info=None,
            template_evidence=[],
            extra_rows=[],
            findings=[],
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


# the fields a stored report gives its Report (the others are at their defaults)
_STORED_GIVEN = frozenset(
    ("source", "title", "agency", "year", "template", "published", "sections", "values", "provenance")
)
_SCHEMA = Report.model_fields["schema_"].default


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
    return crossyear_findings(pair.report.report(), pair.previous.report())


def crossyear_findings(report: Report, previous: Report) -> list[Finding]:
    """The findings of the cross-year rules alone: what ``check_report(report, previous)`` gives
    of the rules of family ``crossyear`` (in the same order, with the same places), without
    running the report's own rules again (tests/test_corpus_history.py pins the two equal)."""
    from nianbao.checks import crossyear as family
    from nianbao.checks.base import SEVERITY_ORDER, Context, load_data, report_template
    from nianbao.checks.location import where

    ctx = Context(report=report, template=report_template(report), previous=previous, params=load_data("params.yaml"))
    located = [f.model_copy(update={"where": where(ctx.template, f)}) for f in family.check(ctx)]
    return sorted(located, key=lambda f: (SEVERITY_ORDER[f.severity], f.scope != "report"))


@dataclass(frozen=True)
class PairJob:
    """A pair to check, each report packed (``Parsed.stored``: the parent passes the bytes on
    without decoding them)."""

    report_id: int
    report: bytes
    previous: bytes


def check_pair(job: PairJob) -> list[tuple[Any, ...]]:
    """The cross-year findings of a pair, as rows of the findings table (FINDING_FIELDS)."""
    report, previous = unpack(job.report), unpack(job.previous)
    return finding_rows(crossyear_findings(report.report(), previous.report()), SCOPE_CROSSYEAR)


def check_pairs(jobs: list[PairJob]) -> list[list[tuple[Any, ...]]]:
    """``check_pair`` of each (several to a call: a call's round trip costs the parent too)."""
    return [check_pair(job) for job in jobs]


def pack(stored: StoredReport) -> bytes:
    """A stored report as bytes to keep and pass on (a fifth of its pickle's size)."""
    return zlib.compress(pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(data: bytes) -> StoredReport:
    stored: StoredReport = pickle.loads(zlib.decompress(data))
    return stored


@dataclass(frozen=True)
class Parsed:
    """A checked report as the database stores it, made in the worker: the rows to write (JSON
    encoded as the database keeps it), what the linking needs to know of it, and the report as
    it will read back from the database, packed (``stored``)."""

    report: tuple[Any, ...]  # REPORT_FIELDS
    cells: str  # the cells' JSON text (cells.encode), in the template's order
    findings: list[tuple[Any, ...]]  # FINDING_FIELDS, scope report
    norm: str | None  # the agency's key (names.normalize)
    year: int | None
    fixable: bool  # a cell that another year may fix (cells.fixable)
    stored: bytes = b""  # the StoredReport packed (made only when asked)


def parsed_of(source: Source, report: Report, found: list[Finding], stored: bool = True) -> Parsed:
    """The rows of a checked report and, with ``stored``, the report as the database gives it
    back (db.fetch_report): JSON decoded again, cells in template order."""
    who = agency(report.agency)
    norm, region = (who.norm, who.region) if who else (None, None)
    order = cell_order(report.template)
    keys = sorted(report.values, key=lambda k: (order.get(k, len(order)), k))
    cells = [Cell.of(key, report.values[key], report.provenance.get(key)) for key in keys]
    encoded = encode(cells)
    sections = json.dumps([s.model_dump(mode="json") for s in report.sections], ensure_ascii=False)
    # nothing to link without an agency and a year
    row = (
        report.title,
        report.agency,
        norm,
        region,
        report.year,
        report.template,
        report.published,
        sections,
        norm is None or report.year is None,
    )
    blob = b""
    if stored:
        blob = pack(_as_stored(source, report, encoded, sections))
    return Parsed(row, encoded, finding_rows(found, SCOPE_REPORT), norm, report.year, fixable(cells), blob)


def _as_stored(source: Source, report: Report, cells: str, sections: str) -> StoredReport:
    """The StoredReport that db.fetch_report will read of these rows (their JSON decoded as the
    database's reader decodes it)."""
    return StoredReport(
        path=source.path,
        sha256=source.sha256,
        format=source.format or "",
        size=source.size or 0,
        title=report.title,
        agency=report.agency,
        year=report.year,
        template=report.template,
        published=report.published,
        sections=json.loads(sections),
        cells=decode(cells),
    )


def finding_rows(found: list[Finding], scope: str) -> list[tuple[Any, ...]]:
    """Findings as rows of the findings table (FINDING_FIELDS, JSON encoded)."""
    return [
        (f.rule, f.severity, f.message, json.dumps(list(f.keys)), json.dumps(dict(f.loc)), scope, f.scope, f.where)
        for f in found
    ]


@cache
def cell_order(template: str | None) -> dict[str, int]:
    """Cell key → its place in the template (rows are stored by key; reports list them in this order)."""
    from nianbao.template import available, load

    if template not in available():
        return {}
    return {k: i for i, k in enumerate(load(template).cell_keys())}
