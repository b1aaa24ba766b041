"""The workspace's pages (/login, /batches …) and its JSON API (/api/v1/batches …, /api/v1/session).

Who acts: the signed-in user; on a server reached only from this machine, while no account
exists, 本机用户. Every POST carries the CSRF token of the session (a form's hidden field, or the
header ``X-CSRF-Token`` of an API call). Pages answer a failure with a page and its status; the
API with ``{code, message}``."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import secrets
import time
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from nianbao.errors import NianbaoError
from nianbao.report import Finding, Report
from nianbao.web.errors import E_INTERNAL, ErrorBody, error_response, status_of
from nianbao.web.state import state_of
from nianbao.web.workspace import auth, exports, service
from nianbao.web.workspace.auth import CSRF_COOKIE, CSRF_HEADER, LOCAL_USER, SESSION_COOKIE, Sessions

E_AUTH = "E_AUTH"
E_CSRF = "E_CSRF"
STATUS = {E_AUTH: 401, E_CSRF: 403}
MAX_ID = 2**63 - 1
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}

pages = APIRouter(include_in_schema=False)
_ERRORS = {
    400: "请求有误（参数缺少或无效）",
    401: "须先登录",
    403: "CSRF 校验失败（请求须带 X-CSRF-Token）",
    404: "找不到该批次或报告",
    413: "请求或文件过大",
    422: "无法完成该操作",
}
api = APIRouter(
    prefix="/api/v1",
    tags=["workspace"],
    responses={status: {"model": ErrorBody, "description": text} for status, text in _ERRORS.items()},
)
templates = Jinja2Templates(directory=str(resources.files("nianbao.web").joinpath("templates")))
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
SortBy = Literal["agency", "year", "format", "errors", "warnings", "gaps", "status", "id"]
WORKSPACE_PATHS = re.compile(r"^/(login|logout|batches)(/|$)|^/api/v1/(batches|session)(/|$)")


MAX_FAILURES = 5  # failed sign-ins of one name from one address …
LOCKOUT_S = 15 * 60  # … within this many seconds: it waits that long (per server process)


class Attempts:
    """Failed sign-ins, by client address and user name, so that guessing passwords is slow."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], list[float]] = {}

    def _recent(self, key: tuple[str, str]) -> list[float]:
        now = time.monotonic()
        kept = [t for t in self._failures.get(key, []) if now - t < LOCKOUT_S]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def blocked(self, key: tuple[str, str]) -> bool:
        return len(self._recent(key)) >= MAX_FAILURES

    def failed(self, key: tuple[str, str]) -> None:
        if len(self._failures) > 10_000:  # bounded: the oldest forgotten
            self._failures.pop(next(iter(self._failures)))
        self._failures.setdefault(key, []).append(time.monotonic())

    def clear(self, key: tuple[str, str]) -> None:
        self._failures.pop(key, None)


