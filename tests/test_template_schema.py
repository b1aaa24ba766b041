"""The template as data, and the committed JSON Schema kept in step with the models."""

from __future__ import annotations

import json

from nianbao.cli import main
from nianbao.schema import report_schema
from nianbao.template import load
from tests.conftest import ROOT


def test_template_2021_cells_and_equations() -> None:
    t = load("2021")
    keys = t.cell_keys()
    assert len(keys) == 200 and len(set(keys)) == 200
    assert keys[:3] == ["active.regulations.issued", "active.regulations.repealed", "active.regulations.in_force"]
    assert "active.fees.amount" in keys and keys[-1] == "appeals.litigation_after_reconsideration.total"
    assert sum(k.startswith("applications.") for k in keys) == 175
    assert [s.title for s in t.sections][3] == "政府信息公开行政复议、行政诉讼情况"
    eqs = t.equations()
    by_rule: dict[str, int] = {}
    for e in eqs:
        by_rule[e.rule] = by_rule.get(e.rule, 0) + 1
    assert by_rule == {"app.balance": 7, "app.results_sum": 7, "app.row_total": 25, "appeals.group_total": 3}
    balance = next(e for e in eqs if e.rule == "app.balance" and e.along == "natural_person")
    assert balance.lhs == ("applications.new.natural_person", "applications.carried_over.natural_person")
    assert balance.rhs == ("applications.results_total.natural_person", "applications.carried_forward.natural_person")
    results = next(e for e in eqs if e.rule == "app.results_sum" and e.along == "total")
    assert len(results.rhs) == 21 and results.rhs[0] == "applications.granted.total"
    assert t.describe("applications.new.natural_person") == "表三“一、本年新收政府信息公开申请数量”行“自然人”列"


def test_committed_schema_matches_models() -> None:
    committed = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    assert committed == report_schema(), "run: nianbao schema -o schema/report.schema.json"
    assert {"schema", "source", "values", "provenance", "findings"} <= set(committed["properties"])


def test_template_show_prints_rows(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["template", "show", "2021"]) == 0
    out = capsys.readouterr().out
    assert "applications.denied_state_secret.natural_person" in out and "1.属于国家秘密" in out
    assert "app.balance" in out
    assert main(["template", "show", "1999"]) == 2
