"""What every desk page shares: the signed-in staff member, CSRF, templates, refusals.

The desk is server-rendered HTML for desktop browsers. Its session is the staff API's
(StaffSessionStore) carried in a cookie of its own: HttpOnly, SameSite=Strict, Path=/desk,
so no depositor page and no other site can send it. Every form carries a CSRF token
(an HMAC of the session token; before login, of a login cookie), checked before the
form is read any further.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
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
from starlette.datastructures import FormData

from wxbackend.clock import now
from wxbackend.config import Settings
from wxbackend.deps import SessionDep
from wxbackend.errors import DomainError, Forbidden, Unauthenticated
from wxbackend.h5 import filters
from wxbackend.staff import auth, roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.deps import StaffSessionsDep
from wxbackend.staff.errors import StaffSessionExpired
from wxbackend.staff.roles import ROLE_NAMES, Capability
from wxbackend.withdraw import views as withdraw_views

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
PICO_CSS = STATIC_DIR / "pico" / "pico.min.css"
LOGIN_COOKIE = "wxb_desk_login"

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters.update(
    yuan=filters.yuan, day=filters.day, moment=filters.moment, actor=withdraw_views.actor_name
)
templates.globals.update(role_names=ROLE_NAMES, Capability=Capability, may=roles.may)
templates.globals.update(
    account_status_names={"normal": "正常", "sealed": "封存", "frozen": "冻结", "closed": "销户"},
    card_status_names={
        "active": "在用",
        "replaced": "已更换",
        "rejected_type2": "II类账户被拒",
        "invalid": "已失效",
    },
    mismatch_names={
        "in_bank_not_ours": "银行有、我方无",
        "ours_not_in_bank": "我方有、银行无",
        "amount_mismatch": "金额不符",
        "status_mismatch": "状态不符",
    },
)


class DeskLoginRequired(Exception):
    """No live desk session: to the login page (saying so when a session ran out)."""

    def __init__(self, *, expired: bool = False) -> None:
        self.expired = expired
        super().__init__("login required")


class EnrolmentPending(Exception):
    """Signed in with the password only: the second factor must be enrolled first."""


class DeskCsrfRefused(Forbidden):
    code = "desk.csrf"
    default_message = "页面已过期或来源不明，请刷新页面后重试。"


@dataclass(frozen=True, slots=True)
class DeskUser:
    staff: Staff
    csrf: str


def _key(settings: Settings) -> bytes:
    return settings.security.session_secret.get_secret_value().encode()


def csrf_for(settings: Settings, purpose: str, value: str) -> str:
    return hmac.new(_key(settings), f"desk-{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def session_token(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return request.cookies.get(settings.staff.desk_cookie_name, "")


async def _desk_staff(
    request: Request, session: SessionDep, sessions: StaffSessionsDep
) -> tuple[Staff, str]:
    token = session_token(request)
    try:
        staff = await auth.current_staff(session, sessions=sessions, token=token)
    except StaffSessionExpired:
        raise DeskLoginRequired(expired=True) from None
    except Unauthenticated:
        raise DeskLoginRequired(expired=bool(token)) from None
    return staff, token


async def desk_user(
    request: Request, found: Annotated[tuple[Staff, str], Depends(_desk_staff)]
) -> DeskUser:
    """A fully signed-in staff member (both factors)."""
    staff, token = found
    if staff.enrolment_only:
        raise EnrolmentPending()
    return DeskUser(staff=staff, csrf=csrf_for(request.app.state.settings, "session", token))


async def enrolling_user(
    request: Request, found: Annotated[tuple[Staff, str], Depends(_desk_staff)]
) -> DeskUser:
    """Signed in with the password only, to enrol the second factor."""
    staff, token = found
    if not staff.enrolment_only:
        raise DeskLoginRequired()
    return DeskUser(staff=staff, csrf=csrf_for(request.app.state.settings, "session", token))


DeskUserDep = Annotated[DeskUser, Depends(desk_user)]
EnrollingDep = Annotated[DeskUser, Depends(enrolling_user)]


def _check(form: FormData, expected: str) -> FormData:
    sent = form.get("csrf")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise DeskCsrfRefused()
    return form


async def checked_form(request: Request, user: DeskUserDep) -> FormData:
    """The POSTed form, refused unless it carries this session's CSRF token."""
    return _check(await request.form(), user.csrf)


async def checked_enrolment_form(request: Request, user: EnrollingDep) -> FormData:
    return _check(await request.form(), user.csrf)


async def checked_login_form(request: Request) -> FormData:
    """The login form: its token is bound to the login cookie set with the form."""
    value = request.cookies.get(LOGIN_COOKIE, "")
    if not value:
        raise DeskCsrfRefused()
    return _check(await request.form(), csrf_for(request.app.state.settings, "login", value))


FormDep = Annotated[FormData, Depends(checked_form)]
EnrolmentFormDep = Annotated[FormData, Depends(checked_enrolment_form)]
LoginFormDep = Annotated[FormData, Depends(checked_login_form)]


def text(form: FormData, name: str, *, max_len: int = 64) -> str:
    value = form.get(name)
    return value.strip()[:max_len] if isinstance(value, str) else ""


def checked(form: FormData, name: str) -> bool:
    return form.get(name) in ("1", "on", "yes")


def render(
    request: Request,
    template: str,
    /,
    *,
    http_status: int = 200,
    user: DeskUser | None = None,
    **context: Any,
) -> HTMLResponse:
    page = templates.get_template(template).render(
        request=request,
        user=user,
        csrf=user.csrf if user else "",
        pico=PICO_CSS.exists(),
        path=request.url.path,
        **context,
    )
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    return HTMLResponse(page, status_code=http_status, headers=headers)


def redirect(path: str, **query: str) -> RedirectResponse:
    return RedirectResponse(path + ("?" + urlencode(query) if query else ""), status_code=303)


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        settings.staff.desk_cookie_name,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.staff.desk_cookie_secure,
        path="/desk",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(settings.staff.desk_cookie_name, path="/desk")


def new_login_cookie() -> str:
    return secrets.token_urlsafe(24)


def _back(request: Request) -> str:
    """Where a refused form sends the user back to: the page the form was on."""
    path = request.url.path
    if request.method == "POST":
        path = path.rsplit("/", 1)[0] or "/desk/"
    return path if path.startswith("/desk") else "/desk/"


def message_page(
    request: Request, *, title: str, text: str, status: int, back: str | None = None
) -> HTMLResponse:
    return render(request, "message.html", http_status=status, title=title, text=text, back=back)


def error_page_for(request: Request, exc: DomainError) -> Response:
    titles = {403: "无权操作", 404: "未找到", 409: "无法办理", 423: "已锁定"}
    page = message_page(
        request,
        title=titles.get(exc.status, "无法办理"),
        text=exc.message,
        status=exc.status,
        back=_back(request),
    )
    wait = exc.retry_after_s(now())
    if wait is not None:
        page.headers["Retry-After"] = str(wait)
    return page


class DeskRoute(APIRoute):
    """Routes whose refusals become desk pages (after the unit of work rolled back)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except DeskLoginRequired as exc:
                response = redirect("/desk/login", **({"expired": "1"} if exc.expired else {}))
                clear_session_cookie(response, request.app.state.settings)
                return response
            except EnrolmentPending:
                return redirect("/desk/enrol")
            except DomainError as exc:
                return error_page_for(request, exc)
            except RequestValidationError:
                return message_page(
                    request, title="未找到", text="页面地址有误。", status=404, back="/desk/"
                )

        return page
