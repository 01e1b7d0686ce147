"""The hall desk: the day's list, check-in, calling the next number (staff only)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.appointments import repository as repo
from wxbackend.appointments.errors import (
    AppointmentNotFound,
    CannotCheckIn,
    DeskRoleRequired,
    NobodyWaiting,
)
from wxbackend.appointments.models import Appointment, AppointmentStatus
from wxbackend.config_features import AppointmentSettings

S = AppointmentStatus


def require_desk_role(settings: AppointmentSettings, role: str) -> None:
    if role not in settings.desk_roles:
        raise DeskRoleRequired()


async def day_list(session: AsyncSession, *, point_code: str, day: date) -> list[Appointment]:
    return list(await repo.hall_day(session, point_code=point_code, day=day))


async def check_in(
    session: AsyncSession, *, point_code: str, booking_no: str, today: date, now: datetime
) -> Appointment:
    """The depositor is at the hall: only today's bookings at this hall, once."""
    rows = await repo.hall_day(session, point_code=point_code, day=today)
    row = next((r for r in rows if r.booking_no == booking_no), None)
    if row is None:
        raise AppointmentNotFound()
    if not await repo.set_status(
        session, row.id, before=[S.BOOKED], after=S.CHECKED_IN, checked_in_at=now
    ):
        raise CannotCheckIn()
    await session.refresh(row)
    return row


async def call_next(
    session: AsyncSession,
    *,
    point_code: str,
    business: str | None,
    today: date,
    now: datetime,
    staff: str,
) -> Appointment:
    """The longest-waiting checked-in booking; two counters calling at once get two people."""
    for _ in range(3):
        waiting = await repo.next_waiting(
            session, point_code=point_code, day=today, business=business
        )
        if not waiting:
            break
        for row in waiting:
            if await repo.set_status(
                session,
                row.id,
                before=[S.CHECKED_IN],
                after=S.CALLED,
                called_at=now,
                called_by=staff,
            ):
                await session.refresh(row)
                return row
    raise NobodyWaiting()
