"""Totals and distributions over the corpus, overall or by year, region or agency: applications
received and how they ended, the share granted, appeals and their results, and the reports with
findings by rule. Sums are made by the database; which rows count as which outcome comes from the
template (a row's group, e.g. （三）不予公开), so the 2019 and 2021 formats add up together.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select

from nianbao.corpus.db import fetch_cells, findings
from nianbao.dataset import CellState, number_of
from nianbao.dataset.aggregate import SMALL, Share
from nianbao.numbering import BRACKETED_CN
from nianbao.template import Template, available, load

By = Literal["year", "region", "agency"]
ALL = "全部"
CHUNK = 5_000  # agency-years read from the database at a time
UNKNOWN = "（不详）"


@dataclass(frozen=True)
class Layout:
    """The cells the statistics read, as the newest template names them."""

    received: str
    carried_over: str
    results_total: str
    carried_forward: str
    granted: str
    partially_granted: str
    outcomes: dict[str, str]  # cell key (column total) → outcome label, for every template
    outcome_labels: list[str]
    appeals: str  # the appeals table's key
    appeal_groups: list[tuple[str, str]]  # row key, label
    appeal_columns: list[tuple[str, str]]  # column key, label
    appeal_results: tuple[str, ...]  # column keys of the results (all but the total)
    appeal_decided: tuple[str, ...]  # column keys of the cases decided
    appeal_corrected: str  # column key of the results corrected
    appeal_total: str  # column key of the total

    def appeal_result_columns(self) -> list[tuple[str, str]]:
        """The appeals' result columns (key, label), the total left out."""
        return [(c, label) for c, label in self.appeal_columns if c in self.appeal_results]


def layout() -> Layout:
    """The cells by their roles in the templates' ``roles`` (the newest template's names)."""
    newest = load(available()[0])
    roles = newest.roles
    outcomes: dict[str, str] = {}
    labels: list[str] = []
    for version in available():
        for key, label in _outcomes(load(version)).items():
            outcomes[key] = label
            if label not in labels:
                labels.append(label)
    appeals = newest.table(roles.appeals).blocks[0]
    return Layout(
        received=roles.cell("received"),
        carried_over=roles.cell("carried_over"),
        results_total=roles.cell("results_total"),
        carried_forward=roles.cell("carried_forward"),
        granted=roles.cell("granted"),
        partially_granted=roles.cell("partially_granted"),
        outcomes=outcomes,
        outcome_labels=labels,
        appeals=roles.appeals,
        appeal_groups=[(r.key, r.label) for r in appeals.rows],
        appeal_columns=[(c.key, c.label) for c in appeals.columns],
        appeal_results=roles.appeals_results,
        appeal_decided=roles.appeals_decided,
        appeal_corrected=roles.appeals_corrected,
        appeal_total=roles.appeals_total,
    )


def _outcomes(template: Template) -> dict[str, str]:
    """The template's result cells (role ``outcomes``), each under its row's group label, or its
    own label when it stands directly under the results' heading (“本年度办理结果”)."""
    results = template.roles.outcomes
    top = template.row(results[0]).group
    out: dict[str, str] = {}
    for key in results:
        r = template.row(key)
        out[key] = (r.head or r.label) if r.group == top else r.group or r.label
    return out


@dataclass
class Group:
    """A group's agency-years (``reports``: one canonical report each), the sums of the cells that
    were read (``covered``: how many agency-years each sum holds; the rest are left out, never
    counted as 0), and the shares over the agency-years whose parts were all read."""

    name: str
    reports: int = 0
    sums: dict[str, float] = field(default_factory=dict)
    covered: dict[str, int] = field(default_factory=dict)
    shares: dict[str, Share] = field(default_factory=dict)
    errors: int = 0  # agency-years whose report has at least one finding of severity error

    def get(self, key: str) -> float:
        return self.sums.get(key, 0.0)

    def left_out(self, key: str) -> int:
        return self.reports - self.covered.get(key, 0)

    @property
    def small(self) -> bool:
        return self.reports < SMALL


@dataclass
class RuleCount:
    rule: str
    description: str
    severity: str
    reports: int


@dataclass
class Stats:
    by: By | None
    layout: Layout
    groups: list[Group]
    rules: list[RuleCount]

    def outcomes(self, g: Group) -> dict[str, float]:
        out: dict[str, float] = dict.fromkeys(self.layout.outcome_labels, 0.0)
        for key, label in self.layout.outcomes.items():
            out[label] += g.get(key)
        return out

    def granted_share(self, g: Group) -> float | None:
        return g.shares["granted"].value if "granted" in g.shares else None

    def partial_share(self, g: Group) -> float | None:
        return g.shares["partial"].value if "partial" in g.shares else None

    def appeal(self, g: Group, row: str, col: str) -> float:
        return g.get(f"{self.layout.appeals}.{row}.{col}")

    def corrected_share(self, g: Group) -> float | None:
        """Of the appeals decided (all but pending), the share whose result was corrected."""
        return g.shares["corrected"].value if "corrected" in g.shares else None


