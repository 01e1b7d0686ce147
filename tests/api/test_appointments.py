"""Booking a hall visit through the API: slots, booking, cancelling, reminders, the desk."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.edge_app import with_settings
from tests.api.signing_world import World, open_world
from tests.api.test_account_api import bound
from tests.api.test_account_callback import ask
from tests.api.test_staff_auth import staff_login
from wxbackend.appointments import jobs
from wxbackend.appointments.schedule import load_book
from wxbackend.clock import CHINA_TZ, now, today_in_china
from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.h5.web import csrf_token
from wxbackend.handlers import menu_keys
from wxbackend.notify.models import OutboxNotice
from wxbackend.points import service as points
from wxbackend.security.pii import Vault
from wxbackend.staff.models import StaffRole
from wxbackend.store import Store

HALL = "SP01"  # halls.toml: withdrawal, loan, transfer, general
HOURS = "mon-fri 09:00-12:00,13:00-17:00; sat 09:00-12:00"


def window() -> list[date]:
    today = today_in_china()
    return [today + timedelta(days=n) for n in range(1, 8)]  # each weekday once


def holiday_and_makeup_day() -> tuple[date, date]:
    """(a weekday holiday, a make-up Sunday) inside the booking window, whatever today is."""
    days = window()
    holiday = next(d for d in days if d.weekday() < 5)
    sunday = next(d for d in days if d.weekday() == 6)
    return holiday, sunday


@pytest.fixture
async def world(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine, tmp_path: Path
) -> AsyncIterator[World]:
    """The app with a calendar made for today: one holiday and one make-up day in the window."""
    holiday, sunday = holiday_and_makeup_day()
    calendar = tmp_path / "calendar.toml"
    calendar.write_text(
        f"""[years.{holiday.year}]
