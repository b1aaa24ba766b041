"""True statistics over agency-years: a figure is the sum of the values that were read, and says
how many agency-years it covers and how many were left out (their cell not read); a share is
computed over the agency-years whose parts are all known; a group of fewer than ``SMALL``
agency-years is marked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nianbao.dataset import Reading
from nianbao.report import Number

SMALL = 5  # a group of fewer agency-years is marked: its figures are fragile


@dataclass
class Figure:
    """A sum over a group: the total of the values read, the agency-years it covers and those left out."""

    total: Number = 0
    covered: int = 0
    left_out: int = 0

    def add(self, reading: Reading) -> None:
        if reading.status == "not_in_format":
            return  # the variable is not in that report's format: neither covered nor left out
        if reading.value is None:
            self.left_out += 1
        else:
            self.total += reading.value
            self.covered += 1


@dataclass
class Share:
    """A ratio of sums over the agency-years where both parts were read."""

    numerator: Number = 0
    denominator: Number = 0
    covered: int = 0
    left_out: int = 0

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.covered and self.denominator > 0 else None


@dataclass
class Group:
    name: str
    agency_years: int = 0
    figures: dict[str, Figure] = field(default_factory=dict)
    shares: dict[str, Share] = field(default_factory=dict)

    @property
    def small(self) -> bool:
        return self.agency_years < SMALL

    def add(self, variables: Mapping[str, Reading], shares: Mapping[str, tuple[str, str]] = {}) -> None:
        """One agency-year's variables; ``shares`` names each share's numerator and denominator variables."""
        self.agency_years += 1
        for name, reading in variables.items():
            self.figures.setdefault(name, Figure()).add(reading)
        for name, (top, bottom) in shares.items():
            share = self.shares.setdefault(name, Share())
            a, b = variables.get(top), variables.get(bottom)
            if a is None or b is None or a.status == "not_in_format" or b.status == "not_in_format":
                continue
            if a.value is None or b.value is None:
                share.left_out += 1
            else:
                share.numerator += a.value
                share.denominator += b.value
                share.covered += 1
