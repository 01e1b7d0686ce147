"""Great-circle distances and a grid index for "the N nearest points" in memory."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

# Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8
T = TypeVar("T")


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class _Entry(Generic[T]):
    lat: float
    lng: float
    item: T


class GridIndex(Generic[T]):
    """Items bucketed in cells of `cell_deg` degrees; nearest-N searches rings of cells.

    The search visits rings of cells around the query until the N-th best exact distance
    is below what any unvisited cell could hold, so it touches a few cells instead of
    every point; when a ring would cost more than the occupied cells, the rest is done by
    brute force (bounded at O(n)). Longitudes do not wrap at ±180° (China: 73–136° E).
    """

    def __init__(self, items: Iterable[tuple[float, float, T]], *, cell_deg: float = 0.1) -> None:
        self._cell = cell_deg
        self._cells: dict[tuple[int, int], list[_Entry[T]]] = {}
        self.size = 0
        for lat, lng, item in items:
            self._cells.setdefault(self._key(lat, lng), []).append(_Entry(lat, lng, item))
            self.size += 1

    def _key(self, lat: float, lng: float) -> tuple[int, int]:
        return math.floor(lat / self._cell), math.floor(lng / self._cell)

    def _bound_m(self, rings_done: int, lat: float) -> float:
        """A lower bound on the distance to any point outside the visited rings.

        Such a point differs by more than rings_done × cell in latitude (distance ≥ that
        arc) or in longitude (distance ≥ asin(cos φ · sin Δλ), the way to that meridian).
        """
        delta = min(math.pi / 2, math.radians(rings_done * self._cell))
        cos_lat = max(0.0, math.cos(math.radians(lat)))
        return EARTH_RADIUS_M * math.asin(min(1.0, cos_lat * math.sin(delta)))

    def nearest(self, lat: float, lng: float, limit: int) -> list[tuple[float, T]]:
        """Up to `limit` (distance in metres, item) pairs, nearest first."""
        if limit <= 0 or not self._cells:
            return []
        ci, cj = self._key(lat, lng)
        # A max-heap of the best `limit` so far: (-distance, tie-breaker, item).
        best: list[tuple[float, int, T]] = []
        seen = 0

        def consider(entries: Iterable[_Entry[T]]) -> None:
            nonlocal seen
            for e in entries:
                seen += 1
                candidate = (-haversine_m(lat, lng, e.lat, e.lng), -seen, e.item)
                if len(best) < limit:
                    heapq.heappush(best, candidate)
                elif candidate[0] > best[0][0]:
                    heapq.heapreplace(best, candidate)

        ring = 0
        while True:
            if 8 * ring > len(self._cells):
                # Cheaper now to look at every occupied cell not yet visited.
                consider(
                    e
                    for (i, j), entries in self._cells.items()
                    if max(abs(i - ci), abs(j - cj)) >= ring
                    for e in entries
                )
                break
            for key in _ring(ci, cj, ring):
                consider(self._cells.get(key, ()))
            if seen == self.size:
                break
            if len(best) == limit and -best[0][0] <= self._bound_m(ring, lat):
                break
            ring += 1
        return [(-d, item) for d, _, item in sorted(best, reverse=True)]


def _ring(ci: int, cj: int, r: int) -> Iterable[tuple[int, int]]:
    """The cells at Chebyshev distance exactly r from (ci, cj)."""
    if r == 0:
        yield ci, cj
        return
    for di in range(-r, r + 1):
        if abs(di) == r:
            for dj in range(-r, r + 1):
                yield ci + di, cj + dj
        else:
            yield ci + di, cj - r
            yield ci + di, cj + r
