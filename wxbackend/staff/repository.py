"""SQL for staff users (the review desk reads withdrawals through the withdraw package)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.staff.models import StaffUser


async def staff_by_username(session: AsyncSession, username: str) -> StaffUser | None:
    return await session.scalar(select(StaffUser).where(StaffUser.username == username))


async def get_staff(session: AsyncSession, staff_id: int) -> StaffUser | None:
    return await session.get(StaffUser, staff_id)


async def all_staff(session: AsyncSession) -> Sequence[StaffUser]:
    result = await session.scalars(select(StaffUser).order_by(StaffUser.username))
    return result.all()


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()
