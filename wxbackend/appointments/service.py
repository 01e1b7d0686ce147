"""Booking rules: which halls and half days are open, booking one place, cancelling.

A place is taken by one conditional UPDATE of the slot's counter (repository.take_place)
and the one-active-booking-per-business-and-day rule is a partial unique index, so
neither can be beaten by parallel requests. Services only flush; the edge commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.appointments import repository as repo
from wxbackend.appointments.errors import (
    AlreadyBooked,
    AppointmentNotFound,
    BusinessNotOffered,
    CannotCancel,
    HallNotBookable,
    SlotFull,
    SlotNotOpen,
    TooManyNoShows,
)
from wxbackend.appointments.models import Appointment, AppointmentStatus
from wxbackend.appointments.schedule import AppointmentBook, Business, Half, HalfDay, Hall
from wxbackend.clock import CHINA_TZ
from wxbackend.config_features import AppointmentSettings
from wxbackend.points import service as points
from wxbackend.points.geo import haversine_m
from wxbackend.points.service import PointInfo

S = AppointmentStatus


@dataclass(frozen=True, slots=True)
class HallChoice:
    point: PointInfo
    hall: Hall
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class SlotChoice:
    day: date
    half_day: HalfDay
    capacity: int
    left: int
    closed: str | None  # why a working half day takes no bookings (a closure)

    @property
    def half(self) -> Half:
        return self.half_day.half

    @property
    def bookable(self) -> bool:
        return self.closed is None and self.left > 0


async def bookable_halls(
    session: AsyncSession, book: AppointmentBook, *, near: tuple[float, float] | None
) -> list[HallChoice]:
    """The halls taking bookings: nearest first when a location is known, else by name."""
    found = await points.points_by_code(session, list(book.halls))
    choices = [
        HallChoice(
            point=p,
            hall=book.halls[code],
            distance_m=haversine_m(near[0], near[1], p.latitude, p.longitude) if near else None,
        )
        for code, p in found.items()
    ]
    if near:
        choices.sort(key=lambda c: (c.distance_m or 0.0, c.point.code))
    else:
        choices.sort(key=lambda c: (c.point.district, c.point.name))
    return choices


async def hall(session: AsyncSession, book: AppointmentBook, point_code: str) -> HallChoice:
    found = await points.points_by_code(session, [point_code])
    if point_code not in book.halls or point_code not in found:
        raise HallNotBookable()
    return HallChoice(point=found[point_code], hall=book.halls[point_code], distance_m=None)


def offered(book: AppointmentBook, choice: HallChoice, business: str) -> Business:
    known = book.business(business)
    if known is None or business not in choice.hall.businesses:
        raise BusinessNotOffered()
    return known


def bookable_days(today: date, days_ahead: int) -> list[date]:
    """From tomorrow: no same-day bookings (walk-ins take a number at the hall)."""
    return [today + timedelta(days=n) for n in range(1, max(1, days_ahead) + 1)]


async def open_slots(
    session: AsyncSession,
    book: AppointmentBook,
    *,
    point_code: str,
    business: str,
    today: date,
    days_ahead: int,
) -> list[SlotChoice]:
    """Every working half day of the hall in the booking window, with places left."""
    choice = await hall(session, book, point_code)
    offered(book, choice, business)
    days = bookable_days(today, days_ahead)
    counts = await repo.booked_counts(
        session, point_code=point_code, business=business, start=days[0], end=days[-1]
    )
    capacity = choice.hall.capacity[business]
    slots = []
    for day in days:
        for half_day in book.half_days(choice.point.opening, day):
            closure = choice.hall.closure(day, half_day.half)
            booked = counts.get((day, half_day.half), 0)
            slots.append(
                SlotChoice(
                    day=day,
                    half_day=half_day,
                    capacity=capacity,
                    left=max(0, capacity - booked),
                    closed=closure.reason if closure else None,
                )
            )
    return slots


def booking_no(day: date, point_code: str, half: Half, ticket: str) -> str:
    return f"{day:%Y%m%d}{point_code}{'A' if half is Half.AM else 'P'}{ticket}"


async def book_appointment(
    session: AsyncSession,
    book: AppointmentBook,
    settings: AppointmentSettings,
    *,
    account_id: int,
    point_code: str,
    business: str,
    day: date,
    half: Half,
    today: date,
) -> Appointment:
    """Take one place in the slot for this account, or refuse with the reason."""
    choice = await hall(session, book, point_code)
    kind = offered(book, choice, business)
    halves = {h.half for h in book.half_days(choice.point.opening, day)}
    in_window = day in bookable_days(today, settings.days_ahead)
    if not in_window or half not in halves or choice.hall.closure(day, half):
        raise SlotNotOpen()
    if settings.no_show_limit > 0:
        since = today - timedelta(days=settings.no_show_window_days)
        missed = await repo.no_shows_since(session, account_id=account_id, since=since)
        if missed >= settings.no_show_limit:
            raise TooManyNoShows(no_shows=missed)
    if await repo.active_on_day(session, account_id=account_id, business=business, day=day):
        raise AlreadyBooked()
    slot = await repo.slot_id(
        session,
        point_code=point_code,
        business=business,
        day=day,
        half=half,
        capacity=choice.hall.capacity[business],
    )
    number = await repo.take_place(session, slot)
    if number is None:
        raise SlotFull()
    ticket = f"{kind.letter}{number:03d}"
    row = Appointment(
        booking_no=booking_no(day, point_code, half, ticket),
        ticket=ticket,
        account_id=account_id,
        slot_id=slot,
        point_code=point_code,
        business=business,
        day=day,
        half=half,
        status=S.BOOKED,
    )
    try:
        return await repo.add_appointment(session, row)
    except IntegrityError:
        # A parallel booking of the same business and day by the same person won the
        # partial unique index; the edge rolls back, and with it this place.
        raise AlreadyBooked() from None


def starts_at(book: AppointmentBook, point: PointInfo, day: date, half: Half) -> datetime | None:
    for half_day in book.half_days(point.opening, day):
        if half_day.half is half:
            start = datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ)
            return start + timedelta(minutes=half_day.start)
    return None


async def own_appointment(
    session: AsyncSession, *, account_id: int, appointment_id: int
) -> Appointment:
    row = await repo.get_of_account(session, account_id=account_id, appointment_id=appointment_id)
    if row is None:
        raise AppointmentNotFound()
    return row


async def cancel_appointment(
    session: AsyncSession,
    book: AppointmentBook,
    *,
    account_id: int,
    appointment_id: int,
    now: datetime,
) -> Appointment:
    """Cancel before the half day starts; the place goes back to the slot."""
    row = await own_appointment(session, account_id=account_id, appointment_id=appointment_id)
    found = await points.points_by_code(session, [row.point_code])
    start = starts_at(book, found[row.point_code], row.day, row.half) if found else None
    if start is not None and now >= start:
        raise CannotCancel()
    if not await repo.set_status(
        session, row.id, before=[S.BOOKED], after=S.CANCELLED, cancelled_at=now
    ):
        raise CannotCancel()
    await repo.give_back_place(session, row.slot_id)
    await session.refresh(row)
    return row


async def appointments_of(session: AsyncSession, *, account_id: int) -> list[Appointment]:
    return list(await repo.of_account(session, account_id=account_id))
