"""The current WeChat user, from a mini-program bearer token or the H5 session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wxbackend.auth.sessions import SessionStore, UserSession
from wxbackend.config import Settings


def session_store(request: Request) -> SessionStore:
    settings: Settings = request.app.state.settings
    return SessionStore(
        request.app.state.store,
        idle_s=settings.sessions.idle_s,
        absolute_s=settings.sessions.absolute_s,
    )


def session_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    settings: Settings = request.app.state.settings
    return request.cookies.get(settings.sessions.cookie_name, "")


async def current_user(
    request: Request, sessions: Annotated[SessionStore, Depends(session_store)]
) -> UserSession:
    return await sessions.get(session_token(request))


SessionStoreDep = Annotated[SessionStore, Depends(session_store)]
CurrentUser = Annotated[UserSession, Depends(current_user)]
