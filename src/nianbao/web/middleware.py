"""ASGI middleware of the web app: caps on request bodies (size, read time, data nesting), the
Host allow-list, the token of writing requests and the security headers."""

from __future__ import annotations

import asyncio
import hmac
import re
from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nianbao.datalimits import check_data
from nianbao.errors import E_REQUEST, E_TIMEOUT, E_TOO_LARGE, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.web.errors import RequestTooLarge, error_response

DRAIN_BYTES = 64 * 1024 * 1024  # an oversized body read and dropped after the 413, up to this, so
# that the client, still sending, reads the answer instead of a connection reset

# Everything the pages use is served by the app itself: no inline script, no other origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class BodyLimit:
    """Refuse a request body larger than ``limit`` bytes with 413 before it is read whole: by
    its Content-Length, or while it streams in when it has none."""

    def __init__(self, app: ASGIApp, limit: int, body_timeout_s: float = 60.0) -> None:
        self.app = app
        self.limit = limit
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            response = error_response(E_TOO_LARGE, str(RequestTooLarge(self.limit).detail), 413)
            response.headers["connection"] = "close"
            await response(scope, receive, send)
            await self._drain(receive, min(int(length) if length.isdigit() else 0, DRAIN_BYTES))
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout_s)
            except TimeoutError:
                raise NianbaoError(E_TIMEOUT, f"请求正文读取超时（超过 {self.body_timeout_s:g} 秒）") from None
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise RequestTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)

    async def _drain(self, receive: Receive, most: int) -> None:
        """Read and drop what the client still sends (bounded in bytes and time)."""
        seen = 0
        try:
            while seen < most:
                message = await asyncio.wait_for(receive(), 5.0)
                if message["type"] != "http.request":
                    return
                seen += len(message.get("body", b""))
                if not message.get("more_body"):
                    return
        except (TimeoutError, OSError):
            return


class SecurityHeaders:
    """Add SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


_DATA_TYPES = frozenset({"application/json", "application/yaml", "application/x-yaml", "text/yaml", "application/toml"})
_WRITING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DataLimit:
    """Data bodies (JSON, YAML, TOML: /check/data, /render) held to ``Limits.max_data_bytes`` and
    ``max_depth`` before any parser sees them (nianbao.datalimits): a body of 50,000 nested
    brackets is a JSON error, not a ``RecursionError`` and an HTTP 500."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        media = headers.get(b"content-type", b"").split(b";")[0].strip().decode("latin-1").lower()
        if scope["type"] != "http" or media not in _DATA_TYPES:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                message = await receive()  # through BodyLimit: its size cap and read timeout
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if size > self.limits.max_data_bytes or not message.get("more_body"):
                    break
            body = b"".join(chunks)
            check_data(body, self.limits)
        except RequestTooLarge as e:
            await error_response(E_TOO_LARGE, str(e.detail), 413)(scope, receive, send)
            return
        except NianbaoError as e:
            await error_response(e.code, e.reason, 413 if e.code == E_TOO_LARGE else 408)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class HostAllowList:
    """Requests whose Host header names none of ``hosts`` are refused (400): a page of another
    site whose name was made to resolve to this machine (DNS rebinding) cannot reach the API."""

    def __init__(self, app: ASGIApp, hosts: list[str]) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name.strip("[]") not in self.hosts and host not in self.hosts:
            await error_response(E_REQUEST, f"不接受的主机名“{host[:100]}”（Host 不在允许列表中）", 400)(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


class TokenGuard:
    """Writing requests (POST, …) need ``Authorization: Bearer TOKEN`` (or ``X-Nianbao-Token``), or
    (``session``, a server with accounts) a signed-in user's session: a server bound beyond
    loopback parses and stores files only for those who hold the token or an account. Paths
    matching ``exempt`` (the workspace's) check their session and CSRF token themselves."""

    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        exempt: re.Pattern[str] | None = None,
        session: Callable[[Scope], Awaitable[bool]] | None = None,
    ) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.exempt = exempt
        self.session = session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _WRITING:
            await self.app(scope, receive, send)
            return
        if self.exempt is not None and self.exempt.match(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-nianbao-token") or headers.get(b"authorization", b"").removeprefix(b"Bearer ").strip()
        if self.token is not None and hmac.compare_digest(given, self.token):
            await self.app(scope, receive, send)
            return
        if self.session is not None and await self.session(scope):
            await self.app(scope, receive, send)
            return
        message = "此操作需要访问令牌（Authorization: Bearer …）"
        if self.session is not None:
            message = "此操作需要登录（或访问令牌 Authorization: Bearer …）"
        await error_response(E_REQUEST, message, 401)(scope, receive, send)
