"""Logins: mini-program code → session; official-account OAuth with CSRF state and a
guard against the re-used codes that back buttons and refreshes produce."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from wxbackend import metrics
from wxbackend.auth.errors import OAuthStateInvalid, login_error
from wxbackend.auth.sessions import SessionStore
from wxbackend.enums import Channel
from wxbackend.store import Store
from wxbackend.wechat.gateway import MiniProgramApi, OfficialAccountApi, WeChatApiError

OAUTH_STATE_TTL_S = 600
# A WeChat OAuth code lives 5 minutes; remember what it produced at least that long.
OAUTH_CODE_TTL_S = 360


@dataclass(frozen=True, slots=True)
class MiniProgramLogin:
    token: str
    openid: str
    unionid: str | None


async def login_mini_program(
    *, mp: MiniProgramApi, sessions: SessionStore, js_code: str
) -> MiniProgramLogin:
    try:
        result = await mp.code_to_session(js_code)
    except WeChatApiError as exc:
        metrics.LOGINS.labels(kind="miniprogram", outcome="failed").inc()
        raise login_error(exc) from exc
    metrics.LOGINS.labels(kind="miniprogram", outcome="ok").inc()
    # session_key is not kept: nothing here decrypts mini-program data (minimum collection).
    token = await sessions.create(
        channel=Channel.MINI_PROGRAM, openid=result.openid, unionid=result.unionid
    )
    return MiniProgramLogin(token=token, openid=result.openid, unionid=result.unionid)


def safe_next(next_path: str | None) -> str:
    """Only our own H5 pages: no open redirect to another site."""
    if (
        next_path
        and next_path.startswith("/h5/")
        and "//" not in next_path
        and "\\" not in next_path
    ):
        return next_path
    return "/h5/"


async def begin_oauth(
    *, store: Store, app_id: str, open_base_url: str, redirect_uri: str, next_path: str | None
) -> tuple[str, str]:
    """(authorize URL, state): the state goes into a cookie bound to this browser."""
    state = secrets.token_urlsafe(24)  # < 128 bytes, as WeChat requires
    await store.set(f"oauth:state:{state}", safe_next(next_path), ttl=OAUTH_STATE_TTL_S)
    query = urlencode(
        {
            "appid": app_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{open_base_url}/connect/oauth2/authorize?{query}#wechat_redirect", state


@dataclass(frozen=True, slots=True)
class OAuthLogin:
    token: str
    next_path: str


async def finish_oauth(
    *,
    store: Store,
    oa: OfficialAccountApi,
    sessions: SessionStore,
    code: str,
    state: str,
    cookie_state: str | None,
) -> OAuthLogin:
    """Check the state against this browser's cookie, then exchange the code once."""
    if not cookie_state or not secrets.compare_digest(state.encode(), cookie_state.encode()):
        raise OAuthStateInvalid()
    next_path = await store.get(f"oauth:state:{state}")
    if next_path is None:
        raise OAuthStateInvalid()
    code_key = "oauth:code:" + hashlib.sha256(code.encode()).hexdigest()
    seen = await store.get(code_key)
    if seen is not None:
        # Back button or refresh: the same browser gets the session this code produced.
        record = json.loads(seen)
        if record["state"] == state:
            return OAuthLogin(token=record["token"], next_path=next_path)
        raise OAuthStateInvalid()
    try:
        identity = await oa.oauth_identity(code)
    except WeChatApiError as exc:
        metrics.LOGINS.labels(kind="h5", outcome="failed").inc()
        raise login_error(exc) from exc
    metrics.LOGINS.labels(kind="h5", outcome="ok").inc()
    token = await sessions.create(
        channel=Channel.OFFICIAL_ACCOUNT, openid=identity.openid, unionid=identity.unionid
    )
    await store.set(code_key, json.dumps({"state": state, "token": token}), ttl=OAUTH_CODE_TTL_S)
    return OAuthLogin(token=token, next_path=next_path)
