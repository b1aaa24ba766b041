"""Each file in a child bounded in time and memory (nianbao.bounded): a call over a limit is its
coded error, its child is replaced and the batch goes on; the command prints as it goes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import nianbao
from nianbao.bounded import BoundedPool, WorkerCrash, bounded_map
from nianbao.errors import NianbaoError
from nianbao.readers.limits import Limits
from tests.conftest import SAMPLES

ROOT = Path(__file__).resolve().parents[1]


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def _grow(mb: int) -> int:
    chunks = [bytearray(1024 * 1024) for _ in range(mb)]
    for c in chunks:
        c[::4096] = b"x" * len(c[::4096])
    time.sleep(5)
    return len(chunks)


def _die(code: int) -> int:
    os._exit(code)


def _value(x: int) -> int:
    if x == 3:
        raise NianbaoError("E_CORRUPT", "坏文件")
    return x * 2


def test_a_call_over_time_is_e_timeout_and_the_pool_goes_on() -> None:
    with BoundedPool(Limits(max_seconds=1.0), preload=()) as pool:
        t = time.monotonic()
        with pytest.raises(NianbaoError) as info:
            pool.run(_sleep, (30,))
        assert info.value.code == "E_TIMEOUT" and "超时" in info.value.reason
        assert time.monotonic() - t < 10
        assert pool.run(_sleep, (0.01,)) == 0.01


def test_a_call_over_memory_is_e_too_large() -> None:
    with BoundedPool(Limits(max_memory_mb=200, max_seconds=60), preload=()) as pool:
        with pytest.raises(NianbaoError) as info:
            pool.run(_grow, (600,))
        assert info.value.code == "E_TOO_LARGE" and "内存" in info.value.reason
        assert pool.run(_value, (2,)) == 4


def test_address_space_limit_is_e_too_large() -> None:
    with BoundedPool(Limits(max_address_space_mb=1024, max_memory_mb=0), preload=()) as pool:
        with pytest.raises(NianbaoError) as info:
            pool.run(_grow, (4000,))
        assert info.value.code == "E_TOO_LARGE"


def test_a_dead_child_is_a_crash_and_replaced() -> None:
    with BoundedPool(preload=()) as pool:
        with pytest.raises(WorkerCrash):
            pool.run(_die, (9,))
        assert pool.run(_value, (5,)) == 10


def test_bounded_map_keeps_order_and_goes_on() -> None:
    out = list(bounded_map(_value, [1, 2, 3, 4, 5, 6], Limits(), workers=2))
    assert [i for i, _ in out] == [1, 2, 3, 4, 5, 6]
    assert [r for i, r in out if i != 3] == [2, 4, 8, 10, 12]
    assert isinstance(out[2][1], NianbaoError) and out[2][1].code == "E_CORRUPT"


def test_parse_many_isolated_is_the_same_as_in_process() -> None:
    alone = list(nianbao.parse_many([SAMPLES]))
    isolated = list(nianbao.parse_many([SAMPLES], isolate=True, workers=2))
    assert len(alone) == len(isolated) > 3
    for a, b in zip(alone, isolated, strict=True):
        assert isinstance(a, nianbao.Report) and isinstance(b, nianbao.Report)
        assert a.to_json_dict() == b.to_json_dict()


def test_limits_from_env_and_overrides() -> None:
    limits = Limits.from_env({"NIANBAO_MAX_SECONDS": "600", "NIANBAO_MAX_MEMORY_MB": "8192"}, max_seconds=30.0)
    assert (limits.max_seconds, limits.max_memory_mb, limits.max_bytes) == (30.0, 8192, Limits().max_bytes)
    with pytest.raises(NianbaoError) as info:
        Limits.from_env({"NIANBAO_MAX_SECONDS": "abc"})
    assert info.value.code == "E_USAGE"


def test_file_size_is_told_by_stat_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: reading it would cost, stat does not
    with pytest.raises(NianbaoError) as info:
        nianbao.parse(big, limits=Limits(max_bytes=1024 * 1024))
    assert info.value.code == "E_TOO_LARGE" and info.value.path == str(big)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_cli_jsonl_one_report_per_line_and_errors_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted(SAMPLES.glob("*.txt"))[:3]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    r = _cli("parse", str(folder), "--jsonl")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 3 and all(x["schema"] == "nianbao.report/1" for x in lines)
    assert "empty.txt" in r.stderr and "E_EMPTY" in r.stderr and r.returncode == 1
    r = _cli("parse", str(folder), "--json")
    assert len(json.loads(r.stdout)) == 3


def test_cli_time_limit_from_env_names_the_file(tmp_path: Path) -> None:
    r = _cli("parse", str(SAMPLES), "--json", env={"NIANBAO_MAX_SECONDS": "0.0001"})
    assert r.returncode == 1 and "E_TIMEOUT" in r.stderr and json.loads(r.stdout) == []


def test_interrupted_run_leaves_a_closed_json_array(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sample = next(iter(sorted(SAMPLES.glob("*.txt"))))
    for i in range(400):
        (folder / f"{i:03}.txt").write_bytes(sample.read_bytes())
    out = tmp_path / "out.json"
    proc = subprocess.Popen([sys.executable, "-m", "nianbao", "parse", str(folder), "--json", "-o", str(out)], cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 20_000):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    reports = json.loads(out.read_text(encoding="utf-8"))
    assert 0 < len(reports) < 400 and all(r["schema"] == "nianbao.report/1" for r in reports)


def test_check_parses_in_bounded_children_too() -> None:
    r = _cli("check", str(SAMPLES), "--json", env={"NIANBAO_MAX_SECONDS": "0.0001"})
    assert r.returncode == 2 and r.stderr.count("E_TIMEOUT") == len(list(SAMPLES.glob("*.txt")))


def test_corpus_ingest_records_a_file_over_the_time_limit(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "c.sqlite"
    r = _cli("corpus", "ingest", str(SAMPLES), "--db", f"sqlite:///{db}", env={"NIANBAO_MAX_SECONDS": "0.0001"})
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(db) as conn:
        codes = {code for (code,) in conn.execute("select error_code from files")}
    assert codes == {"E_TIMEOUT"}
