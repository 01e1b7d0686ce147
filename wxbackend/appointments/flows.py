"""What a depositor does with appointments, written once for the API, H5 pages and chat.

Every function starts from the caller (channel + openid) and its bound account; an
appointment id from outside is only looked up within that account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.appointments import service
from wxbackend.appointments.schedule import AppointmentBook, Half
from wxbackend.appointments.views import AppointmentView, view_of, views_of
from wxbackend.bind import binding
from wxbackend.config_features import AppointmentSettings
from wxbackend.enums import Channel


@dataclass(frozen=True, slots=True)
class Caller:
    channel: Channel
    openid: str


async def _account_id(session: AsyncSession, caller: Caller) -> int:
    account = await binding.queryable_account(session, channel=caller.channel, openid=caller.openid)
    return account.id


async def my_appointments(
    session: AsyncSession, book: AppointmentBook, caller: Caller
) -> list[AppointmentView]:
    account_id = await _account_id(session, caller)
    return await views_of(
        session, book, await service.appointments_of(session, account_id=account_id)
    )


async def my_appointment(
    session: AsyncSession, book: AppointmentBook, caller: Caller, appointment_id: int
) -> AppointmentView:
    account_id = await _account_id(session, caller)
    row = await service.own_appointment(
        session, account_id=account_id, appointment_id=appointment_id
    )
    return (await views_of(session, book, [row]))[0]


async def book_slot(
    session: AsyncSession,
    book: AppointmentBook,
    settings: AppointmentSettings,
    caller: Caller,
    *,
    point_code: str,
    business: str,
    day: date,
    half: Half,
    today: date,
) -> AppointmentView:
    account_id = await _account_id(session, caller)
    row = await service.book_appointment(
        session,
        book,
        settings,
        account_id=account_id,
        point_code=point_code,
        business=business,
        day=day,
        half=half,
        today=today,
    )
    choice = await service.hall(session, book, point_code)
    return view_of(row, book, choice.point)


async def cancel(
    session: AsyncSession,
    book: AppointmentBook,
    caller: Caller,
    appointment_id: int,
    *,
    now: datetime,
) -> AppointmentView:
    account_id = await _account_id(session, caller)
    row = await service.cancel_appointment(
        session, book, account_id=account_id, appointment_id=appointment_id, now=now
    )
    return (await views_of(session, book, [row]))[0]
