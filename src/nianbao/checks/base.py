"""What every family of rules shares: the Rule record, the context a check reads,
and the small helpers that turn cells into numbers, places and findings.

A check never looks at a cell whose status is not ``ok`` or ``blank``: an unread cell
is reported once by ``struct.unreadable`` and is never the cause of another finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal, cast

from nianbao.packaged import load_yaml
from nianbao.report import Finding, Location, Number, Report, Scope, Section, Severity
from nianbao.template import Row, Table, Template, available, load, template_for_year

Family = Literal["arithmetic", "structure", "text", "crossyear", "publication", "corpus"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
SCOPE_ZH: dict[str, str] = {"report": "报告问题", "reading": "读取问题"}


@dataclass(frozen=True)
class Rule:
    """One rule: a stable id, its default severity and a one-line Chinese description."""

    id: str
    severity: Severity
    description_zh: str
    family: Family
    scope: Scope = "report"  # reading: a rule about what nianbao could not read, never the agency's fault

    def finding(
        self,
        message: str,
        keys: list[str] | tuple[str, ...] = (),
        loc: Location | None = None,
        severity: Severity | None = None,
        scope: Scope | None = None,
    ) -> Finding:
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=message,
            keys=list(keys),
            loc=Location(**loc) if loc else Location(),
            scope=scope or self.scope,
        )


@dataclass
class Context:
    """What the checks of one report read: the report, its template, last year's
    report when known, the publication date when known, and the rules' numbers
    (params.yaml; the phrases are read by the modules that match them)."""

    report: Report
    template: Template
    previous: Report | None = None
    published: date | None = None
    params: dict[str, Any] = field(default_factory=dict)

    # -- cells ---------------------------------------------------------------
    def status(self, key: str) -> str:
        prov = self.report.provenance.get(key)
        if prov is not None:
            return prov.status
        return "missing" if self.report.values.get(key) is None else "ok"

    def usable(self, key: str) -> bool:
        """A cell whose number may enter a comparison (read, or printed blank = 0)."""
        return self.status(key) in ("ok", "blank") and self.report.values.get(key) is not None

    def value(self, key: str) -> Number:
        v = self.report.values.get(key)
        return 0 if v is None else v

    def total(self, keys: tuple[str, ...] | list[str]) -> Number:
        return sum(self.value(k) for k in keys)

    def loc(self, key: str) -> Location:
        prov = self.report.provenance.get(key)
        return Location(**prov.loc) if prov is not None else Location()

    def has_key(self, key: str) -> bool:
        return key in template_keys(self.template.version)

    # -- sections ------------------------------------------------------------
    def section(self, no: int) -> Section | None:
        return next((s for s in self.report.sections if s.no == no), None)


@cache
def template_keys(version: str) -> frozenset[str]:
    """The cell keys of a template version, as a set (asked thousands of times per report)."""
    return frozenset(load(version).cell_keys())


def report_template(report: Report) -> Template:
    """The report's own template version; the one of its year when it names none."""
    if report.template in available():
        return load(report.template)
    return template_for_year(report.year)


def table_name(table: Table) -> str:
    """表二 / 表三 / 表四, as the template names the table."""
    return table.name


def rows_with(table: Table, *columns: str) -> list[Row]:
    """The rows of ``table`` whose block has all these columns: a rule about those cells
    applies to the template versions that have them, and to no other."""
    return [r for b in table.blocks if set(columns) <= {c.key for c in b.columns} for r in b.rows]


def fmt(v: Number | None) -> str:
    """A number as a reviewer writes it: 3, 12.5 (never 3.0 or 12.500000001)."""
    if v is None:
        return "空"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def location_of(value: object) -> Location:
    """A location kept in an untyped record (an extra row's ``loc``), or none."""
    return cast(Location, value) if isinstance(value, dict) else Location()


def line_loc(loc: Location, line_offset: int = 0) -> Location:
    """A section's location moved ``line_offset`` lines down (page kept)."""
    out = Location()
    if "line" in loc:
        out["line"] = loc["line"] + line_offset
    if "page" in loc:
        out["page"] = loc["page"]
    return out


@cache
def load_data(name: str) -> dict[str, Any]:
    """A YAML data file of this package (phrases.yaml, params.yaml), read once."""
    data = load_yaml(__package__, name)
    return data if isinstance(data, dict) else {}
