"""Templates: each version of the official format, loaded from its YAML file.

The YAML is the one place where labels, cell keys and arithmetic are written; this
module only turns it into typed objects and derives what the other stages need
(the ordered cell keys, the expanded equations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from nianbao.packaged import load_yaml


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    kind: str = "count"  # count (integer ≥ 0) | decimal | signed
    unit: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    head: str | None = None  # the shortest prefix that identifies the row
    group: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Block:
    """One header + rows unit of a table (T2 has four, T3 and T4 one each)."""

    label: str | None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    key: str
    name: str  # 表二: as reports and messages name the table
    section: int
    title: str
    layout: str  # rows | flat
    blocks: tuple[Block, ...]
    note: str | None = None
    column_header: str | None = None
    column_groups: tuple[ColumnGroup, ...] = ()

    def cell_key(self, row: Row, col: Column) -> str:
        return f"{self.key}.{row.key}.{col.key}"

    def cells(self) -> list[tuple[Block, Row, Column, str]]:
        return [(b, r, c, self.cell_key(r, c)) for b in self.blocks for r in b.rows for c in b.columns]

    def all_rows(self) -> list[Row]:
        return [r for b in self.blocks for r in b.rows]

    def block_of(self, row_key: str) -> Block:
        return next(b for b in self.blocks if any(r.key == row_key for r in b.rows))


@dataclass(frozen=True)
class SectionDef:
    no: int
    title: str
    variants: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.variants)


@dataclass(frozen=True)
class Equation:
    """One concrete instance of a relation: sum(lhs) == sum(rhs)."""

    rule: str
    table: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    along: str  # the column (over: columns) or row (over: rows) this instance is about
    description: str


@dataclass(frozen=True)
class Relation:
    id: str
    table: str
    over: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class CrossYear:
    """A relation between two years' reports: this[this_key] = sum(last[last_keys]) + sum(this[add])
    − sum(this[subtract])."""

    rule: str
    this_key: str
    last_keys: tuple[str, ...]
    add: tuple[str, ...]
    subtract: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Roles:
    """The cells the corpus statistics and charts read, by what they mean."""

    cells: dict[str, str]  # role (received, granted, results_total …) → cell key
    outcomes: tuple[str, ...]  # the result cells, in the table's order
    appeals: str  # the table of reconsiderations and lawsuits
    appeals_results: tuple[str, ...] = ()  # its columns of results (all but the total)
    appeals_decided: tuple[str, ...] = ()  # its columns of decided cases (all but pending)
    appeals_corrected: str = ""  # its column of results corrected
    appeals_total: str = ""  # its column of the total

    def cell(self, role: str) -> str:
        return self.cells[role]


@dataclass(frozen=True)
class Template:
    version: str
    name: str
    basis: str
    year_from: int
    year_to: int | None
    markers: tuple[str, ...]
    sections: tuple[SectionDef, ...]
    tables: tuple[Table, ...]
    relations: tuple[Relation, ...]
    cross_year: tuple[CrossYear, ...] = ()
    roles: Roles = field(default_factory=lambda: Roles({}, (), ""), compare=False)
    raw: dict[str, Any] = field(repr=False, compare=False, hash=False, default_factory=dict)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def cell_keys(self) -> list[str]:
        return [k for t in self.tables for *_, k in t.cells()]

    def column(self, key: str) -> Column:
        table, row, col = key.split(".")
        t = self.table(table)
        return next(c for b in t.blocks for r in b.rows if r.key == row for c in b.columns if c.key == col)

    def row(self, key: str) -> Row:
        table, row, _ = key.split(".")
        return next(r for r in self.table(table).all_rows() if r.key == row)

    def describe(self, key: str) -> str:
        """Chinese location of a cell, e.g. 表三“一、本年新收…”行“自然人”列."""
        t = self.table(key.split(".")[0])
        row, col = self.row(key), self.column(key)
        if t.layout == "flat":
            return f"{t.name}“{row.label}”组“{col.label}”"
        return f"{t.name}“{row.label}”行“{col.label}”列"

    def equations(self) -> list[Equation]:
        out: list[Equation] = []
        for rel in self.relations:
            t = self.table(rel.table)
            block = t.blocks[0]
            rows = [r.key for r in block.rows]
            cols = [c.key for c in block.columns]
            if rel.over == "columns":
                names, others = rows, cols
            else:
                names, others = cols, rows
            lhs = _expand(rel.lhs, names)
            rhs = _expand(rel.rhs, names)
            for other in others:
                if rel.over == "columns":
                    lhs_keys = tuple(f"{t.key}.{n}.{other}" for n in lhs)
                    rhs_keys = tuple(f"{t.key}.{n}.{other}" for n in rhs)
                else:
                    lhs_keys = tuple(f"{t.key}.{other}.{n}" for n in lhs)
                    rhs_keys = tuple(f"{t.key}.{other}.{n}" for n in rhs)
                out.append(Equation(rel.id, t.key, lhs_keys, rhs_keys, other, rel.description))
        return out


def _cross_year(d: dict[str, Any], tables: tuple[Table, ...]) -> tuple[CrossYear, ...]:
    """Every instance of the template's cross-year relations, as cell keys."""
    out: list[CrossYear] = []
    for r in d.get("cross_year", ()):
        t = next(t for t in tables if t.key == r["table"])
        names = (r["this"], tuple(r["last"]), tuple(r.get("add", ())), tuple(r.get("subtract", ())))
        if r["over"] == "columns":
            # one instance per column: the names are rows
            patterns = [f"{t.key}.{{}}.{col.key}" for col in t.block_of(r["this"]).columns]
        else:
            # one instance per row that has the column: the names are columns
            patterns = [
                f"{t.key}.{row.key}.{{}}"
                for block in t.blocks
                if r["this"] in {c.key for c in block.columns}
                for row in block.rows
            ]
        for pattern in patterns:
            key = pattern.format
            this, last, add, sub = names
            out.append(
                CrossYear(
                    r["id"],
                    key(this),
                    tuple(map(key, last)),
                    tuple(map(key, add)),
                    tuple(map(key, sub)),
                    r["description"],
                )
            )
    return tuple(out)


