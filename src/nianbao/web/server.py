"""``nianbao serve``: uvicorn running the app, with N server processes sharing one data directory."""

from __future__ import annotations

import ipaddress
import os
import signal
import sys
import tempfile

from nianbao.web.app import ENV_DATA_DIR, ENV_DB, ENV_PROCESSES


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(host: str, port: int, db_url: str | None, workers: int, data_dir: str | None) -> None:
    """Run until interrupted. Each server process gets worker processes for parsing in
    proportion to the cores left to it; uploads go to ``data_dir`` (a temporary directory
    removed at exit when None), so every server process can show any upload's source."""
    import uvicorn

    if not is_loopback(host):
        print(f"nianbao: 注意：服务监听在 {host}，本机以外的计算机也能访问", file=sys.stderr)
    workers = max(1, workers)
    tmp = tempfile.TemporaryDirectory(prefix="nianbao-web-") if data_dir is None else None
    os.environ[ENV_DATA_DIR] = tmp.name if tmp else data_dir or ""
    os.environ[ENV_PROCESSES] = str(max(1, (os.cpu_count() or 1) // workers))
    if db_url:
        os.environ[ENV_DB] = db_url
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the handler it
    # found: with the default one the process would die there, before the uploads are removed
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(
            "nianbao.web.app:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            timeout_graceful_shutdown=5,
        )
    finally:
        if tmp is not None:
            tmp.cleanup()
