"""The hall-visit pages (my bookings, cancel) and the deposit certificate page.

The same flows as the JSON API (`appointments/flows.py`, `certificates/service.py`):
an id from the URL is only ever looked up within the caller's own account.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from wxbackend.appointments import flows, service
from wxbackend.appointments.deps import AppointmentSettingsDep, BookDep
from wxbackend.appointments.errors import BusinessNotOffered, HallNotBookable
from wxbackend.appointments.schedule import Half
from wxbackend.appointments.views import day_text
from wxbackend.certificates import service as certificates
from wxbackend.certificates.codes import grouped
from wxbackend.certificates.render import verify_url
from wxbackend.clock import now, today_in_china
from wxbackend.deps import RowId, SessionDep, SettingsDep, StoreDep, VaultDep
from wxbackend.errors import DomainError
from wxbackend.h5.web import FormDep, PageRoute, UserDep, form_errors, redirect, render, text
from wxbackend.handlers import followers

router = APIRouter(prefix="/h5", route_class=PageRoute, include_in_schema=False)


def _caller(user: UserDep) -> flows.Caller:
    return flows.Caller(channel=user.channel, openid=user.openid)


@router.get("/appointments")
async def my_appointments(
    request: Request, session: SessionDep, book: BookDep, user: UserDep
) -> Response:
    items = await flows.my_appointments(session, book, _caller(user))
    return render(request, "appointments.html", user=user, items=items)


@router.get("/appointments/new")
async def new_appointment(
    request: Request,
    session: SessionDep,
    book: BookDep,
    settings: AppointmentSettingsDep,
    store: StoreDep,
    user: UserDep,
    point: Annotated[str, Query(max_length=32)] = "",
    business: Annotated[str, Query(max_length=24)] = "",
) -> Response:
    """Three steps on one page: the hall (nearest first), the business, the half day."""
    if not point:
        location = await followers.last_location(store, user.openid)
        near = (location.latitude, location.longitude) if location else None
        halls = await service.bookable_halls(session, book, near=near)
        return render(request, "book.html", user=user, step="hall", halls=halls, near=near)
    choice = await service.hall(session, book, point)
    if not business:
        offered = [book.businesses[b] for b in choice.hall.businesses]
        return render(
            request, "book.html", user=user, step="business", hall=choice, offered=offered
        )
    kind = service.offered(book, choice, business)
    found = await service.open_slots(
        session,
        book,
        point_code=point,
        business=business,
        today=today_in_china(),
        days_ahead=settings.days_ahead,
    )
    return render(
        request,
        "book.html",
        user=user,
        step="slot",
        hall=choice,
        business=kind,
        slots=found,
        day_text=day_text,
        errors={},
    )


@router.post("/appointments")
async def create_appointment(
    request: Request,
    session: SessionDep,
    book: BookDep,
    settings: AppointmentSettingsDep,
    user: UserDep,
    form: FormDep,
) -> Response:
    point, business = text(form, "point", max_len=32), text(form, "business", max_len=24)
    day_text_value, _, half_text = text(form, "slot", max_len=16).partition("/")
    try:
        day, half = date.fromisoformat(day_text_value), Half(half_text)
    except ValueError:
        return redirect(f"/h5/appointments/new?point={quote(point)}&business={quote(business)}")
    try:
        view = await flows.book_slot(
            session,
            book,
            settings,
            _caller(user),
            point_code=point,
            business=business,
            day=day,
            half=half,
            today=today_in_china(),
        )
    except DomainError as exc:
        if isinstance(exc, HallNotBookable | BusinessNotOffered):
            raise
        await session.rollback()
        choice = await service.hall(session, book, point)
        found = await service.open_slots(
            session,
            book,
            point_code=point,
            business=business,
            today=today_in_china(),
            days_ahead=settings.days_ahead,
        )
        return render(
            request,
            "book.html",
            http_status=exc.status,
            user=user,
            step="slot",
            hall=choice,
            business=book.businesses[business],
            slots=found,
            day_text=day_text,
            errors=form_errors(exc),
        )
    return redirect(f"/h5/appointments/{view.id}?booked=1")


@router.get("/appointments/{appointment_id}")
async def appointment(
    request: Request, session: SessionDep, book: BookDep, user: UserDep, appointment_id: RowId
) -> Response:
    view = await flows.my_appointment(session, book, _caller(user), appointment_id)
    booked = request.query_params.get("booked") == "1"
    return render(request, "appointment.html", user=user, a=view, booked=booked)


@router.post("/appointments/{appointment_id}/cancel")
async def cancel(
    session: SessionDep, book: BookDep, user: UserDep, _form: FormDep, appointment_id: RowId
) -> Response:
    await flows.cancel(session, book, _caller(user), appointment_id, now=now())
    return redirect(f"/h5/appointments/{appointment_id}")


@router.get("/certificate")
async def certificate_form(request: Request, user: UserDep) -> Response:
    return render(request, "certificate.html", user=user, c=None)


@router.post("/certificate")
async def issue_certificate(
    session: SessionDep, vault: VaultDep, settings: SettingsDep, user: UserDep, _form: FormDep
) -> Response:
    issued = await certificates.issue_certificate(
        session,
        vault,
        settings.certificates,
        channel=user.channel,
        openid=user.openid,
        today=today_in_china(),
    )
    return redirect(f"/h5/certificates/{issued.certificate.id}")


@router.get("/certificates/{certificate_id}")
async def certificate(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    user: UserDep,
    certificate_id: RowId,
) -> Response:
    issued = await certificates.own_certificate(
        session, vault, channel=user.channel, openid=user.openid, certificate_id=certificate_id
    )
    return render(
        request,
        "certificate.html",
        user=user,
        c=issued.certificate,
        code=grouped(issued.code),
        link=verify_url(settings.server.public_base_url, issued.code),
    )
