"""Clean exits (issue 14): nothing left behind by a stopped server or a killed run, a database
that cannot be written is E_DB, a missing input fails, and a file name cannot forge an error line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from nianbao.bounded import RUN_PREFIX, BoundedPool, sweep_stale
from nianbao.errors import NianbaoError
from tests.conftest import ROOT, SAMPLES


def _gettempdir() -> str:
    return tempfile.gettempdir()


def test_a_file_name_with_a_newline_cannot_forge_a_line() -> None:
    e = NianbaoError("E_EMPTY", "文件为空", "a\nnianbao: b.txt: 文件为空 (E_EMPTY)\n.txt")
    assert "\n" not in e.line() and e.line().startswith('nianbao: "a\\nnianbao')
    assert NianbaoError("E_EMPTY", "文件为空", "报告.txt").line() == "nianbao: 报告.txt: 文件为空 (E_EMPTY)"


def test_children_work_in_the_runs_own_temp_dir_removed_at_close() -> None:
    pool = BoundedPool(preload=())
    inside = pool.run(_gettempdir)
    assert Path(inside).name.startswith(f"{RUN_PREFIX}{os.getpid()}-") and Path(inside).is_dir()
    pool.close()
    assert not Path(inside).exists()


def test_stale_run_dirs_of_dead_runs_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{RUN_PREFIX}{dead.pid}-abc"
    live = tmp_path / f"{RUN_PREFIX}{os.getpid()}-abc"
    old_spool = tmp_path / "nianbao-pool-xyz"
    for d in (stale, live, old_spool):
        d.mkdir()
        (d / "f").write_bytes(b"x")
    os.utime(old_spool, (time.time() - 7200, time.time() - 7200))
    removed = sweep_stale(str(tmp_path))
    assert sorted(removed) == sorted([str(stale), str(old_spool)]) and live.exists()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nianbao", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_ingest_of_a_missing_path_fails(tmp_path: Path) -> None:
    r = _cli("corpus", "ingest", "/nonexistent", "--db", f"sqlite:///{tmp_path / 'c.sqlite'}")
    assert r.returncode == 2 and "E_NO_INPUT" in r.stderr and "Traceback" not in r.stderr


def test_read_only_database_is_e_db(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite"
    assert (
        _cli("corpus", "ingest", str(SAMPLES / "000_de40de658abca76d.txt"), "--db", f"sqlite:///{db}").returncode == 0
    )
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    r = _cli("corpus", "ingest", str(SAMPLES), "--db", url, "--workers", "1")
    assert r.returncode == 2 and "E_DB" in r.stderr and "Traceback" not in r.stderr, r.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_stopped_by_sigterm_removes_its_uploads(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = (SAMPLES / "001_5cbb82ac5aa5eb0a.txt").read_bytes()
        boundary = "nianbao-test"
        data = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.txt"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/v1/parse",
                    data=data,
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                )
                with urllib.request.urlopen(req, timeout=30) as resp:
                    assert resp.status == 200
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert any(tmp_path.rglob("*.bin"))  # the upload is kept while serving
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    assert not any(tmp_path.iterdir()), list(tmp_path.rglob("*"))
