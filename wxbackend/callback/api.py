"""`/wechat/callback`: URL verification (GET) and messages (POST) in plain, compatible
and safe mode. Docs: docs/wechat-callback.md.

A bare ASGI endpoint in front of FastAPI's routing, not a FastAPI route: per message,
the exception middleware, exit stacks, route matching and dependency resolution cost
more than verifying, decrypting, parsing and answering it (bench/README.md). It stays
inside the app's own middleware (500 handler, request id, access log) and renders
refusals with the handler the app registered for DomainError.
"""

from __future__ import annotations

import inspect
import secrets
import time
from typing import Any, Literal

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from wxbackend import clock, metrics
from wxbackend.callback import verification as verify
from wxbackend.callback.crypto import CiphertextRejected, WrongAppId
from wxbackend.callback.errors import (
    CallbackRefused,
    EncryptionRequired,
    MalformedMessage,
    WrongAppIdRejected,
)
from wxbackend.callback.parsing import parse_message, parse_xml, text_field
from wxbackend.callback.replies import NO_REPLY, render_reply
from wxbackend.callback.runtime import CallbackRuntime
from wxbackend.errors import DomainError
from wxbackend.handlers.messages import InboundMessage, TextReply
from wxbackend.handlers.registry import HandlerContext
from wxbackend.store import Store
from wxbackend.wechat.gateway import OfficialAccountApi

log = structlog.get_logger(__name__)

CALLBACK_PATH = "/wechat/callback"
Mode = Literal["plain", "compatible", "safe"]

_PLAIN = b"text/plain; charset=utf-8"
_XML = b"application/xml"


