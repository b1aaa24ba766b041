"""``nianbao serve`` as the browser tests run it: a real server process on a free port."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServeProcess:
    """``nianbao serve`` on one database, in a process of its own: started (waiting until ``ready``
    answers 200), stopped (SIGINT, then killed), and started again as a new process on the same
    database and port. Each start writes its own log (``log``)."""

    work: Path
    db: str
    data_dir: Path
    ready: str = "/"
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    _log: IO[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.work / f"serve-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        self._log = self.log.open("wb")
        cmd = [sys.executable, "-m", "nianbao.cli", "serve", "--port", str(self.port), "--db", self.db]
        cmd += ["--data-dir", str(self.data_dir)]
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=self.work)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + self.ready, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() >= deadline:
                self.stop()
                raise AssertionError(f"server did not start: {self.log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
