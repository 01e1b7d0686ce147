"""Staff session tokens: opaque, in the Store under a key space of their own.

Depositor sessions live under "session:", staff ones under "staff_session:", so a token
issued by one login can never be looked up by the other API. Only the token's SHA-256
is used as the key: a store dump does not yield live tokens.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass

from wxbackend import clock
from wxbackend.staff.errors import StaffUnauthenticated
from wxbackend.store import Store

# 等保 2.0: idle sessions end; a working day is the longest any session lives.
IDLE_S = 15 * 60
ABSOLUTE_S = 8 * 3600


@dataclass(frozen=True, slots=True)
class StaffSession:
    staff_id: int
    username: str
    created_at: float
    expires_at: float  # absolute limit, epoch seconds


def _key(token: str) -> str:
    return "staff_session:" + hashlib.sha256(token.encode()).hexdigest()


class StaffSessionStore:
    def __init__(self, store: Store, *, idle_s: int = IDLE_S, absolute_s: int = ABSOLUTE_S) -> None:
        self._store = store
        self._idle_s = idle_s
        self._absolute_s = absolute_s

    @property
    def idle_s(self) -> int:
        return self._idle_s

    async def create(self, *, staff_id: int, username: str) -> str:
        token = secrets.token_urlsafe(32)  # 256 bits
        now = clock.timestamp()
        session = StaffSession(staff_id, username, now, now + self._absolute_s)
        await self._store.set(_key(token), json.dumps(asdict(session)), ttl=self._idle_s)
        return token

    async def get(self, token: str) -> StaffSession:
        """The live session for a token, extending its idle expiry; 401 otherwise."""
        raw = await self._store.get(_key(token)) if token else None
        if raw is None:
            raise StaffUnauthenticated()
        data = json.loads(raw)
        session = StaffSession(
            data["staff_id"], data["username"], data["created_at"], data["expires_at"]
        )
        remaining = session.expires_at - clock.timestamp()
        if remaining <= 0:
            await self._store.delete(_key(token))
            raise StaffUnauthenticated()
        await self._store.set(_key(token), raw, ttl=min(self._idle_s, remaining))
        return session

    async def end(self, token: str) -> None:
        if token:
            await self._store.delete(_key(token))
