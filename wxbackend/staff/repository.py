"""SQL for staff users and review claims (the desk reads withdrawals through withdraw)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.staff.models import ReviewCase, StaffUser


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


async def spend_totp_step(session: AsyncSession, staff_id: int, step: int) -> bool:
    """Accept `step` only if it is later than the last accepted one (atomic: no replay)."""
    result = await session.execute(
        update(StaffUser)
        .where(
            StaffUser.id == staff_id,
            or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def bump_session_epoch(session: AsyncSession, staff_id: int) -> None:
    await session.execute(
        update(StaffUser)
        .where(StaffUser.id == staff_id)
        .values(session_epoch=StaffUser.session_epoch + 1)
        .execution_options(synchronize_session=False)
    )


async def take_case(
    session: AsyncSession, *, withdrawal_id: int, staff_id: int, now: datetime, until: datetime
) -> bool:
    """Hold the case if nobody else holds it (or their hold ran out); atomic either way.

    An UPDATE for a case row that exists, an INSERT … ON CONFLICT DO NOTHING for one
    that does not: two staff members racing for a new case both reach the insert, and
    the primary key lets exactly one of them in.
    """
    free = or_(
        ReviewCase.holder_id.is_(None),
        ReviewCase.holder_id == staff_id,
        ReviewCase.held_until.is_(None),
        ReviewCase.held_until < now,
    )
    result = await session.execute(
        update(ReviewCase)
        .where(ReviewCase.withdrawal_id == withdrawal_id, free)
        .values(holder_id=staff_id, held_until=until)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0):
        return True
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = await session.execute(
        insert(ReviewCase)
        .values(withdrawal_id=withdrawal_id, holder_id=staff_id, held_until=until)
        .on_conflict_do_nothing(index_elements=["withdrawal_id"])
    )
    return bool(getattr(inserted, "rowcount", 0))


async def held_case(
    session: AsyncSession, *, withdrawal_id: int, staff_id: int, now: datetime
) -> ReviewCase | None:
    """The case row, locked, when `staff_id` holds it and the hold is live."""
    return await session.scalar(
        select(ReviewCase)
        .where(
            ReviewCase.withdrawal_id == withdrawal_id,
            ReviewCase.holder_id == staff_id,
            ReviewCase.held_until >= now,
        )
        .with_for_update()
    )


async def get_case(session: AsyncSession, withdrawal_id: int) -> ReviewCase | None:
    return await session.get(ReviewCase, withdrawal_id, populate_existing=True)


async def cases(session: AsyncSession, withdrawal_ids: list[int]) -> dict[int, ReviewCase]:
    if not withdrawal_ids:
        return {}
    rows = await session.scalars(
        select(ReviewCase).where(ReviewCase.withdrawal_id.in_(withdrawal_ids))
    )
    return {row.withdrawal_id: row for row in rows}


async def release_case(session: AsyncSession, *, withdrawal_id: int, staff_id: int) -> None:
    await session.execute(
        update(ReviewCase)
        .where(ReviewCase.withdrawal_id == withdrawal_id, ReviewCase.holder_id == staff_id)
        .values(holder_id=None, held_until=None)
        .execution_options(synchronize_session=False)
    )


async def close_case(session: AsyncSession, withdrawal_id: int) -> None:
    await session.execute(delete(ReviewCase).where(ReviewCase.withdrawal_id == withdrawal_id))
