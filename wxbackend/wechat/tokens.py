"""The access_token broker: one token per app, shared by every process through the Store.

Several processes fetching tokens on their own invalidate each other's - the #1 complaint
in every WeChat SDK's issue tracker. Here the token lives in the Store, one refresher at a
time holds a Store lock, and the others wait and read what it cached.
https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from wxbackend import metrics
from wxbackend.clock import timestamp
from wxbackend.store import LockNotAcquired, Store, hold_lock
from wxbackend.wechat.gateway import WeChatApiError
from wxbackend.wechat.transport import TOKEN_ERRCODES, WeChatHttp

log = structlog.get_logger(__name__)

T = TypeVar("T")

# Near the end of a token's life stable_token keeps handing out the same token, so do not
# ask again on every call: at most once per this many seconds.
_MIN_RECHECK_S = 60.0


@dataclass(frozen=True, slots=True)
class _Cached:
    token: str
    refresh_at: float  # epoch seconds: wall clock, because processes share it
    raw: str  # the stored string, for compare-and-delete


class AccessTokenBroker:
    """Hands out the app's access_token; refreshes ahead of expiry, one process at a time."""

    def __init__(
        self,
        *,
        store: Store,
        http: WeChatHttp,
        app_id: str,
        app_secret: str,
        use_stable_token: bool = True,
        refresh_margin_s: float = 300.0,
        lock_wait_s: float = 15.0,
        clock: Callable[[], float] = timestamp,
    ) -> None:
        self._store = store
        self._http = http
        self._app_id = app_id
        self._app_secret = app_secret
        self._use_stable_token = use_stable_token
        self._margin = refresh_margin_s
        self._lock_wait = lock_wait_s
        self._clock = clock
        self._key = f"wechat:access_token:{app_id}"
        self._lock = f"wechat:access_token:{app_id}"

    async def token(self) -> str:
        """A token that is valid for a while yet; fetches one only if nobody else has."""
        cached = await self._read()
        if cached is not None and cached.refresh_at > self._clock():
            return cached.token
        # A token that is due but still alive keeps serving while another process
        # refreshes it; only callers with nothing to use wait for the refresher.
        wait = 0.0 if cached is not None else self._lock_wait
        try:
            # The lock's ttl outlives a fetch (bounded by the HTTP timeout), so it is not
            # taken over mid-fetch, and it expires if its holder dies.
            async with hold_lock(self._store, self._lock, ttl=self._lock_wait, wait=wait):
                # Whoever held the lock before us has probably refreshed already.
                cached = await self._read()
                if cached is not None and cached.refresh_at > self._clock():
                    return cached.token
                try:
                    return await self._fetch(previous=cached)
                except WeChatApiError as exc:
                    if cached is None:
                        raise
                    # Still in the store means still within its lifetime: keep using it.
                    metrics.TOKEN_REFRESHES.labels(outcome="failed").inc()
                    log.warning(
                        "wechat.token_refresh_failed", app_id=self._app_id, errcode=exc.errcode
                    )
                    return cached.token
        except LockNotAcquired:
            if cached is not None:
                return cached.token
            raise WeChatApiError(-1, "access_token refresh is stuck elsewhere") from None

    async def drop(self, failed_token: str) -> None:
        """Forget `failed_token`, unless another process already replaced it."""
        cached = await self._read()
        if cached is not None and cached.token == failed_token:
            # Compare-and-delete on the exact stored string: if someone stored a new
            # token since our read, theirs survives.
            await self._store.delete_if_equals(self._key, cached.raw)

    async def call(self, request: Callable[[str], Awaitable[T]]) -> T:
        """Run `request(token)`; on a token errcode drop the token, refresh once, retry once."""
        token = await self.token()
        try:
            return await request(token)
        except WeChatApiError as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            log.info("wechat.token_rejected", app_id=self._app_id, errcode=exc.errcode)
            await self.drop(token)
        # Deliberately not a loop: a second rejection surfaces to the caller.
        return await request(await self.token())

    async def _read(self) -> _Cached | None:
        raw = await self._store.get(self._key)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return _Cached(token=str(data["token"]), refresh_at=float(data["refresh_at"]), raw=raw)
        except (ValueError, KeyError, TypeError):
            return None

    async def _fetch(self, *, previous: _Cached | None) -> str:
        if self._use_stable_token:
            # force_refresh stays false: forced refreshes are rationed (about 20 a day) and
            # a normal call already returns a new token once the old one is invalid.
            body = await self._http.call(
                "post",
                "/cgi-bin/stable_token",
                access_token=None,
                json={
                    "grant_type": "client_credential",
                    "appid": self._app_id,
                    "secret": self._app_secret,
                    "force_refresh": False,
                },
            )
        else:
            body = await self._http.call(
                "get",
                "/cgi-bin/token",
                access_token=None,
                params={
                    "grant_type": "client_credential",
                    "appid": self._app_id,
                    "secret": self._app_secret,
                },
            )
        token = str(body.get("access_token") or "")
        if not token:
            raise WeChatApiError(-1, "token response without access_token")
        expires_in = float(body.get("expires_in") or 7200)
        now = self._clock()
        refresh_at = now + max(expires_in - self._margin, min(_MIN_RECHECK_S, expires_in / 2))
        raw = json.dumps({"token": token, "refresh_at": refresh_at})
        await self._store.set(self._key, raw, ttl=expires_in)
        metrics.TOKEN_REFRESHES.labels(outcome="ok").inc()
        log.info(
            "wechat.token_refreshed",
            app_id=self._app_id,
            expires_in=int(expires_in),
            changed=previous is None or previous.token != token,
        )
        return token