def _roles(d: dict[str, Any], tables: tuple[Table, ...]) -> Roles:
    """The template's ``roles``, every cell checked against its tables (a typo fails at load)."""
    spec = dict(d.get("roles") or {})
    if not spec:
        return Roles({}, (), "")
    keys = {k for t in tables for *_, k in t.cells()}
    outcome = spec.pop("outcomes")
    appeal = spec.pop("appeals")
    appeals = str(appeal["table"])
    table = next(t for t in tables if t.key == outcome["table"])
    rows = _expand(tuple(outcome["rows"]), [r.key for r in table.all_rows()])
    outcomes = tuple(f"{table.key}.{r}.{outcome['column']}" for r in rows)
    cells = {str(role): str(key) for role, key in spec.items()}
    unknown = sorted(k for k in (*cells.values(), *outcomes) if k not in keys)
    appeal_table = next((t for t in tables if t.key == appeals), None)
    columns = [c.key for c in appeal_table.blocks[0].columns] if appeal_table else []
    results = tuple(_expand(tuple(appeal["results"]), columns)) if columns else ()
    decided = tuple(_expand(tuple(appeal["decided"]), columns)) if columns else ()
    single = (str(appeal["corrected"]), str(appeal["total"]))
    if unknown or not columns or any(c not in columns for c in single):
        raise ValueError(f"template roles name cells or tables it does not have: {unknown or appeal}")
    return Roles(cells, outcomes, appeals, results, decided, *single)


def _expand(names: tuple[str, ...], order: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if ".." in n:
            a, b = n.split("..")
            out.extend(order[order.index(a) : order.index(b) + 1])
        else:
            out.append(n)
    return out


def _column(d: dict[str, Any]) -> Column:
    return Column(
        key=d["key"],
        label=d["label"],
        variants=tuple(d.get("variants", ())),
        kind=d.get("kind", "count"),
        unit=d.get("unit"),
    )


def _row(d: dict[str, Any]) -> Row:
    return Row(
        key=d["key"],
        label=d["label"],
        variants=tuple(d.get("variants", ())),
        head=d.get("head"),
        group=d.get("group"),
    )


def _table(d: dict[str, Any]) -> Table:
    return Table(
        key=d["key"],
        name=d["name"],
        section=d["section"],
        title=d["title"],
        layout=d.get("layout", "rows"),
        note=d.get("note"),
        column_header=d.get("column_header"),
        column_groups=tuple(ColumnGroup(g["label"], tuple(g["columns"])) for g in d.get("column_groups", ())),
        blocks=tuple(
            Block(
                label=b.get("label"),
                columns=tuple(_column(c) for c in b["columns"]),
                rows=tuple(_row(r) for r in b["rows"]),
            )
            for b in d["blocks"]
        ),
    )


def from_dict(d: dict[str, Any]) -> Template:
    tables = tuple(_table(t) for t in d["tables"])
    return Template(
        version=str(d["version"]),
        name=d["name"],
        basis=d["basis"],
        year_from=d["years"]["from"],
        year_to=d["years"].get("to"),
        markers=tuple(d.get("markers", ())),
        sections=tuple(
            SectionDef(s["number"], s["title"], tuple(s.get("variants", ())), tuple(s.get("keywords", ())))
            for s in d["sections"]
        ),
        tables=tables,
        relations=tuple(
            Relation(
                id=r["id"],
                table=r["table"],
                over=r["over"],
                lhs=tuple(r["lhs"]),
                rhs=tuple(r["rhs"]),
                description=r["description"],
            )
            for r in d.get("relations", ())
        ),
        cross_year=_cross_year(d, tables),
        roles=_roles(d, tables),
        raw=d,
    )


@cache
def load(version: str) -> Template:
    """The template of a version ("2021", "2019"), read once from its YAML file."""
    if version not in available():
        raise KeyError(f"unknown template version {version!r}; known: {', '.join(available())}")
    return from_dict(load_yaml(__package__, f"v{version}.yaml"))


def available() -> tuple[str, ...]:
    names = [p.name for p in resources.files(__package__).iterdir()]
    return tuple(sorted((n[1:-5] for n in names if n.startswith("v") and n.endswith(".yaml")), reverse=True))


def template_for_year(year: int | None) -> Template:
    """The version that the rules prescribe for a data year (≤ 2020 → 2019 when present)."""
    for v in available():
        t = load(v)
        if year is None or (t.year_from <= year and (t.year_to is None or year <= t.year_to)):
            return t
    return load(available()[0])
