"""The hostile batch of issue 14: good reports with every hostile file mixed in. ``parse``,
``check`` and ``corpus ingest`` each finish within a set time and memory, every good report comes
out exact, every bad file is named with its code, and nothing is left in $TMPDIR."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import nianbao
from tests import hostile_files as hf
from tests.conftest import ROOT, SAMPLES

BAD: dict[str, tuple[Callable[[], bytes], str]] = {
    "a-many-sheets.xlsx": (hf.xlsx_many_cells, "E_TOO_LARGE"),
    "b-huge-part.docx": (hf.docx_huge_document, "E_TOO_LARGE"),
    "c-huge.png": (hf.png_huge, "E_TOO_LARGE"),
    "d-bomb.pdf": (hf.pdf_huge_stream, "E_TOO_LARGE"),
    "e-long-line.txt": (lambda: hf.long_line(1.0), "E_NOT_REPORT"),
    "f-notice.txt": (hf.notice, "E_NOT_REPORT"),
    "g-empty.txt": (lambda: b"", "E_EMPTY"),
}
SECONDS = 240  # generous: the whole batch takes about 20 s on the 2-core machine
PEAK_MB = 2500  # every child is held to 2048 MB; the hostile files are refused long before


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-batch")
    for p in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(p, folder / p.name)
    for name, (make, _) in BAD.items():
        (folder / name).write_bytes(make())
    return folder


def _run(args: list[str], tmp: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    start = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=SECONDS * 2
    )
    seconds = time.monotonic() - start
    assert seconds < SECONDS, r.stderr
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < PEAK_MB
    assert not any(tmp.iterdir()), list(tmp.iterdir())  # nothing leaked in $TMPDIR
    return r, seconds


def _named(stderr: str) -> dict[str, str]:
    out = {}
    for line in stderr.splitlines():
        for name in BAD:
            if name in line:
                out[name] = line.rsplit("(", 1)[-1].rstrip(")")
    return out


def _expected() -> dict[str, dict[str, object]]:
    exp = {}
    for item in nianbao.parse_many([SAMPLES]):
        assert isinstance(item, nianbao.Report)
        d = item.to_json_dict()
        exp[Path(item.source.path).name] = {k: v for k, v in d.items() if k != "source"}
    return exp


def test_parse(batch: Path, tmp_path: Path) -> None:
    r, _ = _run(["parse", str(batch), "--jsonl"], tmp_path / "tmp")
    assert r.returncode == 1
    assert _named(r.stderr) == {name: code for name, (_, code) in BAD.items()}
    got = {
        Path(d["source"]["path"]).name: {k: v for k, v in d.items() if k != "source"}
        for d in map(json.loads, r.stdout.splitlines())
    }
    assert got == _expected()


def test_check(batch: Path, tmp_path: Path) -> None:
    r, _ = _run(["check", str(batch), "--json"], tmp_path / "tmp")
    assert r.returncode == 2
    assert _named(r.stderr) == {name: code for name, (_, code) in BAD.items()}
    results = json.loads(r.stdout)
    assert {Path(x["source"]).name for x in results if x.get("findings") is not None} >= set(_expected())


def test_corpus_ingest(batch: Path, tmp_path: Path) -> None:
    db = tmp_path / "corpus.sqlite"
    r, _ = _run(["corpus", "ingest", str(batch), "--db", f"sqlite:///{db}", "--workers", "2"], tmp_path / "tmp")
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select path, coalesce(error_code, status) from files").fetchall())
    named = {Path(p).name: code for p, code in rows.items()}
    for name, (_, code) in BAD.items():
        if name != "g-empty.txt" or name in named:
            assert named.get(name) == code, (name, named)
    assert all(named[n] == "ok" for n in _expected())
