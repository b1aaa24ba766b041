"""A corpus made from the real samples: copies whose numbers, agency and year are changed by
editing the sample's own text, so each copy keeps the sample's layout. Used by the corpus tests
and benchmarks/corpus.py.

Numbers are replaced line by line where the extractor read each cell (its provenance), in the
order they are printed, which is the order of the template's cell keys on that line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from nianbao.template import load
from tests.layouts import random_values

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "samples"

# a standalone number: not part of a label such as "1.属于国家秘密" or a word
_NUMBER = re.compile(r"(?<![\w.．])\d+(?:\.\d+)?(?![\w.．、])")


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    agency: str
    year: int
    lines: dict[int, list[str]]  # line number (1-based) → cell keys read from it, in order


@dataclass(frozen=True)
class Variant:
    """One generated report: its text and what it says."""

    name: str
    text: str
    agency: str
    year: int
    values: dict[str, int | float]


def load_samples() -> list[Sample]:
    """The five real 2021-format samples, with the agency and year each one prints."""
    from nianbao.pipeline import parse_file

    out = []
    for path in sorted(SAMPLES.glob("*.txt")):
        report = parse_file(path)
        assert report.agency and report.year
        lines: dict[int, list[str]] = {}
        for key, prov in report.provenance.items():
            lines.setdefault(prov.loc["line"], []).append(key)
        text = path.read_text(encoding="utf-8")
        out.append(Sample(path.name, text, report.agency, report.year, lines))
    return out


def _fmt(v: int | float) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _next_value(keys: Iterator[str], values: Mapping[str, int | float], _match: re.Match[str]) -> str:
    """The next cell's new number, in place of the number matched."""
    return _fmt(values[next(keys)])


def variant(sample: Sample, agency: str, year: int, seed: int) -> Variant:
    """The sample with every table number replaced (values satisfying the template's
    arithmetic), the agency renamed and the year moved, everywhere the text says them."""
    template = load("2021")
    values = random_values(template, seed, big=True)
    keys = template.cell_keys()
    text = sample.text.replace(sample.agency, agency)
    shift = {str(sample.year + d): str(year + d) for d in (-1, 0, 1)}
    text = re.sub("|".join(shift), lambda m: shift[m.group(0)], text)
    lines = text.split("\n")
    for no, line_keys in sample.lines.items():
        numbers = iter(line_keys)
        lines[no - 1] = _NUMBER.sub(partial(_next_value, numbers, values), lines[no - 1])
        assert next(numbers, None) is None, f"{sample.name}:{no}: fewer numbers than cells"
    assert sum(len(k) for k in sample.lines.values()) == len(keys)
    return Variant(f"{Path(sample.name).stem}-{year}-{seed}", "\n".join(lines), agency, year, values)


def broken_files() -> dict[str, bytes]:
    """Files a crawl brings home that are not reports: each must be recorded as failed."""
    return {
        "empty.txt": b"",
        "garbage.pdf": bytes(range(256)) * 40,
        "notice.txt": "关于召开2023年度工作会议的通知\n\n各科室：定于下周一召开工作会议，请准时参加。\n".encode(),
        "truncated.md": b"# \xe6\x94\xbf\xe5\xba\x9c\xe4\xbf\xa1\xe6\x81\xaf\x00\x00\x00\xff\xfe",
    }


# the city each sample's district belongs to, to spell its name the long way in one year
CITIES = {"中站区": "焦作市", "孟津区": "洛阳市", "卫东区": "平顶山市", "西工区": "洛阳市", "阿城区": "哈尔滨市"}
PROVINCES = {"焦作市": "河南省", "洛阳市": "河南省", "平顶山市": "河南省", "哈尔滨市": "黑龙江省"}
RENAMED = {"孟津区": "孟津县"}  # a real renaming (撤县设区, 2021) that the registry knows


def spellings(sample: Sample) -> dict[int, str]:
    """The sample's agency as three years of its reports write it: before its renaming (孟津县) or
    with its province and city in front (2021), with its city in front (2022), as the sample has it
    (2023)."""
    district = next(d for d in CITIES if sample.agency.startswith(d))
    city = CITIES[district]
    early = (
        sample.agency.replace(district, RENAMED[district], 1)
        if district in RENAMED
        else PROVINCES[city] + city + sample.agency
    )
    return {2021: early, 2022: city + sample.agency, 2023: sample.agency}


def build_corpus(root: Path) -> list[Path]:
    """The test corpus under ``root``: the five samples as they are, three years of each
    sample's agency (spelled three ways) and one report of a second agency per sample, all with
    new numbers; the 2019-format sample; the broken files; and one exact copy of a report."""
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(rel: str, data: bytes) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for i, sample in enumerate(load_samples()):
        put(f"samples/{sample.name}", sample.text.encode())
        for year, name in spellings(sample).items():
            v = variant(sample, name, year, seed=100 * i + year)
            put(f"{year}/{v.name}.txt", v.text.encode())
        other = variant(sample, f"新安县{['科学技术局', '财政局', '教育局', '民政局', '统计局'][i]}", 2023, seed=i)
        put(f"2023/other/{other.name}.txt", other.text.encode())
    put("2019/pingtan-2019.txt", (ROOT / "examples" / "2019" / "pingtan-2019.txt").read_bytes())
    for name, data in broken_files().items():
        put(f"broken/{name}", data)
    put("copies/same-as-first.txt", written[1].read_bytes())
    return written
