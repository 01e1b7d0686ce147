"""Staff session tokens: opaque, in the Store under a key space of their own.

Depositor sessions live under "session:", staff ones under "staff_session:", so a token
issued by one login can never be looked up by the other API. Only the token's SHA-256
is used as the key: a store dump does not yield live tokens.

A session remembers the staff member's session epoch when it was opened: an admin who
revokes someone's sessions bumps the epoch in the database, and every open session of
theirs stops at its next request. A session opened by the password alone, for someone
who has not enrolled a second factor yet, is good for the enrolment page only.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass

from wxbackend import clock
from wxbackend.staff.errors import StaffSessionExpired, StaffUnauthenticated
from wxbackend.store import Store

# 等保 2.0: idle sessions end; a working day is the longest any session lives.
IDLE_S = 15 * 60
ABSOLUTE_S = 8 * 3600
ENROLMENT_S = 10 * 60


@dataclass(frozen=True, slots=True)
class StaffSession:
    staff_id: int
    username: str
    created_at: float
    expires_at: float  # absolute limit, epoch seconds
    epoch: int = 0
    enrolment_only: bool = False


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

    async def create(
        self, *, staff_id: int, username: str, epoch: int = 0, enrolment_only: bool = False
    ) -> str:
        token = secrets.token_urlsafe(32)  # 256 bits
        now = clock.timestamp()
        lifetime = min(ENROLMENT_S, self._absolute_s) if enrolment_only else self._absolute_s
        session = StaffSession(staff_id, username, now, now + lifetime, epoch, enrolment_only)
        await self._store.set(_key(token), json.dumps(asdict(session)), ttl=self._idle_s)
        return token

    async def get(self, token: str) -> StaffSession:
        """The live session for a token, extending its idle expiry; 401 otherwise.

        A token that named a session which has since expired is told apart from no token
        at all (StaffSessionExpired), so the desk can say "you were away too long".
        """
        if not token:
            raise StaffUnauthenticated()
        raw = await self._store.get(_key(token))
        if raw is None:
            raise StaffSessionExpired()
        data = json.loads(raw)
        session = StaffSession(
            data["staff_id"],
            data["username"],
            data["created_at"],
            data["expires_at"],
            data.get("epoch", 0),
            data.get("enrolment_only", False),
        )
        remaining = session.expires_at - clock.timestamp()
        if remaining <= 0:
            await self._store.delete(_key(token))
            raise StaffSessionExpired()
        await self._store.set(_key(token), raw, ttl=min(self._idle_s, remaining))
        return session

    async def end(self, token: str) -> None:
        if token:
            await self._store.delete(_key(token))
