"""Errors as JSON ``{code, message}``: the CLI's E_ code and Chinese reason, with an HTTP status
that says whose fault it is (400 a malformed request, 413 too large, 415 not a format we read,
422 a file or data we cannot make a report of)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

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

    code: str = Field(description="stable error code, as printed by the CLI (E_…)")
    message: str = Field(description="the reason, in Chinese")


_STATUS_TEXT = {
    400: "malformed request",
    404: "no such upload, report or template",
    413: "request or file too large",
    415: "not a file format nianbao reads",
    422: "the file or data cannot be made into a report",
    503: "the corpus database is missing or unreadable",
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


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求过大（上限 {limit / 1e6:.1f} MB）")
