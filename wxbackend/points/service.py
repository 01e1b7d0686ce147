"""Service point rules: adding halls (imports and demo data)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import Conflict
from wxbackend.points import repository as repo
from wxbackend.points.models import ServicePoint


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