def compute(engine: Engine, by: By | None = None) -> Stats:
    """The statistics of the corpus's agency-years (their canonical reports: ``corpus.dataset``),
    overall or by year, region (province/prefecture) or agency."""
    from nianbao.corpus.dataset import agency_years

    lay = layout()
    keys = [lay.received, lay.carried_over, lay.results_total, lay.carried_forward, *lay.outcomes]
    keys += [f"{lay.appeals}.{r}.{c}" for r, _ in lay.appeal_groups for c, _ in lay.appeal_columns]
    wanted = set(keys)
    items, _ = agency_years(engine)
    names: dict[str, str] = {}  # agency id → the name its first agency-year is written with
    group_of: dict[int, str] = {}
    for a in items:
        if by == "year":
            group_of[a.chosen.id] = str(a.year)
        elif by == "region":
            group_of[a.chosen.id] = "/".join(p for p in (a.entry.province, a.entry.prefecture) if p) or UNKNOWN
        elif by == "agency":
            group_of[a.chosen.id] = names.setdefault(a.entry.agency_id, a.chosen.agency or UNKNOWN)
        else:
            group_of[a.chosen.id] = ALL
    groups: dict[str, Group] = {}
    rules: dict[tuple[str, str], int] = defaultdict(int)
    ids = list(group_of)
    with engine.connect() as conn:
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            for report_id, stored in fetch_cells(conn, chunk).items():
                states = {c.key: (c.value, c.status) for c in stored if c.key in wanted}
                _add(groups.setdefault(group_of[report_id], Group(group_of[report_id])), states, lay)
            erring = conn.execute(
                select(findings.c.report_id)
                .where(findings.c.report_id.in_(chunk))
                .where(findings.c.severity == "error")
                .distinct()
            )
            for (report_id,) in erring:
                groups[group_of[report_id]].errors += 1
            per_rule = conn.execute(
                select(findings.c.rule, findings.c.severity, func.count(findings.c.report_id.distinct()))
                .where(findings.c.report_id.in_(chunk))
                .group_by(findings.c.rule, findings.c.severity)
            )
            for rule, severity, n in per_rule:
                rules[(str(rule), str(severity))] += int(n)
    return Stats(by, lay, _ordered(groups, by), _rules([(r, s, n) for (r, s), n in rules.items()]))


def _known(state: CellState | None) -> float | None:
    """A cell's number when it was read (or left blank: 0); None when it was not."""
    number = None if state is None else number_of(state)
    return None if number is None else float(number)


def _add(g: Group, cells: dict[str, CellState], lay: Layout) -> None:
    """One agency-year into its group: each cell read into its sum, each share where its parts are."""
    g.reports += 1
    for key, state in cells.items():
        number = _known(state)
        if number is not None:
            g.sums[key] = g.sums.get(key, 0.0) + number
            g.covered[key] = g.covered.get(key, 0) + 1
    total = _known(cells.get(lay.results_total))
    for name, part in (("granted", lay.granted), ("partial", lay.partially_granted)):
        _share(g, name, _known(cells.get(part)), total)
    rows = [r for r, _ in lay.appeal_groups]
    decided = [_known(cells.get(f"{lay.appeals}.{r}.{c}")) for r in rows for c in lay.appeal_decided]
    corrected = [_known(cells.get(f"{lay.appeals}.{r}.{lay.appeal_corrected}")) for r in rows]
    both_read = None not in decided and None not in corrected
    _share(g, "corrected", sum(x or 0 for x in corrected) if both_read else None, sum(x or 0 for x in decided))


def _share(g: Group, name: str, part: float | None, whole: float | None) -> None:
    """A share's parts from one agency-year: left out when either is not read, or the part exceeds
    the whole (a report whose 总计 was left blank while its rows were filled)."""
    share = g.shares.setdefault(name, Share())
    if part is None or whole is None or part > whole:
        share.left_out += 1
    else:
        share.numerator += part
        share.denominator += whole
        share.covered += 1


def _ordered(groups: dict[str, Group], by: By | None) -> list[Group]:
    def key(g: Group) -> tuple[int, object]:
        if g.name == UNKNOWN:
            return (2, "")
        if by == "year":
            return (0, int(g.name))
        return (1, g.name) if by is None else (0, g.name)

    return sorted(groups.values(), key=key)