class CallbackFrontDoor:
    """Innermost middleware: serves `CALLBACK_PATH` itself, passes the rest to routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.callback = CallbackEndpoint()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == CALLBACK_PATH:
            await self.callback(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class CallbackEndpoint:
    """The ASGI app behind `CALLBACK_PATH` (GET/HEAD: URL check, POST: a message)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = scope["app"]
        query = verify.CallbackQuery.from_query_string(scope["query_string"])
        started = time.perf_counter()
        try:
            if scope["method"] == "POST":
                reply = await receive_message(app.state, query, scope, receive)
                content_type = _PLAIN if reply == NO_REPLY else _XML
                outcome = "success" if reply == NO_REPLY else "reply"
                metrics.callback_answered(outcome, time.perf_counter() - started)
            elif scope["method"] in ("GET", "HEAD"):
                reply = await verify_url(app.state, query)
                content_type = _PLAIN
            else:
                await _method_not_allowed(send)
                return
        except DomainError as exc:
            if scope["method"] == "POST":
                metrics.callback_answered("refused", time.perf_counter() - started)
            # As a route's would be: rendered by the handler the app registered.
            for cls in type(exc).__mro__:
                handler = app.exception_handlers.get(cls)
                if handler is not None:
                    response = handler(Request(scope, receive), exc)
                    if inspect.isawaitable(response):
                        response = await response
                    await response(scope, receive, send)
                    return
            raise
        body = reply.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode("ascii")),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _method_not_allowed(send: Send) -> None:
    body = b"Method Not Allowed"
    await send(
        {
            "type": "http.response.start",
            "status": 405,
            "headers": [
                (b"allow", b"GET, HEAD, POST"),
                (b"content-type", _PLAIN),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def verify_url(state: Any, query: verify.CallbackQuery) -> str:
    """WeChat's server-URL check: echo `echostr` when the signature is valid.

    Its (timestamp, nonce) is recorded like a message's: in plain mode a POST carries the
    same `signature`, so an unrecorded GET would sign a forged message for the window.
    """
    runtime: CallbackRuntime = state.wechat_callback
    window_s = runtime.settings.wechat.oa.timestamp_window_s
    verify.check_fresh(query, now=int(clock.timestamp()), window_s=window_s)
    verify.check_signature(runtime.crypto, query)
    nonce = verify.NonceRecord.of(query, b"GET " + query.echostr.encode(), window_s=window_s)
    store: Store = state.store
    (seen,) = await store.set_if_absent_each([(nonce.key, nonce.digest, nonce.ttl_s)])
    nonce.check(seen)
    return query.echostr


async def receive_message(
    state: Any, query: verify.CallbackQuery, scope: Scope, receive: Receive
) -> str:
    """A user message or event; answers a passive reply, or "success"."""
    runtime: CallbackRuntime = state.wechat_callback
    oa = runtime.settings.wechat.oa
    verify.check_fresh(query, now=int(clock.timestamp()), window_s=oa.timestamp_window_s)
    verify.check_signature(runtime.crypto, query)
    if oa.require_encryption and query.encrypt_type != "aes":
        log.warning("callback.refused", reason="encryption_required", mode="plain")
        raise EncryptionRequired
    body = await verify.read_body(scope, receive, limit=oa.max_body_bytes)

    mode, message = _open(runtime, query, body)
    if oa.require_encryption and mode != "safe":
        log.warning("callback.refused", reason="encryption_required", mode=mode)
        raise EncryptionRequired
    nonce = verify.NonceRecord.of(query, body, window_s=oa.timestamp_window_s)
    ctx = HandlerContext(
        store=state.store,
        settings=runtime.settings,
        content=runtime.content,
        sessionmaker=getattr(state, "sessionmaker", None),
        vault=getattr(state, "vault", None),
        withdraw_rules=getattr(state, "withdraw_rules", None),
        reader=getattr(state, "reader", None),
    )

    def outbox() -> OfficialAccountApi | None:
        # Read when the late reply is ready: the gateway is built by the lifespan.
        api: OfficialAccountApi | None = getattr(state, "wechat_oa", None)
        return api

    try:
        reply = await runtime.dispatcher.answer(message, ctx, outbox=outbox, nonce=nonce)
    except CallbackRefused:
        raise
    except Exception:
        # E.g. the store is unreachable: still answer, or WeChat shows the user
        # "该公众号暂时无法提供服务".
        log.exception("callback.dispatch_failed", msg_type=message.msg_type)
        metrics.CALLBACK_APOLOGIES.inc()
        apology = TextReply(runtime.content["apology"])
        reply = render_reply(apology, to=message, now=int(clock.timestamp()))
    if reply == NO_REPLY or mode != "safe":
        return reply
    return runtime.crypto.encrypt_reply(
        reply, timestamp=str(int(clock.timestamp())), nonce=secrets.token_hex(8)
    )


def _open(
    runtime: CallbackRuntime, query: verify.CallbackQuery, body: bytes
) -> tuple[Mode, InboundMessage]:
    """Authenticate and decrypt as the mode requires, then parse the message."""
    if query.encrypt_type in ("", "raw"):
        return "plain", parse_message(parse_xml(body))
    if query.encrypt_type != "aes":
        raise MalformedMessage(reason="unknown_encrypt_type")
    envelope = parse_xml(body)
    encrypt = text_field(envelope, "Encrypt", required=True) or ""
    verify.check_msg_signature(runtime.crypto, query, encrypt)
    try:
        inner = runtime.crypto.decrypt(encrypt)
    except WrongAppId:
        log.warning("callback.refused", reason="wrong_app_id")
        raise WrongAppIdRejected from None
    except CiphertextRejected as exc:
        log.warning("callback.refused", reason="bad_ciphertext", detail=str(exc))
        raise MalformedMessage(reason="bad_ciphertext") from None
    # Compatible mode sends plaintext fields next to Encrypt. They are not covered by
    # msg_signature, so they decide nothing: not the message, not the mode of the reply
    # (compatible mode takes an encrypted reply as well as a plain one).
    return "safe", parse_message(parse_xml(inner.encode("utf-8")))
