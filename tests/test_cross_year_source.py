"""The template's ``cross_year`` relations are the one definition of what carries from one year's
report into the next: the checks and ``render --from-previous`` both read them."""

from __future__ import annotations

from nianbao.checks.base import load_data
from nianbao.render.inputs import from_previous, load_bytes
from nianbao.template import load

LAST_2019 = b"""agency: example
year: 2019
template: "2019"
values:
  active.licensing.prev_items: 10
  active.licensing.change: -3
  applications.carried_forward.total: 2
"""


def test_from_previous_carries_every_relation_of_the_template() -> None:
    draft = from_previous(load_bytes(LAST_2019, "last.yaml"))
    assert draft.version() == "2019"
    assert draft.values["active.licensing.prev_items"] == 7  # 10 + (−3): xyear.prev_items
    assert draft.values["applications.carried_over.total"] == 2  # xyear.carry
    carried = {x.this_key for x in load("2019").cross_year}
    assert set(draft.values) == carried


def test_check_parameters_do_not_repeat_the_relations() -> None:
    params = load_data("params.yaml")
    assert not {"carry", "in_force", "items"} & set(params)
