"""Checks every callback passes before its content is trusted: freshness, signatures, replay."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import structlog
from starlette.requests import Request

from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.errors import (
    BodyTooLarge,
    MsgSignatureRejected,
    ReplayedNonce,
    SignatureRejected,
    StaleTimestamp,
)
from wxbackend.store import Store

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CallbackQuery:
    """The query string WeChat signs a callback with."""

    signature: str
    timestamp: str
    nonce: str
    encrypt_type: str
    msg_signature: str
    echostr: str

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CallbackQuery:
        return cls(
            signature=params.get("signature", ""),
            timestamp=params.get("timestamp", ""),
            nonce=params.get("nonce", ""),
            encrypt_type=params.get("encrypt_type", "").lower(),
            msg_signature=params.get("msg_signature", ""),
            echostr=params.get("echostr", ""),
        )


def check_fresh(query: CallbackQuery, *, now: int, window_s: int) -> None:
    """Refuse timestamps outside the window: a captured request stops working quickly."""
    try:
        sent_at = int(query.timestamp)
    except ValueError:
        sent_at = None
    if sent_at is None or abs(now - sent_at) > window_s:
        log.warning("callback.refused", reason="stale_timestamp")
        raise StaleTimestamp


def check_signature(crypto: CallbackCrypto, query: CallbackQuery) -> None:
    """`signature` = sha1(sorted(token, timestamp, nonce)); sent in every mode."""
    if not crypto.verify_signature(query.signature, query.timestamp, query.nonce):
        log.warning("callback.refused", reason="bad_signature")
        raise SignatureRejected


def check_msg_signature(crypto: CallbackCrypto, query: CallbackQuery, encrypt: str) -> None:
    """`msg_signature` also covers the Encrypt field: checked before decrypting."""
    if not crypto.verify_msg_signature(query.msg_signature, query.timestamp, query.nonce, encrypt):
        log.warning("callback.refused", reason="bad_msg_signature")
        raise MsgSignatureRejected


async def check_not_replayed(
    store: Store, query: CallbackQuery, body: bytes, *, window_s: int
) -> None:
    """Refuse a (timestamp, nonce) pair reused with a different body.

    In plain mode the signature does not cover the body, so a captured query string
    could otherwise carry any message. An identical resend (an attacker's replay or
    WeChat resending the same request) is let through: delivery dedupe then replays
    the first answer without running the handler again.
    """
    digest = hashlib.sha256(body).hexdigest()
    key = f"wx:nonce:{query.timestamp}:{hashlib.sha256(query.nonce.encode()).hexdigest()[:32]}"
    try:
        # The pair stays acceptable for window_s either side of its timestamp.
        if await store.set_if_absent(key, digest, ttl=2 * window_s):
            return
        seen = await store.get(key)
    except Exception:
        # Store outage: signature and timestamp window still hold; refusing here would
        # show every user "该公众号暂时无法提供服务".
        log.exception("callback.replay_check_unavailable")
        return
    if seen == digest:
        log.info("callback.resent_request")
        return
    log.warning("callback.refused", reason="replayed_nonce")
    raise ReplayedNonce


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, refusing (413) more than `limit` bytes without buffering them."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        log.warning("callback.refused", reason="body_too_large")
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            log.warning("callback.refused", reason="body_too_large")
            raise BodyTooLarge
    return bytes(body)