def _rules(rows: list[tuple[str, str, int]]) -> list[RuleCount]:
    from nianbao.checks import RULES

    described = {r.id: r.description_zh for r in RULES}
    merged: dict[tuple[str, str], int] = defaultdict(int)
    for rule, severity, n in rows:
        merged[(rule, severity)] += n
    order = {"error": 0, "warning": 1, "info": 2}
    out = [RuleCount(rule, described.get(rule, ""), sev, n) for (rule, sev), n in merged.items()]
    return sorted(out, key=lambda r: (order.get(r.severity, 3), -r.reports, r.rule))


BY_ZH: dict[str, str] = {"year": "年度", "region": "地区", "agency": "机关"}
_NUMBERING = re.compile(f"^{BRACKETED_CN}")


def short_label(label: str) -> str:
    """An outcome's label without its numbering: （一）予以公开 → 予以公开."""
    return _NUMBERING.sub("", label)


def _n(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def overview_rows(stats: Stats) -> tuple[list[str], list[list[str]]]:
    """概况: per group, the agency-years, applications received and carried, results, the shares
    granted, how many agency-years' 总计 was not read (left out of the sums), and those with errors;
    a group under SMALL agency-years is marked."""
    lay = stats.layout
    head = [
        BY_ZH.get(stats.by or "", "范围"),
        "机关年度数",
        "新收申请",
        "上年结转",
        "办理总计",
        "予以公开",
        "部分公开",
        "结转下年",
        "总计未读出",
        "有错误的",
    ]
    rows = [
        [
            f"{g.name}（不足{SMALL}个）" if g.small else g.name,
            _n(g.reports),
            _n(g.get(lay.received)),
            _n(g.get(lay.carried_over)),
            _n(g.get(lay.results_total)),
            _pct(stats.granted_share(g)),
            _pct(stats.partial_share(g)),
            _n(g.get(lay.carried_forward)),
            _n(g.left_out(lay.results_total)),
            _n(g.errors),
        ]
        for g in stats.groups
    ]
    return head, rows


def outcome_rows(stats: Stats) -> tuple[list[str], list[list[str]]]:
    """办理结果: how the applications ended, in counts and in shares of the results' total."""
    head = [BY_ZH.get(stats.by or "", "范围"), *(short_label(label) for label in stats.layout.outcome_labels)]
    rows = []
    for g in stats.groups:
        total = g.get(stats.layout.results_total)
        rows.append([g.name] + [f"{_n(v)}（{_pct(v / total if total else None)}）" for v in stats.outcomes(g).values()])
    return head, rows


def appeal_rows(stats: Stats) -> tuple[list[str], list[list[str]]]:
    """行政复议、行政诉讼: the total of each kind, then all kinds by result, and the share corrected."""
    lay = stats.layout
    total_col = lay.appeal_total
    head = [BY_ZH.get(stats.by or "", "范围"), *(label for _, label in lay.appeal_groups)]
    head += [label for _, label in lay.appeal_result_columns()]
    head.append("纠正率")
    rows = []
    for g in stats.groups:
        row = [g.name] + [_n(stats.appeal(g, key, total_col)) for key, _ in lay.appeal_groups]
        row += [_n(sum(stats.appeal(g, r, c) for r, _ in lay.appeal_groups)) for c, _ in lay.appeal_result_columns()]
        rows.append([*row, _pct(stats.corrected_share(g))])
    return head, rows


def rule_rows(stats: Stats) -> tuple[list[str], list[list[str]]]:
    head = ["规则", "严重程度", "说明", "报告数"]
    severity = {"error": "错误", "warning": "警告", "info": "提示"}
    return head, [[r.rule, severity.get(r.severity, r.severity), r.description, _n(r.reports)] for r in stats.rules]


SECTIONS = (
    ("概况", overview_rows),
    ("办理结果", outcome_rows),
    ("行政复议、行政诉讼", appeal_rows),
    ("检查发现（按规则，报告数）", rule_rows),
)


def print_stats(stats: Stats, console: Console | None = None) -> None:
    console = console or Console()
    for title, make in SECTIONS:
        head, rows = make(stats)
        table = Table(title=title, title_justify="left")
        for i, h in enumerate(head):
            table.add_column(h, justify="left" if i == 0 or (make is rule_rows and i < 3) else "right")
        for row in rows:
            table.add_row(*row)
        if not rows:
            table.add_row(*(["（无）"] + [""] * (len(head) - 1)))
        console.print(table)
