"""Agency names across years: one key for the many ways a report writes an agency's name, and
the region it names. Kept apart from the linking (``agencies``) so that a worker process can
name a report's agency without importing the database.

The key (``normalize``) is the registry's stable agency id where it knows the place
(``nianbao.registry``: the 行政区划代码 and the office, so that 「哈尔滨市阿城区…」 and 「阿城区…」 are one
agency, and 「孟津县…」 and 「孟津区…」 too — a renaming it knows, 撤县设区 — while the name itself is
never changed: 县 stays 县). Where it does not know the place (or the place is ambiguous), the key
is the name folded: white space and full-width characters (NFKC), a parenthesised second name at
the end (“（区知识产权局）”) and the higher levels in front of the last place dropped — never a
level changed. ``region`` is the place's region path, or the places as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.registry import PARTY, clean, resolve

_SUFFIXES = "特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|区|县|旗"
# a place name's characters: none of the level suffixes, nor of the words that end an office's name
_PLACE_CHAR = r"[^\W_省市区县旗州盟局委办院厅部会处队所]"
# a place: 2–8 such characters, then its level; or a one-character county (沛县)
_UNIT = re.compile(rf"{_PLACE_CHAR}{{2,8}}?(?:{_SUFFIXES})|{_PLACE_CHAR}县")
_TRAILING_ALIAS = re.compile(r"\([^()]*\)$")


@dataclass(frozen=True)
class Agency:
    """A name as written, the key it is linked by, and the place it names (None when it names none)."""

    name: str
    norm: str
    region: str | None


def _units(text: str) -> list[str]:
    """The places at the front of a name (after a party prefix), highest first:
    哈尔滨市阿城区工信局 → [哈尔滨市, 阿城区]."""
    out: list[str] = []
    party = PARTY.match(text)
    pos = party.end() if party else 0
    while m := _UNIT.match(text, pos):
        out.append(m.group(0))
        pos = m.end()
    return out


def region(name: str | None) -> str | None:
    """The region path of the place a name names (the registry's), else its places as written."""
    if not name:
        return None
    return resolve(name).region_path or "".join(_units(clean(name))) or None


def normalize(name: str | None) -> str | None:
    """The key that links one agency's reports across years (see the module's doc)."""
    if not name:
        return None
    entry = resolve(name)
    if entry.code is not None:
        return entry.agency_id
    text = clean(name)
    text = _TRAILING_ALIAS.sub("", text) or text
    units = _units(text)
    if units:
        party = PARTY.match(text)
        head = party.group(0) if party else ""
        rest = text[len(head) + sum(len(u) for u in units) :]
        text = head + units[-1] + rest
    return text or None


def agency(name: str | None) -> Agency | None:
    if not name:
        return None
    return Agency(name=name, norm=normalize(name) or name, region=region(name))
