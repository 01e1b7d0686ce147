"""Parallel bookings of a slot's last place: exactly one wins, the slot is never overbooked.

Runs on both passes; on PostgreSQL (WXB_TEST_BACKEND=services) the bookings really run
in parallel transactions, each on its own connection.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.builders import make_account, next_number
from wxbackend import clock
from wxbackend.appointments import service
from wxbackend.appointments.errors import AlreadyBooked, SlotFull
from wxbackend.appointments.models import Appointment, AppointmentSlot
from wxbackend.appointments.schedule import AppointmentBook, Half, load_book, parse_book
from wxbackend.config_features import AppointmentSettings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.points import service as points
from wxbackend.security.pii import Vault

HOURS = "mon-sun 09:00-12:00,13:00-17:00"


async def _hall(engine: AsyncEngine, capacity: int) -> tuple[AppointmentBook, str]:
    code = f"RACE{next_number()}"
    async with session_scope(create_sessionmaker(engine)) as session:
        await points.add_point(
            session,
            code=code,
            name="并发测试大厅",
            district="锦江区",
            address="测试路1号",
            latitude=30.65,
            longitude=104.08,
            hours=HOURS,
            phone="028-00000000",
            services=["提取"],
        )
    shipped = load_book()
    halls = {
        "businesses": {
            k: {"name": b.name, "letter": b.letter, "documents": list(b.documents)}
            for k, b in shipped.businesses.items()
        },
        "halls": [
            {"point": code, "businesses": ["withdrawal"], "capacity": {"withdrawal": capacity}}
        ],
    }
    calendar = {"years": {}}
    return parse_book(halls, calendar), code


async def test_parallel_bookings_of_the_last_place_give_one_success(
    engine: AsyncEngine, vault: Vault
) -> None:
    book, code = await _hall(engine, capacity=3)
    factory = create_sessionmaker(engine)
    settings = AppointmentSettings()
    today = clock.today_in_china()
    day = service.bookable_days(today, settings.days_ahead)[0]
    async with session_scope(factory) as session:
        accounts = [(await make_account(session, vault)).id for _ in range(14)]

    async def attempt(account_id: int) -> str:
        try:
            async with session_scope(factory) as session:
                row = await service.book_appointment(
                    session,
                    book,
                    settings,
                    account_id=account_id,
                    point_code=code,
                    business="withdrawal",
                    day=day,
                    half=Half.AM,
                    today=today,
                )
                return row.ticket
        except SlotFull:
            return "full"

    first_two = [await attempt(a) for a in accounts[:2]]
    assert first_two == ["T001", "T002"]
    results = await asyncio.gather(*(attempt(a) for a in accounts[2:]))
    assert sorted(results) == ["T003"] + ["full"] * 11
    async with session_scope(factory) as session:
        slot = await session.scalar(
            select(AppointmentSlot).where(AppointmentSlot.point_code == code)
        )
        assert slot is not None
        assert (slot.booked, slot.capacity) == (3, 3)
        booked = await session.scalar(select(func.count()).where(Appointment.point_code == code))
        assert booked == 3


async def test_one_person_booking_twice_in_parallel_gets_one_booking(
    engine: AsyncEngine, vault: Vault
) -> None:
    book, code = await _hall(engine, capacity=10)
    factory = create_sessionmaker(engine)
    settings = AppointmentSettings()
    today = clock.today_in_china()
    day = service.bookable_days(today, settings.days_ahead)[0]
    async with session_scope(factory) as session:
        account_id = (await make_account(session, vault)).id

    async def attempt(half: Half) -> bool:
        try:
            async with session_scope(factory) as session:
                await service.book_appointment(
                    session,
                    book,
                    settings,
                    account_id=account_id,
                    point_code=code,
                    business="withdrawal",
                    day=day,
                    half=half,
                    today=today,
                )
            return True
        except AlreadyBooked:
            return False

    results = await asyncio.gather(*(attempt(h) for h in [Half.AM, Half.PM] * 3))
    assert results.count(True) == 1
    async with session_scope(factory) as session:
        places = await session.scalar(
            select(func.sum(AppointmentSlot.booked)).where(AppointmentSlot.point_code == code)
        )
        assert places == 1  # the losers' places went back with their rollback