confirmed = true
holidays = [{{ from = "{holiday}", to = "{holiday}", name = "测试节" }}]
makeup_days = ["{sunday}"]
""",
        "utf-8",
    )
    moved = with_settings(settings, appointments={"calendar_file": str(calendar)})
    async for opened in open_world(moved, store, vault, engine):
        yield opened


async def add_hall(world: World, code: str = HALL) -> None:
    async with session_scope(world.sessionmaker) as session:
        if await points.existing_codes(session, [code]):
            return
        await points.add_point(
            session,
            code=code,
            name="成都住房公积金营业部",
            district="锦江区",
            address="锦江区东大街218号",
            latitude=30.6555,
            longitude=104.0870,
            hours=HOURS,
            phone="028-86120001",
            services=["提取", "贷款"],
        )


async def slots(world: World, token: str, business: str = "withdrawal") -> list[dict[str, Any]]:
    response = await world.call(
        token, "GET", f"/api/appointments/slots?point_code={HALL}&business={business}"
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def book_first(world: World, token: str, business: str = "withdrawal") -> dict[str, Any]:
    slot = next(s for s in await slots(world, token, business) if s["bookable"])
    body = {"point_code": HALL, "business": business, "day": slot["day"], "half": slot["half"]}
    response = await world.call(token, "POST", "/api/appointments", body)
    assert response.status_code == 200, response.text
    booked: dict[str, Any] = response.json()
    return booked


async def test_slots_follow_opening_hours_holidays_and_make_up_days(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    offered = await slots(world, token)
    holiday, sunday = holiday_and_makeup_day()
    halves: dict[date, list[str]] = {}
    for s in offered:
        halves.setdefault(date.fromisoformat(s["day"]), []).append(s["half"])
    saturday = next(d for d in window() if d.weekday() == 5)
    assert holiday not in halves  # the holiday: closed
    assert halves[sunday] == ["am", "pm"]  # the make-up Sunday: Monday's hours
    assert halves[saturday] == ["am"]  # an ordinary Saturday: the morning only
    assert set(halves) == set(window()) - {holiday}
    assert min(halves) > today_in_china()  # no same-day bookings
    first = offered[0]
    assert first["text"] in ("上午 09:00-12:00", "下午 13:00-17:00")
    assert first["capacity"] == 40
    assert 0 <= first["left"] <= 40


async def test_book_shows_number_and_documents_and_one_per_business_per_day(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    booked = await book_first(world, token)
    assert booked["status_word"] == "已预约"
    assert re.fullmatch(r"T\d{3}", booked["ticket"])
    assert booked["booking_no"].endswith(booked["ticket"])
    assert HALL in booked["booking_no"]
    assert booked["hall_name"] == "成都住房公积金营业部"
    assert "本人身份证原件" in booked["documents"]
    other_half = [x["half"] for x in await slots(world, token) if x["day"] == booked["day"]][
        -1
    ]  # the afternoon when the day has one (a Saturday has not)
    again = {"point_code": HALL, "business": "withdrawal", "day": booked["day"], "half": other_half}
    refused = await world.call(token, "POST", "/api/appointments", again)
    assert (refused.status_code, refused.json()["code"]) == (409, "appointment.already_booked")
    loan = {**again, "business": "loan", "half": booked["half"]}
    assert (await world.call(token, "POST", "/api/appointments", loan)).status_code == 200
    mine = (await world.call(token, "GET", "/api/appointments")).json()["items"]
    assert sorted(m["business_name"] for m in mine) == ["提取", "贷款"]
    left = next(s for s in await slots(world, token) if s["day"] == booked["day"])
    assert left["left"] < left["capacity"]


async def test_refuses_holidays_unknown_halls_and_other_peoples_bookings(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    holiday, _ = holiday_and_makeup_day()
    body = {"point_code": HALL, "business": "withdrawal", "day": holiday.isoformat(), "half": "am"}
    refused = await world.call(token, "POST", "/api/appointments", body)
    assert refused.json()["code"] == "appointment.slot_not_open"
    unknown = await world.call(token, "POST", "/api/appointments", {**body, "point_code": "SP99"})
    assert unknown.json()["code"] == "appointment.hall_not_bookable"
    booked = await book_first(world, token)
    stranger, _, _ = await bound(world)
    path = f"/api/appointments/{booked['id']}"
    assert (await world.call(stranger, "GET", path)).status_code == 404
    assert (await world.call(stranger, "POST", path + "/cancel")).status_code == 404


async def test_cancel_gives_the_place_back(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    booked = await book_first(world, token)
    key = (booked["day"], booked["half"])
    before = next(s for s in await slots(world, token) if (s["day"], s["half"]) == key)
    response = await world.call(token, "POST", f"/api/appointments/{booked['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["status_word"] == "已取消"
    slot = next(s for s in await slots(world, token) if (s["day"], s["half"]) == key)
    assert slot["left"] == before["left"] + 1
    twice = await world.call(token, "POST", f"/api/appointments/{booked['id']}/cancel")
    assert twice.json()["code"] == "appointment.cannot_cancel"
    again = await book_first(world, token)  # the day is free again for this person
    assert again["ticket"] > booked["ticket"]  # numbers are never handed out twice


async def test_reminder_the_day_before_goes_through_the_outbox_once(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    booked = await book_first(world, token)
    day = date.fromisoformat(booked["day"])
    book = load_book()
    early = await jobs.send_reminders(
        world.sessionmaker, book, today=day - timedelta(days=2), now=now()
    )
    assert early == 0
    for _ in range(2):
        await jobs.send_reminders(
            world.sessionmaker, book, today=day - timedelta(days=1), now=now()
        )
    async with session_scope(world.sessionmaker) as session:
        notices = (
            await session.scalars(
                select(OutboxNotice).where(OutboxNotice.kind == "appointment_reminder")
            )
        ).all()
    mine = [n for n in notices if n.link_path == f"/h5/appointments/{booked['id']}"]
    assert len(mine) == 1
    assert mine[0].payload["hall"] == "成都住房公积金营业部"
    assert mine[0].payload["ticket"] == booked["ticket"]
    assert mine[0].payload["slot_time"].startswith(f"{day.year}年{day.month}月{day.day}日 ")


async def test_no_shows_limit_new_bookings(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    bookable = [s for s in await slots(world, token) if s["bookable"]]
    days = sorted({s["day"] for s in bookable})[:3]
    for day in days:
        slot = next(s for s in bookable if s["day"] == day)
        body = {"point_code": HALL, "business": "withdrawal", "day": day, "half": slot["half"]}
        assert (await world.call(token, "POST", "/api/appointments", body)).status_code == 200
    after = date.fromisoformat(days[-1]) + timedelta(days=1)
    assert await jobs.mark_no_shows(world.sessionmaker, today=after) >= 3
    mine = (await world.call(token, "GET", "/api/appointments")).json()["items"]
    assert {m["status_word"] for m in mine} == {"未到"}
    refused = await world.call(
        token,
        "POST",
        "/api/appointments",
        {"point_code": HALL, "business": "loan", "day": days[0], "half": "am"},
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "appointment.too_many_no_shows")


async def test_desk_checks_in_and_calls_the_next_number(world: World) -> None:
    await add_hall(world)
    tokens = [(await bound(world))[0] for _ in range(2)]
    first = await book_first(world, tokens[0])
    second = await book_first(world, tokens[1])
    assert (first["day"], first["half"]) == (second["day"], second["half"])
    day = date.fromisoformat(first["day"])
    start = 9 if first["half"] == "am" else 13
    with time_machine.travel(datetime(day.year, day.month, day.day, start, 30, tzinfo=CHINA_TZ)):
        _, staff = await staff_login(world, StaffRole.REVIEWER)
        headers = {"Authorization": f"Bearer {staff}"}
        base = f"/staff/api/halls/{HALL}"
        listed = (await world.client.get(base + "/appointments", headers=headers)).json()
        ours = {first["ticket"], second["ticket"]}
        assert [i["ticket"] for i in listed["items"] if i["ticket"] in ours] == sorted(ours)
        nobody = await world.client.post(base + "/call-next", json={}, headers=headers)
        assert nobody.json()["code"] == "appointment.nobody_waiting"
        for booking in (second, first):  # the second arrives first
            checked = await world.client.post(
                base + "/check-in", json={"booking_no": booking["booking_no"]}, headers=headers
            )
            assert checked.status_code == 200, checked.text
            assert checked.json()["status_word"] == "已签到"
        twice = await world.client.post(
            base + "/check-in", json={"booking_no": first["booking_no"]}, headers=headers
        )
        assert twice.json()["code"] == "appointment.cannot_check_in"
        called = await world.client.post(base + "/call-next", json={}, headers=headers)
        assert called.json()["ticket"] == second["ticket"]
        assert called.json()["status_word"] == "已叫号"
        too_late = await world.call(tokens[0], "POST", f"/api/appointments/{first['id']}/cancel")
        assert too_late.status_code in (401, 409)  # the half day has started
        nobody_auth = await world.client.get(base + "/appointments")
        assert nobody_auth.status_code == 401


async def test_halls_nearest_first_from_a_location(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world)
    near = await world.call(token, "GET", "/api/appointments/halls?lat=30.6556&lng=104.0871")
    items = near.json()["items"]
    assert items[0]["point_code"] == HALL
    assert items[0]["distance_m"] < 50
    assert items[0]["businesses"] == ["withdrawal", "loan", "transfer", "general"]


async def test_chat_lists_bookings_and_the_nearest_halls(world: World) -> None:
    await add_hall(world)
    token, openid, _ = await bound(world, oa=True)
    booked = await book_first(world, token)
    text = await ask(world, openid, menu_keys.APPOINTMENTS)
    assert text.startswith("【网上预约】")
    assert f"{booked['hall_name']} 提取，号码 {booked['ticket']}" in text
    assert "成都住房公积金营业部" in text
    assert "/h5/appointments" in text
    assert await ask(world, openid, "", text="预约") == text
    certificate = await ask(world, openid, menu_keys.DEPOSIT_CERTIFICATE)
    assert "/h5/certificate" in certificate


async def test_h5_booking_form_shows_a_refusal_next_to_the_slots(world: World) -> None:
    await add_hall(world)
    token, _, _ = await bound(world, oa=True)
    holiday, _ = holiday_and_makeup_day()
    world.client.cookies.set(world.settings.sessions.cookie_name, token)
    form = {
        "csrf": csrf_token(world.settings, token),
        "point": HALL,
        "business": "withdrawal",
        "slot": f"{holiday}/am",
    }
    page = await world.client.post("/h5/appointments", data=form)
    assert page.status_code == 422
    assert "该时段不开放预约" in page.text
    assert 'id="book"' in page.text  # the slots again, to pick another
    forged = await world.client.post("/h5/appointments", data={**form, "csrf": "x"})
    assert forged.status_code == 403
    world.client.cookies.clear()


async def test_desk_refuses_roles_not_listed(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine
) -> None:
    only_supervisors = with_settings(settings, appointments={"desk_roles": ["supervisor"]})
    async for other in open_world(only_supervisors, store, vault, engine):
        await add_hall(other)
        _, reviewer = await staff_login(other, StaffRole.REVIEWER)
        _, supervisor = await staff_login(other, StaffRole.SUPERVISOR)
        path = f"/staff/api/halls/{HALL}/appointments"
        refused = await other.client.get(path, headers={"Authorization": f"Bearer {reviewer}"})
        assert (refused.status_code, refused.json()["code"]) == (
            403,
            "appointment.desk_role_required",
        )
        allowed = await other.client.get(path, headers={"Authorization": f"Bearer {supervisor}"})
        assert allowed.status_code == 200
