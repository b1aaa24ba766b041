"""True statistics (issue 17): unread cells are never counted as 0; each figure says how many
agency-years it covers and leaves out; shares only where both parts are known; small groups marked."""

from __future__ import annotations

from nianbao.dataset import Reading
from nianbao.dataset.aggregate import SMALL, Group


def _year(granted: float | None, total: float | None) -> dict[str, Reading]:
    def r(v: float | None) -> Reading:
        return Reading(v, "ok") if v is not None else Reading(None, "unread", "未读出")

    return {"granted": r(granted), "results": r(total)}


def test_a_blank_total_is_left_out_not_counted_as_zero() -> None:
    g = Group("2023")
    shares = {"granted_share": ("granted", "results")}
    g.add(_year(8, 10), shares)
    g.add(_year(1, None), shares)  # the 0.8 % of the issue: a total not read counted as 0
    g.add(_year(3, 10), shares)
    assert (g.figures["results"].total, g.figures["results"].covered, g.figures["results"].left_out) == (20, 2, 1)
    assert (g.figures["granted"].total, g.figures["granted"].covered) == (12, 3)
    share = g.shares["granted_share"]
    assert share.value == 11 / 20 and (share.covered, share.left_out) == (2, 1)
    assert g.agency_years == 3 and g.small == (SMALL > 3)


def test_a_variable_not_in_the_format_is_neither_covered_nor_left_out() -> None:
    g = Group("2019")
    g.add({"fees": Reading(None, "not_in_format", "2019年格式无此项")})
    assert (g.figures["fees"].covered, g.figures["fees"].left_out) == (0, 0)


def test_no_share_without_a_positive_denominator() -> None:
    g = Group("x")
    g.add(_year(0, 0), {"s": ("granted", "results")})
    assert g.shares["s"].value is None
