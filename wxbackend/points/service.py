"""Service point rules: adding halls, nearest to a spot, search by district or keyword."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.clock import now
from wxbackend.errors import Conflict
from wxbackend.points import repository as repo
from wxbackend.points.geo import haversine_m
from wxbackend.points.hours import HoursFormatError, OpeningHours, parse_hours
from wxbackend.points.index import SnapshotCache
from wxbackend.points.models import ServicePoint

log = structlog.get_logger(__name__)

MAX_RESULTS = 100


@dataclass(frozen=True, slots=True)
class PointInfo:
    """A service point as plain values (safe to keep across sessions)."""

    id: int
    code: str
    name: str
    district: str
    address: str
    latitude: float
    longitude: float
    hours: str
    hours_text: str
    phone: str
    services: tuple[str, ...]
    opening: OpeningHours | None  # None when the stored hours cannot be read

    def is_open(self, moment: datetime) -> bool | None:
        return None if self.opening is None else self.opening.is_open(moment)


@dataclass(frozen=True, slots=True)
class FoundPoint:
    point: PointInfo
    open_now: bool | None
    distance_m: float | None = None


_points: SnapshotCache[PointInfo] = SnapshotCache()


def _info(row: ServicePoint) -> PointInfo:
    try:
        opening: OpeningHours | None = parse_hours(row.hours)
    except HoursFormatError:
        # Imports validate the format; a row edited by hand is shown as written.
        log.warning("points.bad_hours", code=row.code)
        opening = None
    return PointInfo(
        id=row.id,
        code=row.code,
        name=row.name,
        district=row.district,
        address=row.address,
        latitude=row.latitude,
        longitude=row.longitude,
        hours=row.hours,
        hours_text=opening.text if opening else row.hours,
        phone=row.phone,
        services=tuple(s for s in row.services.split("、") if s),
        opening=opening,
    )


async def _load(session: AsyncSession) -> list[tuple[float, float, PointInfo]]:
    return [(p.latitude, p.longitude, p) for p in map(_info, await repo.all_points(session))]


async def nearest_points(
    session: AsyncSession,
    *,
    latitude: float,
    longitude: float,
    limit: int = 3,
    open_now_only: bool = False,
    at: datetime | None = None,
) -> list[FoundPoint]:
    """The `limit` points nearest to a spot (great-circle distance), nearest first."""
    moment = at or now()
    limit = max(0, min(limit, MAX_RESULTS))
    snapshot = await _points.get(session, _load)
    want = limit * 4 if open_now_only else limit
    while True:
        found = [
            FoundPoint(point, point.is_open(moment), distance)
            for distance, point in snapshot.grid.nearest(latitude, longitude, want)
        ]
        if open_now_only:
            found = [f for f in found if f.open_now]
        if len(found) >= limit or want >= snapshot.grid.size:
            return found[:limit]
        want *= 4


def _matches(point: PointInfo, district: str | None, words: Sequence[str]) -> bool:
    if district and point.district != district:
        return False
    haystack = " ".join((point.name, point.district, point.address, *point.services)).lower()
    return all(word in haystack for word in words)


async def search_points(
    session: AsyncSession,
    *,
    district: str | None = None,
    keyword: str | None = None,
    open_now_only: bool = False,
    near: tuple[float, float] | None = None,
    limit: int = 20,
    at: datetime | None = None,
) -> list[FoundPoint]:
    """Points in a district and/or containing every word of `keyword` (name, address,
    services); nearest first when `near` is given, else by district and name."""
    moment = at or now()
    words = (keyword or "").lower().split()
    snapshot = await _points.get(session, _load)
    found = []
    for point in snapshot.items:
        if not _matches(point, district, words):
            continue
        open_now = point.is_open(moment)
        if open_now_only and not open_now:
            continue
        distance = haversine_m(near[0], near[1], point.latitude, point.longitude) if near else None
        found.append(FoundPoint(point, open_now, distance))
    if near:
        found.sort(key=lambda f: (f.distance_m or 0.0, f.point.code))
    else:
        found.sort(key=lambda f: (f.point.district, f.point.name, f.point.code))
    return found[: max(0, min(limit, MAX_RESULTS))]


async def add_point(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    district: str,
    address: str,
    latitude: float,
    longitude: float,
    hours: str,
    phone: str,
    services: Sequence[str],
) -> ServicePoint:
    """Add one service point; `services` are stored "、"-separated."""
    if await repo.existing_codes(session, [code]):
        raise Conflict("网点编号已存在。")
    point = ServicePoint(
        code=code,
        name=name,
        district=district,
        address=address,
        latitude=latitude,
        longitude=longitude,
        hours=hours,
        phone=phone,
        services="、".join(services),
    )
    return await repo.add_point(session, point)


async def existing_codes(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    return await repo.existing_codes(session, codes)


async def insert_points(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Many points in one statement (the demo centre); `services` already "、"-joined."""
    await repo.bulk_insert(session, rows)


async def points_by_code(session: AsyncSession, codes: Sequence[str]) -> dict[str, PointInfo]:
    """The points with these codes (from the cached snapshot), by code."""
    wanted = set(codes)
    snapshot = await _points.get(session, _load)
    return {p.code: p for p in snapshot.items if p.code in wanted}
