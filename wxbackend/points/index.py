"""Every service point in memory, per process, rebuilt after a TTL or a write here.

Why in memory: points are a few thousand rows that change a few times a year (imports),
while "nearest" is asked on every location message. A snapshot of plain values with a
grid index answers nearest-N in well under a millisecond without a database round trip;
writes through this process invalidate it at once, other processes (the import CLI,
other workers) are picked up within the TTL.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.points.geo import GridIndex

DEFAULT_TTL_S = 300.0
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Snapshot(Generic[T]):
    items: tuple[T, ...]
    grid: GridIndex[T]
    loaded_at: float


class SnapshotCache(Generic[T]):
    """Snapshots keyed by the session's bind (engine or connection), so a test's
    rolled-back connection never leaks points into another's."""

    def __init__(self, *, ttl_s: float = DEFAULT_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._entries: weakref.WeakKeyDictionary[Any, Snapshot[T]] = weakref.WeakKeyDictionary()
        self._generation = 0
        _caches.add(self)

    def invalidate(self) -> None:
        self._generation += 1
        self._entries.clear()

    async def get(
        self,
        session: AsyncSession,
        load: Callable[[AsyncSession], Awaitable[list[tuple[float, float, T]]]],
    ) -> Snapshot[T]:
        key = session.bind
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and now - found.loaded_at < self.ttl_s:
            return found
        generation = self._generation
        rows = await load(session)
        snapshot = Snapshot(tuple(item for _, _, item in rows), GridIndex(rows), now)
        if generation == self._generation:  # no write invalidated it while loading
            self._entries[key] = snapshot
        return snapshot


_caches: weakref.WeakSet[SnapshotCache[Any]] = weakref.WeakSet()


def invalidate() -> None:
    """A point was written in this process: every cached snapshot is stale."""
    for cache in list(_caches):
        cache.invalidate()
