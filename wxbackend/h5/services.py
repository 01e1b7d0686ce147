"""The hall-visit pages (my bookings, cancel) and the deposit certificate page.

The same flows as the JSON API (`appointments/flows.py`, `certificates/service.py`):
an id from the URL is only ever looked up within the caller's own account.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.appointments import flows
from wxbackend.appointments.deps import BookDep
from wxbackend.certificates import service as certificates
from wxbackend.certificates.codes import grouped
from wxbackend.certificates.render import verify_url
from wxbackend.clock import now, today_in_china
from wxbackend.deps import RowId, SessionDep, SettingsDep, VaultDep
from wxbackend.h5.web import FormDep, PageRoute, UserDep, redirect, render

router = APIRouter(prefix="/h5", route_class=PageRoute, include_in_schema=False)


def _caller(user: UserDep) -> flows.Caller:
    return flows.Caller(channel=user.channel, openid=user.openid)


@router.get("/appointments")
async def my_appointments(
    request: Request, session: SessionDep, book: BookDep, user: UserDep
) -> Response:
    items = await flows.my_appointments(session, book, _caller(user))
    return render(request, "appointments.html", user=user, items=items)


@router.get("/appointments/{appointment_id}")
async def appointment(
    request: Request, session: SessionDep, book: BookDep, user: UserDep, appointment_id: RowId
) -> Response:
    view = await flows.my_appointment(session, book, _caller(user), appointment_id)
    return render(request, "appointment.html", user=user, a=view)


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
