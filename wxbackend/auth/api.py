"""Login endpoints: official-account OAuth for H5 pages, logout.

The mini-program's code exchange answers whether the caller is bound, so it is served
with the binding endpoints (`bind/api.py`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse

from wxbackend.auth import service
from wxbackend.auth.deps import SessionStoreDep, session_token
from wxbackend.auth.errors import LoginCodeInvalid, LoginCodeUsed
from wxbackend.deps import OfficialAccountDep, SettingsDep, StoreDep

router = APIRouter(tags=["login"])

STATE_COOKIE = "wxb_oauth_state"


@router.get("/h5/login", summary="Start official-account OAuth (snsapi_base)")
async def h5_login(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    next_path: Annotated[str | None, Query(alias="next")] = None,
    retry: int = 0,
) -> RedirectResponse:
    callback = settings.server.public_base_url + "/h5/oauth/callback"
    if retry:
        callback += "?" + urlencode({"retry": 1})
    url, state = await service.begin_oauth(
        store=store,
        app_id=settings.wechat.oa.app_id,
        open_base_url=settings.wechat.open_base_url,
        redirect_uri=callback,
        next_path=next_path,
    )
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=service.OAUTH_STATE_TTL_S,
        httponly=True,
        secure=settings.sessions.cookie_secure,
        samesite="lax",
        path="/h5/",
    )
    return response


@router.get("/h5/oauth/callback", summary="OAuth redirect target: code → session cookie")
async def h5_oauth_callback(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    oa: OfficialAccountDep,
    sessions: SessionStoreDep,
    code: str = Query(max_length=128),
    state: str = Query(max_length=128),
    retry: int = 0,
) -> Response:
    try:
        login = await service.finish_oauth(
            store=store,
            oa=oa,
            sessions=sessions,
            code=code,
            state=state,
            cookie_state=request.cookies.get(STATE_COOKIE),
        )
    except (LoginCodeUsed, LoginCodeInvalid):
        if retry:
            raise
        # A stale code (e.g. a bookmarked callback URL): start one fresh login instead.
        next_path = await store.get(f"oauth:state:{state}")
        query = urlencode({"next": next_path or "/h5/", "retry": 1})
        return RedirectResponse(f"/h5/login?{query}", status_code=302)
    response = RedirectResponse(login.next_path, status_code=302)
    response.set_cookie(
        settings.sessions.cookie_name,
        login.token,
        max_age=settings.sessions.absolute_s,
        httponly=True,
        secure=settings.sessions.cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


@router.post("/api/session/logout", summary="End the current session", status_code=204)
async def logout(request: Request, sessions: SessionStoreDep, settings: SettingsDep) -> Response:
    await sessions.end(session_token(request))
    response = Response(status_code=204)
    response.delete_cookie(settings.sessions.cookie_name, path="/")
    return response
