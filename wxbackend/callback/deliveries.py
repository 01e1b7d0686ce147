"""Which deliveries are being or have been answered, shared by every worker via the Store.

WeChat retries a delivery it got no answer to within 5 s (3 attempts in all), possibly
to another worker. The first attempt claims the delivery; later ones wait for its
outcome and replay it, so a handler runs once per delivery.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Literal

import structlog

from wxbackend.callback.verification import NonceRecord
from wxbackend.store import Store

log = structlog.get_logger(__name__)

State = Literal["running", "done", "deferred", "unclaimed"]

_RUNNING = json.dumps({"state": "running"})
_DEFERRED = json.dumps({"state": "deferred"})
_encode = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(frozen=True, slots=True)
class Outcome:
    state: State
    # The plaintext reply body (XML or "success") when state == "done".
    body: str | None = None


class DeliveryRecords:
    """Claims and outcomes of deliveries, keyed by WeChat's dedupe key."""

    def __init__(
        self, store: Store, *, lease_s: float, keep_s: float, poll_s: float = 0.05
    ) -> None:
        # lease_s: how long a claim survives a worker that died mid-handler.
        self._store = store
        self._lease_s = lease_s
        self._keep_s = keep_s
        self._poll_s = poll_s

    @staticmethod
    def _key(delivery_key: str) -> str:
        # Hashed: keys stay short and carry no openid.
        return "wx:delivery:" + hashlib.sha256(delivery_key.encode("utf-8")).hexdigest()[:40]

    async def claim(
        self, delivery_key: str, *, nonce: NonceRecord | None = None, deferred: bool = False
    ) -> bool:
        """True when this attempt is the first and must run the handler.

        With `nonce`, the request's (timestamp, nonce) is recorded and checked first, in
        the same store round trip; a replayed pair raises ReplayedNonce, unclaimed.
        `deferred`: claimed as already deferred (the reply goes out as a message).
        """
        key = self._key(delivery_key)
        state, ttl = (_DEFERRED, self._keep_s) if deferred else (_RUNNING, self._lease_s)
        return await self._set_first(key, state, ttl, nonce) is None

    async def settle(
        self, delivery_key: str, body: str, *, nonce: NonceRecord | None = None
    ) -> Outcome | None:
        """Record this attempt's answer unless another attempt got there first, with the
        nonce's check, in one store round trip (a repeatable handler already ran).

        None when this answer is now the delivery's; else the other attempt's outcome.
        """
        value = _encode({"state": "done", "body": body})
        found = await self._set_first(self._key(delivery_key), value, self._keep_s, nonce)
        return None if found is None else _outcome(found)

    async def _set_first(
        self, key: str, value: str, ttl: float, nonce: NonceRecord | None
    ) -> str | None:
        """Set `key` if absent (after recording the nonce); what it held before."""
        first = [] if nonce is None else [(nonce.key, nonce.digest, nonce.ttl_s)]
        seen = await self._store.set_if_absent_each([*first, (key, value, ttl)])
        if nonce is not None:
            nonce.check(seen[0])  # a replayed pair stops the script before `key`
        return seen[-1]

    async def finish(self, delivery_key: str, body: str) -> None:
        value = _encode({"state": "done", "body": body})
        await self._store.set(self._key(delivery_key), value, ttl=self._keep_s)

    async def defer(self, delivery_key: str) -> None:
        """The reply goes out as a customer-service message; retries answer "success"."""
        await self._store.set(self._key(delivery_key), _DEFERRED, ttl=self._keep_s)

    async def outcome(self, delivery_key: str) -> Outcome:
        raw = await self._store.get(self._key(delivery_key))
        return Outcome("unclaimed") if raw is None else _outcome(raw)

    async def wait(self, delivery_key: str, *, until: float) -> Outcome:
        """Poll until the first attempt settles, the claim lapses, or `until` (loop time)."""
        loop = asyncio.get_running_loop()
        while True:
            found = await self.outcome(delivery_key)
            if found.state != "running" or loop.time() >= until:
                return found
            await asyncio.sleep(min(self._poll_s, max(0.0, until - loop.time())))


def _outcome(raw: str) -> Outcome:
    data = json.loads(raw)
    return Outcome(data["state"], data.get("body"))


async def best_effort(seconds: float, operation: Awaitable[None], *, step: str) -> None:
    """A store write that only helps (dedupe records): given up when slow or failing."""
    try:
        async with asyncio.timeout(seconds):
            await operation
    except Exception as exc:  # timeout or a store error: the reply goes out regardless
        log.warning("callback.store_timeout", step=step, error=type(exc).__name__)
