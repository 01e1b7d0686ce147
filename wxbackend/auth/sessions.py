"""Opaque session tokens (≥128 bits) with idle and absolute expiry, kept in the store.

Only a hash of the token is used as the key, so a store dump does not yield live tokens.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass

from wxbackend import clock
from wxbackend.enums import Channel
from wxbackend.errors import Unauthenticated
from wxbackend.store import Store


@dataclass(frozen=True, slots=True)
class UserSession:
    """A WeChat user's session on one channel."""

    channel: Channel
    openid: str
    unionid: str | None
    created_at: float
    expires_at: float  # absolute limit, epoch seconds


def _key(token: str) -> str:
    return "session:" + hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(self, store: Store, *, idle_s: int, absolute_s: int) -> None:
        self._store = store
        self._idle_s = idle_s
        self._absolute_s = absolute_s

    async def create(self, *, channel: Channel, openid: str, unionid: str | None) -> str:
        token = secrets.token_urlsafe(32)  # 256 bits
        now = clock.timestamp()
        session = UserSession(channel, openid, unionid, now, now + self._absolute_s)
        await self._store.set(_key(token), json.dumps(asdict(session)), ttl=self._idle_s)
        return token

    async def get(self, token: str) -> UserSession:
        """The live session for a token, extending its idle expiry; 401 otherwise."""
        raw = await self._store.get(_key(token)) if token else None
        if raw is None:
            raise Unauthenticated()
        data = json.loads(raw)
        session = UserSession(
            Channel(data["channel"]),
            data["openid"],
            data["unionid"],
            data["created_at"],
            data["expires_at"],
        )
        remaining = session.expires_at - clock.timestamp()
        if remaining <= 0:
            await self._store.delete(_key(token))
            raise Unauthenticated()
        await self._store.set(_key(token), raw, ttl=min(self._idle_s, remaining))
        return session

    async def end(self, token: str) -> None:
        await self._store.delete(_key(token))
