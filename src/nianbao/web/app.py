"""The web app: ``create_app`` assembles the API, the pages, the static files, the limits and
the worker processes; ``app_from_env`` is the same for ``uvicorn --factory`` (``nianbao serve``)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from nianbao.web import api, errors, pages
from nianbao.web.middleware import BodyLimit, DataLimit, HostAllowList, SecurityHeaders, TokenGuard
from nianbao.web.state import AppState, WebLimits
from nianbao.web.store import UploadStore
from nianbao.web.worker import WorkerPool
from nianbao.web.workspace.routes import WORKSPACE_PATHS
from nianbao.web.workspace.routes import install as install_workspace


def create_app(
    db_url: str | None = None,
    data_dir: str | Path | None = None,
    limits: WebLimits | None = None,
    allowed_hosts: list[str] | None = None,
    token: str | None = None,
    require_accounts: bool = False,
) -> FastAPI:
    """The app. Uploads are kept in ``data_dir`` (a temporary directory when None, removed with
    the app); ``db_url`` is the corpus database (``nianbao corpus``'s default when None).
    ``allowed_hosts``: the Host names answered (None: any); ``token``: writing requests need it.
    ``require_accounts`` (a server reachable beyond this machine): the workspace's pages need a
    signed-in user, and writing requests the token or a signed-in session."""
    limits = limits or WebLimits()
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="nianbao-web-")
        data_dir = tmp.name
    state = AppState(
        limits=limits,
        pool=WorkerPool(limits.processes, limits.reader),
        store=UploadStore(Path(data_dir) / "uploads", limits.keep_uploads, limits.keep_upload_bytes),
        data_dir=Path(data_dir).resolve(),
        db_url=db_url,
        tmp=tmp,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(state.pool.start)
        try:
            yield
        finally:
            state.close()
            workspace.close()

    app = FastAPI(
        title="nianbao",
        summary="政府信息公开工作年度报告：解析、检查、生成与汇总",
        description="解析、检查与生成政府信息公开工作年度报告，检索年报库。"
        "与命令行 `nianbao` 使用同一套解析与检查规则。"
        "出错时返回 JSON `{code, message}`：`code` 为与命令行相同的错误代码（E_…），`message` 为中文原因；"
        "HTTP 状态说明原因所在（400 请求有误，413 过大，415 格式不支持，422 无法得到报告，503 年报库不可用）。",
        version="1",
        openapi_tags=api.OPENAPI_TAGS,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.nianbao = state
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    workspace = install_workspace(app, db_url, require_accounts)
    static = resources.files("nianbao.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(DataLimit, limits=limits.reader)  # the innermost: after size and token
    app.add_middleware(BodyLimit, limit=limits.max_request_bytes, body_timeout_s=limits.body_timeout_s)
    if token or require_accounts:  # the workspace's own routes check their session and CSRF token
        app.add_middleware(TokenGuard, token=token, exempt=WORKSPACE_PATHS, session=workspace.allows_write)
    if allowed_hosts is not None:
        app.add_middleware(HostAllowList, hosts=allowed_hosts)
    app.add_middleware(errors.PageErrors)  # outside every layer that may refuse a request
    app.add_middleware(SecurityHeaders)
    return app


ENV_DB = "NIANBAO_WEB_DB"
ENV_DATA_DIR = "NIANBAO_WEB_DATA_DIR"
ENV_PROCESSES = "NIANBAO_WEB_PROCESSES"
ENV_HOSTS = "NIANBAO_WEB_ALLOWED_HOSTS"  # comma-separated
ENV_TOKEN = "NIANBAO_WEB_TOKEN"
ENV_ACCOUNTS = "NIANBAO_WEB_ACCOUNTS"  # 1: sign-in required (served beyond loopback)


def app_from_env() -> FastAPI:
    """The app of ``nianbao serve``, configured by environment (one per server process)."""
    processes = int(os.environ.get(ENV_PROCESSES) or WebLimits.processes)
    return create_app(
        db_url=os.environ.get(ENV_DB) or None,
        data_dir=os.environ.get(ENV_DATA_DIR) or None,
        limits=WebLimits(processes=processes),
        allowed_hosts=[h for h in os.environ[ENV_HOSTS].split(",") if h] if os.environ.get(ENV_HOSTS) else None,
        token=os.environ.get(ENV_TOKEN) or None,
        require_accounts=os.environ.get(ENV_ACCOUNTS) == "1",
    )
