"""The template is the only source (issue 15): the cells the corpus statistics read are named
by role in each template's YAML, and tables by the name printed in reports."""

from __future__ import annotations

import copy

import pytest

from nianbao.corpus.stats import layout
from nianbao.template import available, from_dict, load


@pytest.mark.parametrize("version", available())
def test_every_template_names_the_roles_the_statistics_read(version: str) -> None:
    t = load(version)
    keys = set(t.cell_keys())
    for role in ("received", "carried_over", "granted", "partially_granted", "results_total", "carried_forward"):
        assert t.roles.cell(role) in keys
    assert t.roles.outcomes[0] == "applications.granted.total"
    assert "applications.results_total.total" not in t.roles.outcomes
    assert t.roles.appeals_decided == ("upheld", "corrected", "other")
    assert t.roles.appeals_results == ("upheld", "corrected", "other", "pending")
    assert (t.roles.appeals_corrected, t.roles.appeals_total) == ("corrected", "total")


def test_outcomes_of_both_formats_count_under_their_group_labels() -> None:
    lay = layout()
    assert lay.outcomes["applications.denied_state_secret.total"] == "（三）不予公开"
    assert lay.outcomes["applications.granted.total"] == "（一）予以公开"
    # 2019's single 其他处理 row and 2021's three rows count as one outcome
    assert lay.outcomes["applications.other_handling.total"] == "（六）其他处理"
    assert lay.outcomes["applications.other_no_fee.total"] == "（六）其他处理"
    assert lay.outcome_labels.count("（六）其他处理") == 1


def test_a_role_naming_a_cell_the_template_lacks_fails_at_load() -> None:
    raw = copy.deepcopy(load("2021").raw)
    raw["roles"]["granted"] = "applications.granted_typo.total"
    with pytest.raises(ValueError, match="granted_typo"):
        from_dict(raw)


@pytest.mark.parametrize("version", available())
def test_tables_are_named_by_the_template(version: str) -> None:
    t = load(version)
    assert [x.name for x in t.tables] == ["表二", "表三", "表四"]
    assert t.describe("applications.results_total.natural_person") == "表三“（七）总计”行“自然人”列"
