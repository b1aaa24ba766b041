"""Errors as JSON ``{code, message}``: the CLI's E_ code and Chinese reason, with an HTTP status
that says whose fault it is (400 a malformed request, 413 too large, 415 not a format we read,
422 a file or data we cannot make a report of). A page asked for by a browser (not under /api/
or /static/, ``Accept: text/html``) gets the same error as a Chinese page with the same status
(``PageErrors``), whichever layer refused it."""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nianbao.errors import E_BINARY, E_TOO_LARGE, E_UNSUPPORTED, NianbaoError
from nianbao.web.worker import WorkerCrash

log = logging.getLogger("nianbao.web")

E_REQUEST = "E_REQUEST"
E_NOT_FOUND = "E_NOT_FOUND"
E_METHOD = "E_METHOD"
E_INTERNAL = "E_INTERNAL"
E_CORPUS = "E_CORPUS"

STATUS = {E_TOO_LARGE: 413, E_UNSUPPORTED: 415, E_BINARY: 415, E_REQUEST: 400, E_NOT_FOUND: 404, E_CORPUS: 503}


class ErrorBody(BaseModel):
    """What every error response holds."""

    code: str = Field(description="稳定的错误代码，与命令行输出的相同（E_…）", examples=["E_NOT_FOUND"])
    message: str = Field(description="中文的原因", examples=["年报库中没有编号为 999 的报告"])


_STATUS_TEXT = {
    400: "请求有误（参数缺少或无效）",
    404: "找不到该上传文件、报告或模板",
    413: "请求或文件过大",
    415: "不是 nianbao 能读取的文件格式",
    422: "无法从所给的文件或数据得到报告",
    503: "年报库尚未建立或无法读取",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The OpenAPI ``responses`` of these error statuses."""
    return {status: {"model": ErrorBody, "description": _STATUS_TEXT[status]} for status in statuses}


ERROR_RESPONSES = error_responses(400, 413, 415, 422)


def status_of(code: str) -> int:
    return STATUS.get(code, 422)


def error_response(code: str, message: str, status: int | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status or status_of(code))


def _field_name(loc: tuple[object, ...]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path", "header"))


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        name = _field_name(tuple(err.get("loc", ())))
        if err.get("type") == "missing":
            parts.append(f"缺少参数“{name}”")
        else:
            parts.append(f"参数“{name}”无效")
    return "请求有误：" + "；".join(parts or ["参数无效"])


_HTTP_CODES = {404: E_NOT_FOUND, 405: E_METHOD, 413: E_TOO_LARGE}
_HTTP_MESSAGES = {400: "请求格式有误，无法解析", 404: "找不到该页面或资源", 405: "不支持该请求方法"}


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into an ErrorBody."""

    @app.exception_handler(NianbaoError)
    async def _nianbao(_: Request, exc: NianbaoError) -> JSONResponse:
        return error_response(exc.code, exc.reason)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(E_REQUEST, _validation_message(exc), 400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, E_REQUEST)
        message = _HTTP_MESSAGES.get(exc.status_code, "请求有误")
        if isinstance(exc, RequestTooLarge):
            message = str(exc.detail)
        return error_response(code, message, exc.status_code)

    @app.exception_handler(WorkerCrash)
    async def _crash(_: Request, exc: WorkerCrash) -> JSONResponse:
        log.error("worker failed: %s", exc)
        return error_response(E_INTERNAL, "服务器内部错误，处理该文件时程序出错", 500)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # run by the outermost layer (outside PageErrors and SecurityHeaders): it answers a page
        # itself and adds the headers every answer has
        from nianbao.web.middleware import SECURITY_HEADERS

        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        message = "服务器内部错误，请稍后重试"
        if wants_page(request.scope):
            response = error_page(request.scope, 500, E_INTERNAL, message)
        else:
            response = error_response(E_INTERNAL, message, 500)
        response.headers.update(SECURITY_HEADERS)
        return response


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求过大（上限 {limit / 1e6:.1f} MB）")


# ---- errors as pages --------------------------------------------------------------------------

_NOT_PAGES = ("/api/", "/static/", "/openapi.json")
TITLES = {
    400: "请求有误",
    401: "需要访问令牌",
    403: "禁止访问",
    404: "找不到该页面",
    405: "不支持该请求方法",
    408: "请求超时",
    413: "请求或文件过大",
    415: "不支持的文件格式",
    422: "无法处理所给的文件或数据",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


def wants_page(scope: Scope) -> bool:
    """A page's error: any path but the API's, the static files' and the OpenAPI document,
    unless the client asks for JSON and not HTML (``Accept: application/json``)."""
    path = str(scope.get("path", ""))
    if scope.get("type") != "http" or path.startswith(_NOT_PAGES):
        return False
    accept = dict(scope.get("headers") or []).get(b"accept", b"").decode("latin-1").lower()
    return "text/html" in accept or "application/json" not in accept


def error_page(scope: Scope, status: int, code: str, message: str) -> Response:
    """The error page: what went wrong in Chinese, the status and code, and the way back."""
    from nianbao.web.pages import templates

    scope = dict(scope)
    if "router" not in scope and "app" in scope:
        scope["router"] = scope["app"].router  # for url_for, when refused before routing
    request = StarletteRequest(scope)
    title = TITLES.get(status, "出错了")
    context = {"status": status, "code": code, "message": message, "title": title, "nav": None}
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


class PageErrors:
    """An error answered as JSON ``{code, message}`` (by the handlers or by the middleware that
    refuse a request before it is routed: size, host, token) becomes the error page when a
    browser asked for a page; the API's answers are left as they are."""

    MAX_BODY = 64 * 1024

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not wants_page(scope):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body = b""
        replaced = False

        async def sending(message: Message) -> None:
            nonlocal start, body, replaced
            if replaced:
                return
            if message["type"] == "http.response.start" and start is None:
                headers = dict(message.get("headers") or [])
                media = headers.get(b"content-type", b"").split(b";")[0].strip()
                if message["status"] >= 400 and media == b"application/json":
                    start = message  # held until the body says what the error is
                    return
                await send(message)
                return
            if message["type"] == "http.response.body" and start is not None:
                body += message.get("body", b"")
                if message.get("more_body") and len(body) <= self.MAX_BODY:
                    return
                replaced = True
                status = int(start["status"])
                try:
                    error = json.loads(body)
                    code, text = str(error["code"]), str(error["message"])
                except (ValueError, KeyError, TypeError):
                    code, text = "E_HTTP", TITLES.get(status, "请求失败")
                await error_page(scope, status, code, text)(scope, receive, send)
                return
            await send(message)

        await self.app(scope, receive, sending)
