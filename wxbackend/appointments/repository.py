"""SQL for appointments. Every change of a place or a status is one conditional UPDATE."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.appointments.models import (
    ACTIVE,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
)
from wxbackend.appointments.schedule import Half

S = AppointmentStatus


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0) == 1)


async def slot_id(
    session: AsyncSession, *, point_code: str, business: str, day: date, half: Half, capacity: int
) -> int:
    """The slot's counter row, created on first use (a racing creator's row is reused)."""
    where = (
        AppointmentSlot.point_code == point_code,
        AppointmentSlot.business == business,
        AppointmentSlot.day == day,
        AppointmentSlot.half == half,
    )
    found = await session.scalar(select(AppointmentSlot.id).where(*where))
    if found is not None:
        return found
    row = AppointmentSlot(
        point_code=point_code,
        business=business,
        day=day,
        half=half,
        capacity=capacity,
        booked=0,
        issued=0,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
        return row.id
    except IntegrityError:
        # The other creator's row, committed before our insert.
        return (await session.execute(select(AppointmentSlot.id).where(*where))).scalar_one()


async def take_place(session: AsyncSession, slot: int) -> int | None:
    """One place, if one is left: the ticket number, else None. Atomic on every backend."""
    result = await session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot, AppointmentSlot.booked < AppointmentSlot.capacity)
        .values(booked=AppointmentSlot.booked + 1, issued=AppointmentSlot.issued + 1)
        .returning(AppointmentSlot.issued)
    )
    issued = result.scalar_one_or_none()
    return None if issued is None else int(issued)


async def give_back_place(session: AsyncSession, slot: int) -> None:
    await session.execute(
        update(AppointmentSlot)
        .where(AppointmentSlot.id == slot, AppointmentSlot.booked > 0)
        .values(booked=AppointmentSlot.booked - 1)
    )


async def booked_counts(
    session: AsyncSession, *, point_code: str, business: str, start: date, end: date
) -> dict[tuple[date, Half], int]:
    rows = await session.execute(
        select(AppointmentSlot.day, AppointmentSlot.half, AppointmentSlot.booked).where(
            AppointmentSlot.point_code == point_code,
            AppointmentSlot.business == business,
            AppointmentSlot.day.between(start, end),
        )
    )
    return {(day, half): booked for day, half, booked in rows.all()}


async def add_appointment(session: AsyncSession, row: Appointment) -> Appointment:
    session.add(row)
    await session.flush()
    return row


async def active_on_day(
    session: AsyncSession, *, account_id: int, business: str, day: date
) -> Appointment | None:
    return await session.scalar(
        select(Appointment).where(
            Appointment.account_id == account_id,
            Appointment.business == business,
            Appointment.day == day,
            Appointment.status.in_(ACTIVE),
        )
    )


async def no_shows_since(session: AsyncSession, *, account_id: int, since: date) -> int:
    count = await session.scalar(
        select(func.count()).where(
            Appointment.account_id == account_id,
            Appointment.status == S.NO_SHOW,
            Appointment.day >= since,
        )
    )
    return int(count or 0)


async def of_account(
    session: AsyncSession, *, account_id: int, limit: int = 50
) -> Sequence[Appointment]:
    return (
        await session.scalars(
            select(Appointment)
            .where(Appointment.account_id == account_id)
            .order_by(Appointment.day.desc(), Appointment.half.desc(), Appointment.id.desc())
            .limit(limit)
        )
    ).all()


async def get_of_account(
    session: AsyncSession, *, account_id: int, appointment_id: int
) -> Appointment | None:
    return await session.scalar(
        select(Appointment).where(
            Appointment.id == appointment_id, Appointment.account_id == account_id
        )
    )


async def get(session: AsyncSession, appointment_id: int) -> Appointment | None:
    return await session.get(Appointment, appointment_id)


async def set_status(
    session: AsyncSession,
    appointment_id: int,
    *,
    before: Sequence[AppointmentStatus],
    after: AppointmentStatus,
    **values: Any,
) -> bool:
    """Move one booking from one of `before` to `after`; False if it was not in `before`."""
    result = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.status.in_(before))
        .values(status=after, **values)
    )
    return _changed(result)


async def hall_day(session: AsyncSession, *, point_code: str, day: date) -> Sequence[Appointment]:
    return (
        await session.scalars(
            select(Appointment)
            .where(Appointment.point_code == point_code, Appointment.day == day)
            .order_by(Appointment.half, Appointment.business, Appointment.ticket)
        )
    ).all()


async def next_waiting(
    session: AsyncSession, *, point_code: str, day: date, business: str | None
) -> Sequence[Appointment]:
    """Checked-in bookings in the order they are called: half day, then check-in time."""
    query = select(Appointment).where(
        Appointment.point_code == point_code,
        Appointment.day == day,
        Appointment.status == S.CHECKED_IN,
    )
    if business:
        query = query.where(Appointment.business == business)
    order = (Appointment.half, Appointment.checked_in_at, Appointment.id)
    return (await session.scalars(query.order_by(*order).limit(5))).all()


async def due_reminders(session: AsyncSession, *, day: date, limit: int) -> Sequence[Appointment]:
    return (
        await session.scalars(
            select(Appointment)
            .where(
                Appointment.day == day,
                Appointment.status == S.BOOKED,
                Appointment.reminded_at.is_(None),
            )
            .order_by(Appointment.id)
            .limit(limit)
        )
    ).all()


async def mark_reminded(session: AsyncSession, appointment_id: int, at: datetime) -> bool:
    """Claim the reminder: only one worker writes its notice."""
    result = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.reminded_at.is_(None))
        .values(reminded_at=at)
    )
    return _changed(result)


async def unattended(session: AsyncSession, *, before: date, limit: int) -> Sequence[Appointment]:
    """Bookings still `booked` on a day before `before`: nobody came."""
    return (
        await session.scalars(
            select(Appointment)
            .where(Appointment.status == S.BOOKED, Appointment.day < before)
            .order_by(Appointment.id)
            .limit(limit)
        )
    ).all()
