"""Edge guards every response and request passes: security headers and the body cap.

Plain ASGI middleware, so they hold for routes, mounted apps, error answers and the
callback alike. Docs: docs/security.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("wxbackend.errors")

# (status, title, text, request id) -> an HTML page (the H5 pages' own look).
HtmlErrorPage = Callable[[int, str, str, str], str]

# The API answers JSON only: nothing in it may load, run or be framed.
API_CSP = b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The H5 and desk pages: own styles, scripts and images only; forms post back to us.
PAGE_CSP = (
    b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    b"form-action 'self'; frame-ancestors 'none'"
)
# The sandbox's stand-in pages (development only) carry their styles and scripts inline.
SANDBOX_CSP = b"default-src 'self' 'unsafe-inline' data:; frame-ancestors 'none'"
# /docs and /redoc (vendored Swagger UI and ReDoc, off in production by default): their
# pages start the viewer with an inline script; ReDoc runs a worker from a blob.
DOCS_CSP = (
    b"default-src 'self'; img-src 'self' data:; script-src 'self' 'unsafe-inline'; "
    b"style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000; includeSubDomains"
# 429/423/503 without a precise value of their own.
DEFAULT_RETRY_AFTER = b"60"


def _csp_for(path: str) -> bytes:
    # /verify: the public certificate check, a page like the H5 ones (their stylesheets).
    if path.startswith(("/h5/", "/desk/", "/verify")) or path in ("/h5", "/desk"):
        return PAGE_CSP
    if path.startswith("/sandbox/") or path == "/sandbox":
        return SANDBOX_CSP
    if path.startswith(("/docs", "/redoc")):
        return DOCS_CSP
    return API_CSP


class SecurityHeadersMiddleware:
    """nosniff, CSP with frame-ancestors, Referrer-Policy, HSTS (production), no-store."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        cacheable = path.startswith(("/h5/static/", "/desk/static/"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                added = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", _csp_for(path)),
                ]
                if self.hsts:
                    added.append((b"strict-transport-security", HSTS))
                if not cacheable:
                    # Answers carry personal data or depend on who asks: never stored.
                    added.append((b"cache-control", b"no-store"))
                if message["status"] in (423, 429, 503):
                    added.append((b"retry-after", DEFAULT_RETRY_AFTER))
                headers += [(n, v) for n, v in added if n not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimitMiddleware:
    """One size policy for every request body, enforced before any route reads it.

    Multipart uploads may be `upload_bytes`; anything else (JSON, forms) `body_bytes`.
    A Content-Length over the cap is refused unread; a streamed body is counted as it
    arrives and refused (413) at the first chunk past the cap: the app then sees the
    client gone, and whatever it still answers is dropped. The callback has its own cap.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        body_bytes: int,
        upload_bytes: int,
        exempt: tuple[str, ...],
        html_error_page: HtmlErrorPage | None = None,
    ) -> None:
        self.app = app
        self.body_bytes = body_bytes
        self.upload_bytes = upload_bytes
        self.exempt = exempt
        self.html_error_page = html_error_page

    def _limit(self, scope: Scope) -> int:
        for name, value in scope["headers"]:
            if name == b"content-type" and value.lower().startswith(b"multipart/form-data"):
                return self.upload_bytes
        return self.body_bytes

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        log.info("request.refused", code="body_too_large", limit=limit)
        request_id = str(scope.get("state", {}).get("request_id", ""))
        message = "请求内容过大。"
        if self.html_error_page is not None and scope["path"].startswith("/h5/"):
            body = self.html_error_page(413, "文件过大", message, request_id).encode()
            content_type = b"text/html; charset=utf-8"
        else:
            payload = {"code": "body_too_large", "message": message, "request_id": request_id}
            body = json.dumps(payload, ensure_ascii=False).encode()
            content_type = b"application/json"
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        # The rest of the body is never read: ask the client to close the connection.
        headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(scope, send, limit)
                return
        received = 0
        refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    await self._refuse(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise
