"""The outermost edge, as plain ASGI middleware (no per-request task): request id, the
client's address, one masked access line, and the answer to any unexpected error.

An error that escapes the app is rendered here, while the request id is still bound:
500 for a bug, 503 with Retry-After when the database or the store is overloaded or
down, a Chinese "系统繁忙" page on the H5 pages, and in every case the request id.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wxbackend import failures, metrics
from wxbackend.http_guards import HtmlErrorPage
from wxbackend.logs import log_access, scrub_text
from wxbackend.security.masking import scrub

errors_log = structlog.get_logger("wxbackend.errors")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id() -> str:
    """16 hex characters that the log scrubber would never mistake for a number."""
    while True:
        candidate = secrets.token_hex(8)
        if scrub(candidate) == candidate:
            return candidate


def accept_request_id(incoming: str) -> str:
    """A caller's X-Request-Id when it is safe to log as is; otherwise a new one."""
    if _SAFE_REQUEST_ID.match(incoming) and scrub(incoming) == incoming:
        return incoming
    return new_request_id()


class TrustedProxies:
    """Which peers may say who the client is (X-Forwarded-For); nobody, by default."""

    def __init__(self, entries: list[str]) -> None:
        self._networks: list[IPv4Network | IPv6Network] = [
            ip_network(entry, strict=False) for entry in entries
        ]

    def trusts(self, address: str) -> bool:
        try:
            parsed = ip_address(address)
        except ValueError:
            return False
        return any(parsed in network for network in self._networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """The right-most address not added by one of our proxies."""
        if not self._networks or not forwarded_for or not self.trusts(peer):
            return peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            if not self.trusts(hop):
                return hop if _is_ip(hop) else peer
        return peer


def _is_ip(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


class RequestContextMiddleware:
    """Binds a request id to every log line of a request and logs one access line."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        trusted_proxies: list[str] | None = None,
        html_error_page: HtmlErrorPage | None = None,
    ) -> None:
        self.app = app
        self.proxies = TrustedProxies(trusted_proxies or [])
        self.html_error_page = html_error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = accept_request_id(headers.get(b"x-request-id", b"").decode("latin-1"))
        peer = scope["client"][0] if scope.get("client") else "unknown"
        client = self.proxies.client(peer, headers.get(b"x-forwarded-for", b"").decode("latin-1"))
        if client != peer:
            scope = dict(scope, client=(client, 0))
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if response_started:
                errors_log.error("request.failed", after_response_start=True, exc_info=exc)
            else:
                status = await self._answer_error(scope, send_with_id, exc, request_id)
        finally:
            # Path only: query strings carry codes, signatures and sometimes personal data.
            log_access(
                method=scope["method"],
                path=scrub_text(scope["path"]),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                request_id=request_id,
            )
            structlog.contextvars.clear_contextvars()

    async def _answer_error(self, scope: Scope, send: Send, exc: Exception, request_id: str) -> int:
        extra: list[tuple[bytes, bytes]] = []
        if (cause := failures.unavailable_cause(exc)) is not None:
            errors_log.error("request.unavailable", cause=cause, exc_info=exc)
            metrics.dependency_error(cause)
            status, code, message = 503, "service_busy", failures.BUSY_MESSAGE
            extra.append((b"retry-after", str(failures.RETRY_AFTER_S).encode()))
        else:
            errors_log.error("request.failed", exc_info=exc)
            status, code, message = 500, "internal_error", failures.INTERNAL_MESSAGE
        if self.html_error_page is not None and scope["path"].startswith("/h5/"):
            body = self.html_error_page(status, "系统繁忙", message, request_id).encode()
            content_type = b"text/html; charset=utf-8"
        else:
            payload = {"code": code, "message": message, "request_id": request_id}
            body = json.dumps(payload, ensure_ascii=False).encode()
            content_type = b"application/json"
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return status
