"""The signed-in staff member, from a bearer token in the staff key space only.

No cookies: the staff API never reads the depositors' H5 session cookie, and a bearer
token is not sent by a browser on its own, so there is no cross-site request to forge.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wxbackend.config import Settings
from wxbackend.deps import SessionDep
from wxbackend.staff import auth
from wxbackend.staff.auth import Staff
from wxbackend.staff.errors import StaffUnauthenticated
from wxbackend.staff.sessions import StaffSessionStore


def staff_sessions(request: Request) -> StaffSessionStore:
    settings: Settings = request.app.state.settings
    return StaffSessionStore(request.app.state.store, idle_s=settings.staff.idle_timeout_s)


def staff_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return ""


def client_address(request: Request) -> str:
    # The peer, or what a trusted proxy says the peer was (WXB_SERVER__TRUSTED_PROXIES,
    # applied by the request middleware); X-Forwarded-For from anyone else is ignored.
    return request.client.host if request.client else "unknown"


StaffSessionsDep = Annotated[StaffSessionStore, Depends(staff_sessions)]


async def current_staff(request: Request, session: SessionDep, sessions: StaffSessionsDep) -> Staff:
    staff = await auth.current_staff(session, sessions=sessions, token=staff_token(request))
    if staff.enrolment_only:
        raise StaffUnauthenticated()
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]
