"""The appointment API: depositors under /api/appointments, the hall desk under /staff/api."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from wxbackend.appointments import desk, flows, service
from wxbackend.appointments.deps import AppointmentSettingsDep, BookDep
from wxbackend.appointments.schemas import (
    AppointmentCreate,
    AppointmentList,
    AppointmentRead,
    CallNextCreate,
    CheckInCreate,
    DeskItemRead,
    DeskList,
    HallList,
    HallRead,
    SlotList,
    SlotRead,
)
from wxbackend.auth.deps import CurrentUser
from wxbackend.clock import now, today_in_china
from wxbackend.deps import RowId, SessionDep
from wxbackend.staff.deps import CurrentStaff

router = APIRouter(prefix="/api/appointments", tags=["appointments"])
desk_router = APIRouter(prefix="/staff/api/halls", tags=["staff"])

PointCode = Annotated[str, Query(min_length=1, max_length=32)]


def _caller(user: CurrentUser) -> flows.Caller:
    return flows.Caller(channel=user.channel, openid=user.openid)


@router.get("/halls", summary="Halls taking bookings, nearest first when lat/lng are given")
async def halls(
    _user: CurrentUser,
    session: SessionDep,
    book: BookDep,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
) -> HallList:
    near = (lat, lng) if lat is not None and lng is not None else None
    found = await service.bookable_halls(session, book, near=near)
    return HallList(items=[HallRead.of(c) for c in found])


@router.get("/slots", summary="Half days of the booking window with places left")
async def slots(
    _user: CurrentUser,
    session: SessionDep,
    book: BookDep,
    settings: AppointmentSettingsDep,
    point_code: PointCode,
    business: Annotated[str, Query(min_length=1, max_length=24)],
) -> SlotList:
    found = await service.open_slots(
        session,
        book,
        point_code=point_code,
        business=business,
        today=today_in_china(),
        days_ahead=settings.days_ahead,
    )
    return SlotList(point_code=point_code, business=business, items=[SlotRead.of(s) for s in found])


@router.get("", summary="The caller's bookings, newest day first")
async def list_mine(user: CurrentUser, session: SessionDep, book: BookDep) -> AppointmentList:
    views = await flows.my_appointments(session, book, _caller(user))
    return AppointmentList(items=[AppointmentRead.of(v) for v in views])


@router.post("", summary="Book one place (409 when full or already booked that day)")
async def create(
    body: AppointmentCreate,
    user: CurrentUser,
    session: SessionDep,
    book: BookDep,
    settings: AppointmentSettingsDep,
) -> AppointmentRead:
    view = await flows.book_slot(
        session,
        book,
        settings,
        _caller(user),
        point_code=body.point_code,
        business=body.business,
        day=body.day,
        half=body.half,
        today=today_in_china(),
    )
    return AppointmentRead.of(view)


@router.get("/{appointment_id}", summary="One of the caller's bookings")
async def show(
    user: CurrentUser, session: SessionDep, book: BookDep, appointment_id: RowId
) -> AppointmentRead:
    return AppointmentRead.of(
        await flows.my_appointment(session, book, _caller(user), appointment_id)
    )


@router.post("/{appointment_id}/cancel", summary="Cancel before the half day starts")
async def cancel(
    user: CurrentUser, session: SessionDep, book: BookDep, appointment_id: RowId
) -> AppointmentRead:
    view = await flows.cancel(session, book, _caller(user), appointment_id, now=now())
    return AppointmentRead.of(view)


@desk_router.get("/{point_code}/appointments", summary="A hall's bookings of one day")
async def day_list(
    staff: CurrentStaff,
    session: SessionDep,
    settings: AppointmentSettingsDep,
    point_code: str,
    day: date | None = None,
) -> DeskList:
    desk.require_desk_role(settings, staff.role.value)
    wanted = day or today_in_china()
    rows = await desk.day_list(session, point_code=point_code, day=wanted)
    return DeskList(point_code=point_code, day=wanted, items=[DeskItemRead.of(r) for r in rows])


@desk_router.post("/{point_code}/check-in", summary="Check a depositor in by booking number")
async def check_in(
    body: CheckInCreate,
    staff: CurrentStaff,
    session: SessionDep,
    settings: AppointmentSettingsDep,
    point_code: str,
) -> DeskItemRead:
    desk.require_desk_role(settings, staff.role.value)
    row = await desk.check_in(
        session,
        point_code=point_code,
        booking_no=body.booking_no.strip().upper(),
        today=today_in_china(),
        now=now(),
    )
    return DeskItemRead.of(row)


@desk_router.post("/{point_code}/call-next", summary="Call the longest-waiting checked-in booking")
async def call_next(
    body: CallNextCreate,
    staff: CurrentStaff,
    session: SessionDep,
    settings: AppointmentSettingsDep,
    point_code: str,
) -> DeskItemRead:
    desk.require_desk_role(settings, staff.role.value)
    row = await desk.call_next(
        session,
        point_code=point_code,
        business=body.business,
        today=today_in_china(),
        now=now(),
        staff=staff.username,
    )
    return DeskItemRead.of(row)
