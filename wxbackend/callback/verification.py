"""Checks every callback passes before its content is trusted: freshness, signatures, replay."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

import structlog
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope

from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.errors import (
    BodyTooLarge,
    MsgSignatureRejected,
    ReplayedNonce,
    SignatureRejected,
    StaleTimestamp,
)

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

    @classmethod
    def from_query_string(cls, query_string: bytes) -> CallbackQuery:
        """As Starlette reads it (the last of repeated names wins)."""
        text = query_string.decode("latin-1")
        if "%" in text or "+" in text:
            return cls.from_params(dict(parse_qsl(text, keep_blank_values=True)))
        # WeChat's parameters need no unquoting: skip parse_qsl's per-field work.
        params = {}
        for field in text.split("&"):
            if field:
                name, _, value = field.partition("=")
                params[name] = value
        return cls.from_params(params)


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


@dataclass(frozen=True, slots=True)
class NonceRecord:
    """What the store keeps of a request's (timestamp, nonce): its body's SHA-256.

    A pair reused with a different body is refused: in plain mode the signature does
    not cover the body, so a captured query string could otherwise carry any message.
    An identical resend (an attacker's replay or WeChat resending the same request) is
    let through: delivery dedupe then replays the first answer without running the
    handler again. Recorded in the round trip that claims the delivery
    (`DeliveryRecords.claim`); a store outage there is answered like any other
    (an apology), so it does not refuse the request.
    """

    key: str
    digest: str
    ttl_s: float

    @classmethod
    def of(cls, query: CallbackQuery, body: bytes, *, window_s: int) -> NonceRecord:
        nonce = hashlib.sha256(query.nonce.encode()).hexdigest()[:32]
        return cls(
            key=f"wx:nonce:{query.timestamp}:{nonce}",
            digest=hashlib.sha256(body).hexdigest(),
            # The pair stays acceptable for window_s either side of its timestamp.
            ttl_s=2 * window_s,
        )

    def check(self, seen: str | None) -> None:
        """`seen`: the digest the store held for the pair before (None: a new pair)."""
        if seen is None:
            return
        if seen == self.digest:
            log.info("callback.resent_request")
            return
        log.warning("callback.refused", reason="replayed_nonce")
        raise ReplayedNonce


async def read_body(scope: Scope, receive: Receive, *, limit: int) -> bytes:
    """The request body, refusing (413) more than `limit` bytes without buffering them."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            if value.isdigit() and int(value) > limit:
                log.warning("callback.refused", reason="body_too_large")
                raise BodyTooLarge
            break
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        body += message.get("body", b"")
        if len(body) > limit:
            log.warning("callback.refused", reason="body_too_large")
            raise BodyTooLarge
        if not message.get("more_body", False):
            return bytes(body)
