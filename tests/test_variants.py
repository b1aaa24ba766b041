"""Reports as real extraction tools hand them over, scored cell by cell against the values printed.

The corpus is tests/fixtures/variants/ (built by its generate.py): real reports and the official Word
table filled with large numbers — some tables adding up, some not, some with empty cells — passed through
pdftotext, pdfminer, pypdf, pdfplumber, pdfium, python-docx, LibreOffice, html2text, w3m, lynx,
BeautifulSoup and a browser-style copy. Two promises are held per variant: no cell is wrong while its
status says it is certain (``ok``, or ``blank`` = an empty cell read as 0), and no fewer cells are right
than the floor recorded in the sidecar. Parses run in a separate worker process with a time and memory
cap, so a parser that runs away fails its variant instead of stalling the suite or the machine.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import resource
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from nianbao.pipeline import parse_file
from nianbao.template import load

VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"
CERTAIN = ("ok", "ocr", "blank")
TIMEOUT_S = 5.0
MEMORY_CAP = 3 << 30

# variants where the parser reports a wrong number as certain (or runs away), with why: none at present;
# a variant listed here runs as a strict xfail, so a fix shows
KNOWN_WRONG: dict[str, str] = {}


@dataclass
class Score:
    right: int = 0
    unreadable: int = 0
    missing: int = 0
    wrong_certain: list[str] = field(default_factory=list)  # "key: expected → got (status)"
    uncertain_right: int = 0  # undecidable cells correctly left uncertain
    error: str | None = None  # the parse raised, ran out of memory or out of time


def _same(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=0, abs_tol=1e-6)


def sidecar(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VARIANTS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def score(txt: Path, side: dict[str, Any]) -> Score:
    """Compare the parse of one variant with its sidecar (in this process)."""
    report = parse_file(txt)
    template = load(side["template"])
    unknown = set(side["unknown"])
    s = Score()
    for key in template.cell_keys():
        prov = report.provenance.get(key)
        status = prov.status if prov else "missing"
        got = report.values.get(key)
        if key in unknown:
            if status in CERTAIN:
                s.wrong_certain.append(f"{key}: undecidable → {got} ({status})")
            else:
                s.uncertain_right += 1
            continue
        want = side["values"].get(key, 0)
        if _same(got, want):
            s.right += 1
        elif status in CERTAIN:
            s.wrong_certain.append(f"{key}: {want} → {got} ({status})")
        elif status == "unreadable":
            s.unreadable += 1
        else:
            s.missing += 1
    return s


def _serve(conn: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    while (name := conn.recv()) is not None:
        try:
            result = score(VARIANTS / f"{name}.txt", sidecar(name))
        except MemoryError:
            result = Score(error="内存超限")
        except Exception as e:
            result = Score(error=f"{type(e).__name__}: {e}")
        conn.send(result)


class Worker:
    """One worker process that scores variants in turn; killed and replaced when a parse overruns."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self._conn, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_serve, args=(child,), daemon=True)
        self._proc.start()
        child.close()

    def score(self, name: str, timeout: float = TIMEOUT_S) -> Score:
        self._conn.send(name)
        if self._conn.poll(timeout):
            try:
                score: Score = self._conn.recv()
                return score
            except (EOFError, OSError):
                result = Score(error="解析进程异常退出")
        else:
            result = Score(error=f"解析超过{timeout:g}秒未结束")
        self._proc.kill()
        self._proc.join()
        self._start()
        return result

    def close(self) -> None:
        self._conn.send(None)
        self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.close()


@cache
def _scored(name: str, w: Worker) -> Score:
    return w.score(name)


def _names() -> list[str]:
    return sorted(p.stem for p in VARIANTS.glob("*.json"))


def _cases() -> list[Any]:
    return [
        pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[n])] if n in KNOWN_WRONG else [])
        for n in _names()
    ]


def test_corpus_is_small_and_complete() -> None:
    texts = sorted(VARIANTS.glob("*.txt"))
    assert len(texts) >= 60
    assert {t.stem for t in texts} == set(_names())
    assert sum(p.stat().st_size for p in VARIANTS.iterdir()) < 1_500_000


@pytest.mark.parametrize("name", _cases())
def test_no_wrong_value_marked_certain(name: str, worker: Worker) -> None:
    s = _scored(name, worker)
    assert s.error is None and s.wrong_certain == [], sidecar(name)["origin"]


@pytest.mark.parametrize("name", _names())
def test_cells_right_not_below_floor(name: str, worker: Worker) -> None:
    s = _scored(name, worker)
    assert s.right >= sidecar(name)["floor"], sidecar(name)["origin"]


@pytest.mark.parametrize("name", _names())
def test_a_lowered_floor_says_why(name: str) -> None:
    """Floors only go up; one that went down lists each lowering with its reason, the last one ending
    at the floor in force."""
    side = sidecar(name)
    lowered = side.get("lowered", [])
    assert all(x["from"] > x["to"] and len(x["reason"]) > 40 for x in lowered)
    if lowered:
        assert lowered[-1]["to"] == side["floor"]
