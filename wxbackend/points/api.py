"""Public service-point endpoints (no login): nearest to a spot, search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from wxbackend.deps import SessionDep
from wxbackend.errors import InvalidInput
from wxbackend.points import service
from wxbackend.points.schemas import PointList, PointRead

router = APIRouter(prefix="/api/points", tags=["service points"])

Latitude = Annotated[float, Query(ge=-90, le=90)]
Longitude = Annotated[float, Query(ge=-180, le=180)]


@router.get("/nearest")
async def nearest(
    session: SessionDep,
    lat: Latitude,
    lng: Longitude,
    limit: Annotated[int, Query(ge=1, le=service.MAX_RESULTS)] = 3,
    open_now: bool = False,
) -> PointList:
    """The service points nearest to (lat, lng), nearest first, with distances in metres."""
    found = await service.nearest_points(
        session, latitude=lat, longitude=lng, limit=limit, open_now_only=open_now
    )
    return PointList(items=[PointRead.of(f) for f in found])


@router.get("")
async def search(
    session: SessionDep,
    district: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    open_now: bool = False,
    lat: Latitude | None = None,
    lng: Longitude | None = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_RESULTS)] = 20,
) -> PointList:
    """Points by district and/or keyword; sorted by distance when lat and lng are given."""
    if (lat is None) != (lng is None):
        raise InvalidInput("请同时提供经度和纬度。", fields=["lat", "lng"])
    near = (lat, lng) if lat is not None and lng is not None else None
    found = await service.search_points(
        session, district=district, keyword=q, open_now_only=open_now, near=near, limit=limit
    )
    return PointList(items=[PointRead.of(f) for f in found])
