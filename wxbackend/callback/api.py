"""`/wechat/callback`: URL verification (GET) and messages (POST) in plain, compatible
and safe mode. Docs: docs/wechat-callback.md."""

from __future__ import annotations

import secrets
import time
from typing import Literal

import structlog
from fastapi import APIRouter, Request, Response

from wxbackend.callback import verification as verify
from wxbackend.callback.crypto import CiphertextRejected, WrongAppId
from wxbackend.callback.errors import EncryptionRequired, MalformedMessage, WrongAppIdRejected
from wxbackend.callback.parsing import parse_message, parse_xml, text_field
from wxbackend.callback.replies import NO_REPLY, render_reply
from wxbackend.callback.runtime import CallbackRuntime
from wxbackend.handlers.messages import InboundMessage, TextReply
from wxbackend.handlers.registry import HandlerContext
from wxbackend.store import Store
from wxbackend.wechat.gateway import OfficialAccountApi

log = structlog.get_logger(__name__)

router = APIRouter(tags=["wechat"])

CALLBACK_PATH = "/wechat/callback"
Mode = Literal["plain", "compatible", "safe"]


def _runtime(request: Request) -> CallbackRuntime:
    runtime: CallbackRuntime = request.app.state.wechat_callback
    return runtime


@router.get(CALLBACK_PATH, include_in_schema=False)
async def verify_url(request: Request) -> Response:
    """WeChat's server-URL check: echo `echostr` when the signature is valid."""
    runtime = _runtime(request)
    query = verify.CallbackQuery.from_params(request.query_params)
    verify.check_fresh(
        query, now=int(time.time()), window_s=runtime.settings.wechat.oa.timestamp_window_s
    )
    verify.check_signature(runtime.crypto, query)
    return Response(query.echostr, media_type="text/plain")


@router.post(CALLBACK_PATH, include_in_schema=False)
async def receive(request: Request) -> Response:
    """A user message or event; answers a passive reply, or "success"."""
    runtime = _runtime(request)
    oa = runtime.settings.wechat.oa
    store: Store = request.app.state.store
    query = verify.CallbackQuery.from_params(request.query_params)
    verify.check_fresh(query, now=int(time.time()), window_s=oa.timestamp_window_s)
    verify.check_signature(runtime.crypto, query)
    if oa.require_encryption and query.encrypt_type != "aes":
        log.warning("callback.refused", reason="encryption_required", mode="plain")
        raise EncryptionRequired
    body = await verify.read_body(request, limit=oa.max_body_bytes)

    mode, message = _open(runtime, query, body)
    if oa.require_encryption and mode != "safe":
        log.warning("callback.refused", reason="encryption_required", mode=mode)
        raise EncryptionRequired
    await verify.check_not_replayed(store, query, body, window_s=oa.timestamp_window_s)

    ctx = HandlerContext(
        store=store,
        settings=runtime.settings,
        content=runtime.content,
        sessionmaker=getattr(request.app.state, "sessionmaker", None),
    )

    def outbox() -> OfficialAccountApi | None:
        # Read when the late reply is ready: the gateway is built by the lifespan.
        api: OfficialAccountApi | None = getattr(request.app.state, "wechat_oa", None)
        return api

    try:
        reply = await runtime.dispatcher.answer(message, ctx, outbox=outbox)
    except Exception:
        # E.g. the store is unreachable: still answer, or WeChat shows the user
        # "该公众号暂时无法提供服务".
        log.exception("callback.dispatch_failed", msg_type=message.msg_type)
        apology = TextReply(runtime.content["apology"])
        reply = render_reply(apology, to=message, now=int(time.time()))
    if reply == NO_REPLY:
        return Response(NO_REPLY, media_type="text/plain")
    if mode == "safe":
        reply = runtime.crypto.encrypt_reply(
            reply, timestamp=str(int(time.time())), nonce=secrets.token_hex(8)
        )
    return Response(reply, media_type="application/xml")


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
    # Compatible mode sends the plaintext fields next to Encrypt and takes a plain reply;
    # either way only the authenticated, decrypted copy is used.
    mode: Mode = "compatible" if "MsgType" in envelope else "safe"
    return mode, parse_message(parse_xml(inner.encode("utf-8")))
