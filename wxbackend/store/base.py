"""What processes share: a TTL cache, set-if-absent, counters and locks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol


class LockNotAcquired(Exception):
    """The lock stayed held by someone else past the wait limit."""


class Store(Protocol):
    """Shared key/value state. Keys are given without the deployment prefix."""

    @property
    def shared_between_processes(self) -> bool: ...

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None: ...

    async def set_if_absent(self, key: str, value: str, *, ttl: float | None = None) -> bool:
        """Set only when the key does not exist; True when this call set it."""
        ...

    async def set_if_absent_each(
        self, items: Sequence[tuple[str, str, float | None]]
    ) -> list[str | None]:
        """`set_if_absent` for each (key, value, ttl) in order, in one round trip.

        Returns the value each key held (None where this call set it) and stops after
        the first key that holds a value other than the one offered. Atomic on Redis.
        """
        ...

    async def delete(self, key: str) -> None: ...

    async def delete_if_equals(self, key: str, value: str) -> bool:
        """Compare-and-delete; True when the key held `value` and is now gone."""
        ...

    async def incr(self, key: str, amount: int = 1, *, ttl: float | None = None) -> int:
        """Add to a counter; a ttl starts when the counter is created."""
        ...

    async def ttl(self, key: str) -> float | None:
        """Seconds until the key expires; None if absent or without expiry."""
        ...

    async def acquire_lock(self, name: str, token: str, *, ttl: float) -> bool: ...

    async def release_lock(self, name: str, token: str) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


@asynccontextmanager
async def hold_lock(
    store: Store, name: str, *, ttl: float = 10.0, wait: float = 10.0, poll: float = 0.02
) -> AsyncIterator[None]:
    """Hold a named lock for a block; waits up to `wait` seconds, then raises."""
    import asyncio
    import secrets

    token = secrets.token_hex(16)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not await store.acquire_lock(name, token, ttl=ttl):
        if loop.time() >= deadline:
            raise LockNotAcquired(name)
        await asyncio.sleep(poll)
    try:
        yield
    finally:
        await store.release_lock(name, token)
