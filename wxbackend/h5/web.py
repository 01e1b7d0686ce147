"""What every H5 page shares: the logged-in user, CSRF, templates and error pages.

Pages are server-rendered forms: a POST either redirects (Post/Redirect/Get) or renders
its form again with the errors next to the fields.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile

from wxbackend.auth.deps import SessionStoreDep
from wxbackend.auth.service import safe_next
from wxbackend.auth.sessions import UserSession
from wxbackend.bind.errors import NotBound
from wxbackend.bind.passwords import InitialPasswordMustChange
from wxbackend.clock import now
from wxbackend.config import CentreSettings, Settings
from wxbackend.enums import Channel
from wxbackend.errors import DomainError, Forbidden, Unauthenticated
from wxbackend.h5 import filters

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
WEUI_CSS = STATIC_DIR / "weui" / "weui.min.css"

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters.update(yuan=filters.yuan, month=filters.month, day=filters.day)
templates.filters.update(ratio=filters.ratio, moment=filters.moment, metres=filters.metres)


class LoginRequired(Exception):
    """No live official-account session: go through OAuth and come back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path
        super().__init__(next_path)


class CsrfRefused(Forbidden):
    code = "h5.csrf"
    default_message = "页面已过期或来源不明，请返回上一页刷新后重试。"


@dataclass(frozen=True, slots=True)
class H5User:
    """The follower behind the page, and the CSRF token of their session."""

    session: UserSession
    csrf: str

    @property
    def channel(self) -> Channel:
        return self.session.channel

    @property
    def openid(self) -> str:
        return self.session.openid


def _here(request: Request) -> str:
    """Where to come back after logging in: this page, or home after a form post."""
    if request.method != "GET":
        return "/h5/"
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "")


def csrf_token(settings: Settings, session_token: str) -> str:
    """Per session: an HMAC of the session cookie, which a page on another site cannot read."""
    key = settings.security.session_secret.get_secret_value().encode()
    return hmac.new(key, b"h5-csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


async def h5_user(request: Request, sessions: SessionStoreDep) -> H5User:
    """The official-account session from the cookie only (never a bearer token)."""
    settings: Settings = request.app.state.settings
    token = request.cookies.get(settings.sessions.cookie_name, "")
    try:
        session = await sessions.get(token)
    except Unauthenticated:
        raise LoginRequired(_here(request)) from None
    if session.channel is not Channel.OFFICIAL_ACCOUNT:
        raise LoginRequired(_here(request))
    return H5User(session=session, csrf=csrf_token(settings, token))


UserDep = Annotated[H5User, Depends(h5_user)]


async def checked_form(request: Request, user: UserDep) -> FormData:
    """The POSTed form, refused unless it carries this session's CSRF token."""
    form = await request.form()
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), user.csrf.encode()):
        raise CsrfRefused()
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def text(form: FormData, name: str, *, max_len: int = 64) -> str:
    value = form.get(name)
    return value.strip()[:max_len] if isinstance(value, str) else ""


def upload(form: FormData, name: str) -> UploadFile | None:
    value = form.get(name)
    return value if isinstance(value, UploadFile) and value.filename else None


# Errors raised without a `field` in their detail, placed next to the field they concern.
CODE_FIELDS = {
    "signing.identity_not_matched": "id_no",
    "signing.sms_code_wrong": "code",
    "signing.sms_code_expired": "code",
    "password.wrong": "password",
    "password.locked": "password",
    "card.type1_not_confirmed": "confirm_type1",
    "card.number_invalid": "card_no",
    "card.bank_unsupported": "card_no",
    "card.not_debit": "card_no",
    "card.same_card": "card_no",
    "card.rejected_type2": "card_no",
    "card.verification_failed": "card_no",
    "card.password_required": "password",
    "withdrawal.refused": "amount",
    "withdrawal.unknown_kind": "kind",
}

Errors = dict[str, str]  # field name ("" = the whole form) -> Chinese message


def form_errors(exc: DomainError) -> Errors:
    """Where a refusal is shown; errors that send the user elsewhere are raised again."""
    if isinstance(exc, NotBound | InitialPasswordMustChange | CsrfRefused):
        raise exc
    field = exc.detail.get("field")
    if not isinstance(field, str):
        field = CODE_FIELDS.get(exc.code, "")
    return {field: exc.message}


def render(
    request: Request,
    template: str,
    /,
    *,
    http_status: int = 200,
    user: H5User | None = None,
    **context: Any,
) -> HTMLResponse:
    page = templates.get_template(template).render(
        request=request,
        csrf=user.csrf if user else "",
        weui=WEUI_CSS.exists(),
        path=request.url.path,
        centre=request.app.state.settings.centre,
        **context,
    )
    # Personal data on every page: never cached, never indexed.
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    return HTMLResponse(page, status_code=http_status, headers=headers)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def message_page(request: Request, *, title: str, text: str, status: int) -> HTMLResponse:
    icon = "warn" if status >= 500 else "info"
    return render(request, "message.html", http_status=status, title=title, text=text, icon=icon)


def error_page(
    status: int, title: str, text: str, request_id: str, *, centre: CentreSettings
) -> str:
    """The page for an error no route answered (the edge renders it): busy, too large."""
    page = templates.get_template("message.html").render(
        centre=centre,
        csrf="",
        weui=WEUI_CSS.exists(),
        path="",
        title=title,
        text=f"{text}（编号：{request_id}）",
        icon="warn",
    )
    return str(page)


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse("/h5/login?" + urlencode({"next": safe_next(next_path)}), 302)


def refusal_response(request: Request, exc: DomainError) -> Response:
    """A domain error that reached the page edge: redirect to where it can be fixed."""
    if isinstance(exc, NotBound):
        return redirect("/h5/signup")
    if isinstance(exc, InitialPasswordMustChange):
        return redirect("/h5/password?initial=1")
    if isinstance(exc, Unauthenticated):
        return login_redirect(_here(request))
    title = "未找到" if exc.status == 404 else "无法办理"
    page = message_page(request, title=title, text=exc.message, status=exc.status)
    wait = exc.retry_after_s(now())
    if wait is not None:
        page.headers["Retry-After"] = str(wait)
    return page


class PageRoute(APIRoute):
    """Routes whose refusals become HTML pages (the JSON handler in app.py is for the API).

    The error is caught outside the route's dependencies, so the unit of work has already
    rolled back and the audit trail been written, exactly as for the JSON API.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as exc:
                return login_redirect(exc.next_path)
            except DomainError as exc:
                return refusal_response(request, exc)
            except RequestValidationError:
                return message_page(
                    request, title="未找到", text="页面地址有误，请从菜单重新进入。", status=404
                )

        return page