class Workspace:
    """The workspace's database (the corpus's, its schema brought up to date on first use) and
    whether accounts are required (a server reachable beyond this machine)."""

    def __init__(self, db_url: str | None, require_accounts: bool) -> None:
        self.db_url = db_url
        self.require_accounts = require_accounts
        self._engine: Engine | None = None
        self._sessions: Sessions | None = None
        self._accounts = False
        self.attempts = Attempts()

    def engine(self) -> Engine:
        if self._engine is None:
            from nianbao.corpus import DEFAULT_URL
            from nianbao.corpus.db import open_db

            self._engine = open_db(self.db_url or DEFAULT_URL)
        return self._engine

    def sessions(self) -> Sessions:
        if self._sessions is None:
            self._sessions = Sessions(self.engine())
        return self._sessions

    def accounts(self) -> bool:
        """Whether anyone must sign in: beyond loopback always, else once an account exists."""
        if self.require_accounts or self._accounts:
            return True
        self._accounts = auth.has_users(self.engine())
        return self._accounts

    async def allows_write(self, scope: Scope) -> bool:
        """Whether a writing request elsewhere (the API of the upload page and the form) comes
        from a signed-in user's page: the session's cookie, and its CSRF token in X-CSRF-Token or
        an Origin header naming this server (what a browser sends with a same-origin fetch)."""
        request = Request(scope)
        session = await run_in_threadpool(self.sessions().find, request.cookies.get(SESSION_COOKIE))
        if session is None:
            return False
        if auth.same_token(request.headers.get(CSRF_HEADER), session.csrf):
            return True
        origin, host = request.headers.get("origin"), request.headers.get("host")
        return bool(origin and host) and origin == f"{request.url.scheme}://{host}"

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def workspace_of(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


@dataclass(frozen=True)
class Actor:
    name: str
    csrf: str
    signed_in: bool
    new_csrf_cookie: bool = False


class NeedSignIn(Exception):
    pass


class WorkspaceError(NianbaoError):
    """An API error of the workspace with its own status (401 sign in, 403 CSRF)."""


class PageError(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _status(code: str) -> int:
    return STATUS.get(code, status_of(code))


def _anonymous_csrf(request: Request) -> tuple[str, bool]:
    given = request.cookies.get(CSRF_COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{43}", given):
        return given, False
    return secrets.token_urlsafe(32), True


async def who(request: Request) -> Actor | None:
    """The user of this request; None when they must sign in first."""
    ws = workspace_of(request)

    def look() -> tuple[auth.Session | None, bool]:
        return ws.sessions().find(request.cookies.get(SESSION_COOKIE)), ws.accounts()

    session, accounts = await run_in_threadpool(look)
    if session is not None:
        return Actor(session.user.name, session.csrf, True)
    if accounts:
        return None
    csrf, new = _anonymous_csrf(request)
    return Actor(LOCAL_USER, csrf, False, new)


async def actor(request: Request) -> Actor:
    found = await who(request)
    if found is None:
        raise NeedSignIn()
    return found


def _check_csrf(request: Request, user: Actor, given: str | None) -> None:
    if not auth.same_token(given, user.csrf):
        raise WorkspaceError(E_CSRF, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def _check_page_csrf(request: Request, user: Actor, given: str | None) -> None:
    """A form's CSRF token, refused as a page (403) rather than as JSON."""
    try:
        _check_csrf(request, user, given)
    except NianbaoError as e:
        raise PageError(e.code, e.reason, 403) from None


def _with_cookies(response: Response, request: Request, user: Actor | None) -> Response:
    if user is not None and user.new_csrf_cookie:
        response.set_cookie(
            CSRF_COOKIE, user.csrf, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
        )
    return response


def _page(request: Request, template: str, user: Actor | None, status: int = 200, **context: Any) -> Response:
    context.setdefault("nav", "batches")
    response = templates.TemplateResponse(
        request, template, {"user": user, "csrf": user.csrf if user else "", **context}, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    return _with_cookies(response, request, user)


async def _run(fn: Any, *args: Any) -> Any:
    """A service call in a thread; its NianbaoError as a page of the right status."""
    try:
        return await run_in_threadpool(fn, *args)
    except NianbaoError as e:
        raise PageError(e.code, e.reason, _status(e.code)) from None


def _back(url: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(url + anchor, status_code=303)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and len(target) < 500:
        return target
    return "/batches"


def _attachment(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name.encode("ascii", "ignore").decode()) or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _download(name: str, data: bytes, fmt: str) -> Response:
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": _attachment(name)})


# ---- reading the uploaded files ----------------------------------------------------------------


async def _read_files(request: Request, batch_id: int, files: list[UploadFile], user: Actor) -> list[service.Added]:
    """Each file read in a bounded worker (as /api/v1/check reads it) and added to the batch; a
    file that cannot be read is added as such, with its reason."""
    from nianbao.web.api import display_name
    from nianbao.web.worker import WorkerCrash

    state = state_of(request.app)
    ws = workspace_of(request)
    gate = asyncio.Semaphore(max(1, state.limits.processes))

    async def one(upload: UploadFile) -> tuple[str, bytes, Report | NianbaoError]:
        data = await upload.read()
        name = display_name(upload.filename)
        if len(data) > state.limits.reader.max_bytes:
            mb = state.limits.reader.max_bytes / 1e6
            return name, data, NianbaoError("E_TOO_LARGE", f"文件过大（上限 {mb:g} MB）")
        async with gate:
            try:
                report: Report = await run_in_threadpool(
                    state.pool.run, "read", (data, name, state.limits.reader), state.limits.parse_timeout_s
                )
            except NianbaoError as e:
                return name, data, e
            except WorkerCrash:
                return name, data, NianbaoError(E_INTERNAL, "处理该文件时程序出错")
        return name, data, report

    read = await asyncio.gather(*(one(f) for f in files))
    added = []
    for name, data, parsed in read:  # in the order chosen, one transaction each
        sha = hashlib.sha256(data).hexdigest()
        upload = None
        if isinstance(parsed, Report):
            meta = await run_in_threadpool(state.store.add, data, name, parsed.source.format, sha)
            upload = meta.id
        added.append(
            await run_in_threadpool(service.add_file, ws.engine(), batch_id, name, data, sha, parsed, upload, user.name)
        )
    return added


# ---- sign in -----------------------------------------------------------------------------------


@pages.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: Annotated[str, Query(max_length=500)] = "/batches") -> Response:
    ws = workspace_of(request)
    current = await who(request)
    if current is not None and current.signed_in:
        return _back(_safe_next(next))
    csrf, new = _anonymous_csrf(request)
    accounts = await run_in_threadpool(ws.accounts)
    page = _page(request, "login.html", None, next=_safe_next(next), accounts=accounts, login_csrf=csrf, error=None)
    return _with_cookies(page, request, Actor("", csrf, False, new))


@pages.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/batches",
) -> Response:
    ws = workspace_of(request)
    expected = request.cookies.get(CSRF_COOKIE)
    accounts = await run_in_threadpool(ws.accounts)

    def again(message: str, status: int) -> Response:
        fresh, new = _anonymous_csrf(request)
        page = _page(
            request,
            "login.html",
            None,
            status,
            next=_safe_next(next),
            accounts=accounts,
            login_csrf=fresh,
            error=message,
            name=name,
        )
        return _with_cookies(page, request, Actor("", fresh, False, new))

    if not auth.same_token(csrf, expected):
        return again("登录表单已过期，请重新输入", 403)
    who_tries = (request.client.host if request.client else "", name.strip())
    if ws.attempts.blocked(who_tries):
        return again(f"登录失败次数过多，请 {LOCKOUT_S // 60} 分钟后再试", 429)
    user = await run_in_threadpool(auth.authenticate, ws.engine(), name, password)
    if user is None:
        ws.attempts.failed(who_tries)
        return again("用户名或密码不正确", 200)  # the form again, as any page (not an HTTP challenge)
    ws.attempts.clear(who_tries)
    cookie, _ = await run_in_threadpool(ws.sessions().start, user)
    response = _back(_safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=auth.SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@pages.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    user = await who(request)
    if user is not None and user.signed_in and auth.same_token(csrf, user.csrf):
        cookie = request.cookies.get(SESSION_COOKIE)
        await run_in_threadpool(workspace_of(request).sessions().end, cookie)
    response = _back("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- batches -----------------------------------------------------------------------------------


@pages.get("/batches", response_class=HTMLResponse)
async def batches_page(request: Request) -> Response:
    user = await actor(request)
    ws = workspace_of(request)
    found = await _run(service.list_batches, ws.engine())
    return _page(request, "batches.html", user, batches=found, status_zh=service.STATUS_ZH)


@pages.post("/batches")
async def create_batch(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    user = await actor(request)
    _check_page_csrf(request, user, csrf)
    ws = workspace_of(request)
    batch_id = await _run(service.create_batch, ws.engine(), name, user.name)
    chosen = [f for f in files or [] if f.filename]
    if chosen:
        await _read_files(request, batch_id, chosen, user)
    return _back(f"/batches/{batch_id}")


def _sort_url(batch_id: int, params: dict[str, Any], column: str) -> str:
    same = params.get("sort") == column
    direction = "asc" if same and params.get("dir") == "desc" else "desc" if same else _default_dir(column)
    query = {**params, "sort": column, "dir": direction}
    return f"/batches/{batch_id}?{urlencode({k: v for k, v in query.items() if v not in (None, '', False)})}"


def _default_dir(column: str) -> str:
    return "desc" if column in ("errors", "warnings", "gaps") else "asc"


@pages.get("/batches/{batch_id}", response_class=HTMLResponse)
async def batch_page(
    request: Request,
    batch_id: Id,
    sort: Annotated[SortBy, Query()] = "id",
    dir: Annotated[Literal["asc", "desc"], Query()] = "asc",
    only: Annotated[Literal["", "errors"], Query()] = "",
    status: Annotated[Literal["", "pending", "returned", "fixed", "passed"], Query()] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    user = await actor(request)
    ws = workspace_of(request)
    info = await _run(service.batch_info, ws.engine(), batch_id)
    rows = await _run(
        lambda: service.batch_rows(
            ws.engine(), batch_id, sort, dir == "desc", only == "errors", status or None, q.strip() or None
        )
    )
    trail = await _run(lambda: _trail(ws.engine(), batch_id))
    params = {"sort": sort, "dir": dir, "only": only, "status": status, "q": q}
    columns = [
        ("agency", "机关"),
        ("year", "年度"),
        ("format", "格式"),
        ("errors", "错误"),
        ("warnings", "警告"),
        ("gaps", "读取问题"),
        ("status", "审核状态"),
    ]
    heads = [
        (
            c,
            label,
            _sort_url(batch_id, params, c),
            ("descending" if dir == "desc" else "ascending") if sort == c else None,
        )
        for c, label in columns
    ]
    max_mb = f"{state_of(request.app).limits.reader.max_bytes / 1e6:g}"
    return _page(
        request,
        "batch.html",
        user,
        batch=info,
        rows=rows,
        heads=heads,
        params=params,
        trail=trail[:30],
        statuses=service.STATUS_ZH,
        max_mb=max_mb,
    )


def _trail(engine: Engine, batch_id: int) -> list[service.AuditEntry]:
    with engine.connect() as conn:
        return service.audit_trail(conn, batch_id)


@pages.post("/batches/{batch_id}/files")
async def add_files(
    request: Request,
    batch_id: Id,
    csrf: Annotated[str, Form(max_length=100)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    user = await actor(request)
    _check_page_csrf(request, user, csrf)
    await _run(service.batch_info, workspace_of(request).engine(), batch_id)
    chosen = [f for f in files or [] if f.filename]
    if chosen:
        await _read_files(request, batch_id, chosen, user)
    return _back(f"/batches/{batch_id}")


@pages.get("/batches/{batch_id}/reports/{report_id}", response_class=HTMLResponse)
async def report_page(request: Request, batch_id: Id, report_id: Id) -> Response:
    user = await actor(request)
    ws = workspace_of(request)
    found: service.Detail = await _run(service.detail, ws.engine(), batch_id, report_id)
    choices = await _run(service.previous_choices, ws.engine(), batch_id, report_id)
    keys: list[tuple[str, str]] = []
    if found.report is not None and found.report.template:
        from nianbao.template import available, load

        if found.report.template in available():
            template = load(found.report.template)
            keys = [(k, template.describe(k)) for k in template.cell_keys()]
    return _page(
        request,
        "batch_report.html",
        user,
        d=found,
        choices=choices,
        cell_keys=keys,
        decision_zh=service.DECISION_ZH,
        severity_zh={"error": "错误", "warning": "警告", "info": "提示"},
    )


async def _form_action(request: Request, user: Actor, csrf: str) -> None:
    _check_page_csrf(request, user, csrf)


def _report_url(batch_id: int, report_id: int) -> str:
    return f"/batches/{batch_id}/reports/{report_id}"


@pages.post("/batches/{batch_id}/reports/{report_id}/decision")
async def decision_form(
    request: Request,
    batch_id: Id,
    report_id: Id,
    finding: Annotated[str, Form(max_length=400)],
    decision: Annotated[Literal["confirmed", "dismissed", "open"], Form()],
    reason: Annotated[str, Form(max_length=service.MAX_REASON)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    user = await actor(request)
    await _form_action(request, user, csrf)
    ws = workspace_of(request)
    await _run(service.decide, ws.engine(), batch_id, report_id, finding, decision, reason, user.name)
    return _back(_report_url(batch_id, report_id), "#review")


@pages.post("/batches/{batch_id}/reports/{report_id}/correction")
async def correction_form(
    request: Request,
    batch_id: Id,
    report_id: Id,
    key: Annotated[str, Form(max_length=100)],
    value: Annotated[str, Form(max_length=50)],
    reason: Annotated[str, Form(max_length=service.MAX_REASON)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    user = await actor(request)
    await _form_action(request, user, csrf)
    ws = workspace_of(request)
    number = await _run(service.parse_value, value)
    await _run(service.correct, ws.engine(), batch_id, report_id, key, number, reason, user.name)
    return _back(_report_url(batch_id, report_id), "#corrections")


@pages.post("/batches/{batch_id}/reports/{report_id}/status")
async def status_form(
    request: Request,
    batch_id: Id,
    report_id: Id,
    status: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=service.MAX_REASON)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    user = await actor(request)
    await _form_action(request, user, csrf)
    await _run(service.set_status, workspace_of(request).engine(), batch_id, report_id, status, note, user.name)
    return _back(_report_url(batch_id, report_id))


@pages.post("/batches/{batch_id}/reports/{report_id}/previous")
async def previous_form(
    request: Request,
    batch_id: Id,
    report_id: Id,
    choice: Annotated[str, Form(max_length=40)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    user = await actor(request)
    await _form_action(request, user, csrf)
    await _run(service.set_previous, workspace_of(request).engine(), batch_id, report_id, choice, user.name)
    return _back(_report_url(batch_id, report_id))


@pages.get("/batches/{batch_id}/reports/{report_id}/original")
async def original_file(request: Request, batch_id: Id, report_id: Id) -> Response:
    await actor(request)
    name, data, _ = await _run(service.original, workspace_of(request).engine(), batch_id, report_id)
    return Response(data, media_type="application/octet-stream", headers={"Content-Disposition": _attachment(name)})


@pages.get("/batches/{batch_id}/reports/{report_id}/issues.{fmt}")
async def issue_list(request: Request, batch_id: Id, report_id: Id, fmt: Literal["xlsx", "docx"]) -> Response:
    await actor(request)
    name, data = await _run(exports.issue_list, workspace_of(request).engine(), batch_id, report_id, fmt)
    return _download(name, data, fmt)


@pages.get("/batches/{batch_id}/issues.zip")
async def issue_lists(request: Request, batch_id: Id) -> Response:
    await actor(request)
    name, data = await _run(exports.issue_lists_zip, workspace_of(request).engine(), batch_id)
    return _download(name, data, "zip")


@pages.get("/batches/{batch_id}/summary.{fmt}")
async def summary(request: Request, batch_id: Id, fmt: Literal["xlsx", "docx"]) -> Response:
    await actor(request)
    name, data = await _run(exports.summary, workspace_of(request).engine(), batch_id, fmt)
    return _download(name, data, fmt)


# ---- the JSON API ------------------------------------------------------------------------------


class SessionOut(BaseModel):
    user: str
    signed_in: bool = Field(description="false: the local user of a loopback server without accounts")
    csrf: str = Field(description="send it as the X-CSRF-Token header of every POST")


class BatchIn(BaseModel):
    name: str = Field(default="", max_length=200)


class DecisionIn(BaseModel):
    finding: str = Field(max_length=400, description="the finding's identity (``review[i].finding``)")
    decision: Literal["confirmed", "dismissed", "open"]
    reason: str = Field(default="", max_length=service.MAX_REASON, description="required to dismiss")


class CorrectionIn(BaseModel):
    key: str = Field(max_length=100, description="the cell key, e.g. applications.new.total")
    value: float
    reason: str = Field(max_length=service.MAX_REASON)


class StatusIn(BaseModel):
    status: Literal["pending", "returned", "fixed", "passed"]
    note: str = Field(default="", max_length=service.MAX_REASON)


class PreviousIn(BaseModel):
    choice: str = Field(max_length=40, description="auto, none, batch:ID or corpus:ID")


async def _api_actor(request: Request, writing: bool = False) -> Actor:
    user = await who(request)
    if user is None:
        raise WorkspaceError(E_AUTH, "请先登录")
    if writing:
        _check_csrf(request, user, request.headers.get(CSRF_HEADER))
    return user


async def _api(fn: Any, *args: Any) -> Any:
    return await run_in_threadpool(fn, *args)


@api.get("/session", summary="当前用户及其会话的 CSRF 令牌（写入类请求须以 X-CSRF-Token 头发送）")
async def session(request: Request) -> JSONResponse:
    user = await _api_actor(request)
    body = SessionOut(user=user.name, signed_in=user.signed_in, csrf=user.csrf).model_dump()
    response = JSONResponse(body)
    _with_cookies(response, request, user)
    return response


@api.get("/batches", summary="全部批次（新建的在前）")
async def api_batches(request: Request) -> list[dict[str, Any]]:
    await _api_actor(request)
    found = await _api(service.list_batches, workspace_of(request).engine())
    return [asdict(b) for b in found]


@api.post("/batches", summary="新建一个空批次", status_code=201)
async def api_create_batch(request: Request, body: BatchIn) -> dict[str, Any]:
    user = await _api_actor(request, writing=True)
    batch_id = await _api(service.create_batch, workspace_of(request).engine(), body.name, user.name)
    return {"id": batch_id, "url": f"/batches/{batch_id}"}


@api.get("/batches/{batch_id}", summary="一个批次：每份报告一行，可排序、筛选（与批次页面相同）")
async def api_batch(
    request: Request,
    batch_id: Id,
    sort: Annotated[SortBy, Query()] = "id",
    dir: Annotated[Literal["asc", "desc"], Query()] = "asc",
    only: Annotated[Literal["", "errors"], Query()] = "",
    status: Annotated[Literal["", "pending", "returned", "fixed", "passed"], Query()] = "",
) -> dict[str, Any]:
    await _api_actor(request)
    ws = workspace_of(request)
    info = await _api(service.batch_info, ws.engine(), batch_id)
    rows = await _api(
        lambda: service.batch_rows(ws.engine(), batch_id, sort, dir == "desc", only == "errors", status or None)
    )
    return {"batch": asdict(info), "reports": [{**asdict(r), "status_zh": r.status_zh} for r in rows]}


@api.post(
    "/batches/{batch_id}/reports", summary="向批次添加一份报告文件（同一机关同一年度再次上传即为重新报送的新版本）"
)
async def api_add_report(
    request: Request, batch_id: Id, file: Annotated[UploadFile, File(description="a report file")]
) -> dict[str, Any]:
    user = await _api_actor(request, writing=True)
    await _api(service.batch_info, workspace_of(request).engine(), batch_id)
    (added,) = await _read_files(request, batch_id, [file], user)
    return {**asdict(added), "url": _report_url(batch_id, added.report_id)}


async def _ensure_upload(request: Request, d: service.Detail) -> str | None:
    """The upload id of the report's file for the source view, stored again when the store has
    dropped it (or the server was started with another data directory)."""
    state = state_of(request.app)
    if d.report is None or d.version_id is None:
        return None
    if d.upload and state.store.meta(d.upload) is not None:
        return d.upload
    ws = workspace_of(request)
    name, data, version_id = await _api(service.original, ws.engine(), d.batch_id, d.id)
    meta = await run_in_threadpool(state.store.add, data, name, d.report.source.format, d.report.source.sha256)
    await _api(service.set_upload, ws.engine(), version_id, meta.id)
    return meta.id


def _summary(report: Report, findings: list[Finding]) -> dict[str, Any]:
    from nianbao.web.api import summarize

    return summarize(report, findings).model_dump()


@api.get("/batches/{batch_id}/reports/{report_id}", summary="批次中的一份报告：检查结果与审核意见")
async def api_report(request: Request, batch_id: Id, report_id: Id) -> dict[str, Any]:
    await _api_actor(request)
    d: service.Detail = await _api(service.detail, workspace_of(request).engine(), batch_id, report_id)
    upload = await _ensure_upload(request, d)
    dismissed = {k for k, v in d.decisions.items() if v.decision == "dismissed"}
    kept = [f for f, k in zip(d.findings, d.keys, strict=True) if k not in dismissed]  # what the summary counts
    review = []
    for key in d.keys:
        decided = d.decisions.get(key)
        review.append({"finding": key, **(asdict(decided) if decided else {"decision": None})})
    return {
        "id": d.id,
        "batch": d.batch_id,
        "status": d.row.status,
        "status_zh": d.row.status_zh,
        "upload": upload,
        "name": d.row.file_name,
        "error": {"code": d.row.error_code, "message": d.row.error} if d.row.error_code else None,
        "summary": _summary(d.report, kept) if d.report is not None else None,
        "findings": [f.model_dump(mode="json") for f in d.findings],
        "review": review,
        "corrections": [asdict(c) for c in d.corrections],
        "report": d.report.to_json_dict() if d.report is not None else None,
        "previous": {"label": d.row.previous_label, "url": d.previous_link, "mode": d.previous_mode},
        "versions": [asdict(v) for v in d.versions],
    }


@api.post("/batches/{batch_id}/reports/{report_id}/decisions", summary="确认或排除一个问题（排除须写理由）")
async def api_decide(request: Request, batch_id: Id, report_id: Id, body: DecisionIn) -> dict[str, str]:
    user = await _api_actor(request, writing=True)
    engine = workspace_of(request).engine()
    await _api(service.decide, engine, batch_id, report_id, body.finding, body.decision, body.reason, user.name)
    return {"ok": "已记录"}


@api.post("/batches/{batch_id}/reports/{report_id}/corrections", summary="更正一个单元格（写明理由），随后重新检查")
async def api_correct(request: Request, batch_id: Id, report_id: Id, body: CorrectionIn) -> dict[str, Any]:
    user = await _api_actor(request, writing=True)
    engine = workspace_of(request).engine()
    value = await _api(service.parse_value, repr(body.value))
    await _api(service.correct, engine, batch_id, report_id, body.key, value, body.reason, user.name)
    rows = await _api(service.batch_rows, engine, batch_id)
    row = next(r for r in rows if r.id == report_id)
    return {"errors": row.errors, "warnings": row.warnings, "gaps": row.gaps}


@api.post("/batches/{batch_id}/reports/{report_id}/status", summary="更改审核状态：待审 → 已退回 → 已整改 → 通过")
async def api_status(request: Request, batch_id: Id, report_id: Id, body: StatusIn) -> dict[str, str]:
    user = await _api_actor(request, writing=True)
    engine = workspace_of(request).engine()
    await _api(service.set_status, engine, batch_id, report_id, body.status, body.note, user.name)
    return {"status": body.status, "status_zh": service.STATUS_ZH[body.status]}


@api.post(
    "/batches/{batch_id}/reports/{report_id}/previous",
    summary="设定上年报告（自动匹配、不核对、本批次或年报库中的一份）",
)
async def api_previous(request: Request, batch_id: Id, report_id: Id, body: PreviousIn) -> dict[str, Any]:
    user = await _api_actor(request, writing=True)
    engine = workspace_of(request).engine()
    await _api(service.set_previous, engine, batch_id, report_id, body.choice, user.name)
    d: service.Detail = await _api(service.detail, engine, batch_id, report_id)
    return {"label": d.row.previous_label, "url": d.previous_link, "mode": d.previous_mode}


@api.get("/batches/{batch_id}/audit", summary="批次的审核记录（新的在前）")
async def api_audit(
    request: Request, batch_id: Id, report: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> list[dict[str, Any]]:
    await _api_actor(request)
    engine = workspace_of(request).engine()
    await _api(service.batch_info, engine, batch_id)

    def read() -> list[service.AuditEntry]:
        with engine.connect() as conn:
            return service.audit_trail(conn, batch_id, report)

    return [asdict(e) for e in await _api(read)]


# ---- installing --------------------------------------------------------------------------------


def install(app: FastAPI, db_url: str | None, require_accounts: bool) -> Workspace:
    """The workspace's routes and error handling on the app."""
    ws = Workspace(db_url, require_accounts)
    app.state.workspace = ws
    app.include_router(api)
    app.include_router(pages)

    @app.exception_handler(NeedSignIn)
    async def _sign_in(request: Request, _: NeedSignIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(WorkspaceError)
    async def _api_error(_: Request, exc: WorkspaceError) -> Response:
        return api_error(exc.code, exc.reason)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> Response:
        user = None
        with contextlib.suppress(NianbaoError):
            user = await who(request)
        return _page(request, "batch_error.html", user, exc.status, code=exc.code, message=exc.message)

    return ws


def api_error(code: str, message: str) -> JSONResponse:
    return error_response(code, message, _status(code))


__all__ = ["E_AUTH", "E_CSRF", "WORKSPACE_PATHS", "Workspace", "api_error", "install"]
