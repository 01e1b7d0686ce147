"""SQL for service points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.points import index
from wxbackend.points.models import ServicePoint


async def existing_codes(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    if not codes:
        return set()
    rows = await session.scalars(select(ServicePoint.code).where(ServicePoint.code.in_(codes)))
    return set(rows.all())


async def add_point(session: AsyncSession, point: ServicePoint) -> ServicePoint:
    session.add(point)
    await session.flush()
    index.invalidate()
    return point


async def bulk_insert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(ServicePoint), rows)
        index.invalidate()


async def all_points(session: AsyncSession) -> Sequence[ServicePoint]:
    """Every service point (thousands at most: a centre's halls and partner counters)."""
    return (await session.scalars(select(ServicePoint).order_by(ServicePoint.id))).all()
