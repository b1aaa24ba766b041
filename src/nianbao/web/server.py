"""``nianbao serve``: uvicorn running the app, with N server processes sharing one data directory."""

from __future__ import annotations

import ipaddress
import os
import signal
import sys
import tempfile

from nianbao.errors import E_USAGE, NianbaoError
from nianbao.web.app import ENV_ACCOUNTS, ENV_DATA_DIR, ENV_DB, ENV_HOSTS, ENV_PROCESSES, ENV_TOKEN

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def serve(
    host: str,
    port: int,
    db_url: str | None,
    workers: int,
    data_dir: str | None,
    allow_hosts: list[str] | None = None,
    token: str | None = None,
) -> None:
    """Run until interrupted. Each server process gets worker processes for parsing in
    proportion to the cores left to it; uploads go to ``data_dir`` (a temporary directory
    removed at exit when None), so every server process can show any upload's source."""
    import uvicorn

    token = token or os.environ.get(ENV_TOKEN) or None
    if not is_loopback(host):
        from nianbao.corpus import DEFAULT_URL
        from nianbao.web.workspace.auth import users_in

        if not users_in(db_url or DEFAULT_URL):
            db = f" --db {db_url}" if db_url else ""
            raise NianbaoError(
                E_USAGE,
                f"服务监听在 {host}（本机以外可访问）时须先建立账户：nianbao user add 用户名{db}"
                "（登录后方可使用批次审核；写入类请求须登录或带 --token 设置的访问令牌）",
            )
        os.environ[ENV_ACCOUNTS] = "1"
        print(
            f"nianbao: 注意：服务监听在 {host}，本机以外的计算机也能访问（批次审核须登录；写入类请求须登录或带令牌）",
            file=sys.stderr,
        )
    # the Host names answered (DNS rebinding): this machine's, the address listened on, and those named
    hosts = [*LOOPBACK_NAMES, *([] if host in ("0.0.0.0", "::") else [host]), *(allow_hosts or [])]
    os.environ[ENV_HOSTS] = ",".join(hosts)
    if token:
        os.environ[ENV_TOKEN] = token
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
            timeout_keep_alive=5,  # an idle connection is closed after this many seconds
            h11_max_incomplete_event_size=64 * 1024,  # request line and headers: at most this much
        )
    finally:
        if tmp is not None:
            tmp.cleanup()
