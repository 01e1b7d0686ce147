"""In-process store for the embedded default and unit tests: one process only."""

from __future__ import annotations

import time
from collections.abc import Sequence

_NO_EXPIRY = float("inf")


class MemoryStore:
    """A dict with expiry. Correct only while a single process serves traffic."""

    shared_between_processes = False

    def __init__(self, prefix: str = "") -> None:
        self._prefix = prefix
        self._data: dict[str, tuple[str, float]] = {}

    def _live(self, key: str) -> tuple[str, float] | None:
        item = self._data.get(self._prefix + key)
        if item is None:
            return None
        if item[1] <= time.monotonic():
            self._drop(key)
            return None
        return item

    def _put(self, key: str, value: str, expiry: float) -> None:
        """Every write goes through here (a durable subclass also writes it to disk)."""
        self._data[self._prefix + key] = (value, expiry)

    def _drop(self, key: str) -> None:
        self._data.pop(self._prefix + key, None)

    @staticmethod
    def _expiry(ttl: float | None) -> float:
        return _NO_EXPIRY if ttl is None else time.monotonic() + ttl

    async def get(self, key: str) -> str | None:
        item = self._live(key)
        return None if item is None else item[0]

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        self._put(key, value, self._expiry(ttl))

    async def set_if_absent(self, key: str, value: str, *, ttl: float | None = None) -> bool:
        if self._live(key) is not None:
            return False
        self._put(key, value, self._expiry(ttl))
        return True

    async def set_if_absent_each(
        self, items: Sequence[tuple[str, str, float | None]]
    ) -> list[str | None]:
        found: list[str | None] = []
        for key, value, ttl in items:
            item = self._live(key)
            if item is None:
                self._put(key, value, self._expiry(ttl))
                found.append(None)
                continue
            found.append(item[0])
            if item[0] != value:
                break
        return found

    async def delete(self, key: str) -> None:
        self._drop(key)

    async def delete_if_equals(self, key: str, value: str) -> bool:
        item = self._live(key)
        if item is None or item[0] != value:
            return False
        self._drop(key)
        return True

    async def incr(self, key: str, amount: int = 1, *, ttl: float | None = None) -> int:
        # No await between the read and the write: atomic for every task of this process.
        item = self._live(key)
        if item is None:
            self._put(key, str(amount), self._expiry(ttl))
            return amount
        value = int(item[0]) + amount
        self._put(key, str(value), item[1])
        return value

    async def ttl(self, key: str) -> float | None:
        item = self._live(key)
        if item is None or item[1] == _NO_EXPIRY:
            return None
        return item[1] - time.monotonic()

    async def acquire_lock(self, name: str, token: str, *, ttl: float) -> bool:
        return await self.set_if_absent("lock:" + name, token, ttl=ttl)

    async def release_lock(self, name: str, token: str) -> None:
        await self.delete_if_equals("lock:" + name, token)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._data.clear()
