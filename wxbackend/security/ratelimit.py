"""Fixed-window rate limits on the shared store (per account, per openid, per source)."""

from __future__ import annotations

from dataclasses import dataclass

from wxbackend.errors import TooManyRequests
from wxbackend.store import Store


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` hits per `window_s` seconds."""

    count: int
    window_s: int


async def hit(store: Store, key: str, limit: Limit) -> int:
    """Count one attempt; raise TooManyRequests once the window's allowance is spent.

    Returns how many attempts are left in the window.
    """
    used = await store.incr(f"rl:{key}", ttl=limit.window_s)
    if used > limit.count:
        retry_after = await store.ttl(f"rl:{key}")
        raise TooManyRequests(retry_after_s=int(retry_after or limit.window_s))
    return limit.count - used


async def clear(store: Store, key: str) -> None:
    await store.delete(f"rl:{key}")
