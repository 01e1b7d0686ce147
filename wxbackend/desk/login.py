"""The desk's login (password + TOTP), second-factor enrolment and logout."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.deps import AuditDep, SessionDep, SettingsDep, StoreDep, VaultDep
from wxbackend.desk.web import (
    LOGIN_COOKIE,
    DeskRoute,
    DeskUserDep,
    EnrollingDep,
    EnrolmentFormDep,
    FormDep,
    LoginFormDep,
    clear_session_cookie,
    csrf_for,
    new_login_cookie,
    redirect,
    render,
    session_token,
    set_session_cookie,
    text,
)
from wxbackend.errors import DomainError
from wxbackend.staff import auth, enrolment, roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.deps import StaffSessionsDep, client_address
from wxbackend.staff.roles import Capability

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)


def home_of(staff: Staff) -> str:
    """Each role's first page."""
    if roles.may(staff.role, Capability.REVIEW):
        return "/desk/queue"
    if roles.may(staff.role, Capability.COUNTER):
        return "/desk/counter"
    return "/desk/admin/staff" if roles.may(staff.role, Capability.ADMIN) else "/desk/ops/payouts"


def _login_page(
    request: Request, settings: SettingsDep, *, error: str = "", status: int = 200
) -> Response:
    cookie = request.cookies.get(LOGIN_COOKIE) or new_login_cookie()
    expired = request.query_params.get("expired") == "1"
    page = render(
        request,
        "login.html",
        http_status=status,
        title="工作台登录",
        login_csrf=csrf_for(settings, "login", cookie),
        error=error,
        expired=expired and not error,
        max_failures=auth.MAX_FAILURES,
        lock_minutes=auth.LOCK_S // 60,
    )
    page.set_cookie(
        LOGIN_COOKIE,
        cookie,
        httponly=True,
        samesite="strict",
        secure=settings.staff.desk_cookie_secure,
        path="/desk",
    )
    return page


@router.get("/login")
async def login_form(request: Request, settings: SettingsDep) -> Response:
    return _login_page(request, settings)


@router.post("/login")
async def log_in(
    request: Request,
    form: LoginFormDep,
    session: SessionDep,
    settings: SettingsDep,
    store: StoreDep,
    sessions: StaffSessionsDep,
    audit: AuditDep,
    vault: VaultDep,
) -> Response:
    try:
        login = await auth.log_in(
            session,
            store=store,
            sessions=sessions,
            audit=audit,
            vault=vault,
            username=text(form, "username"),
            password=text(form, "password", max_len=128),
            otp=text(form, "otp", max_len=8),
            client=client_address(request),
            allow_enrolment=True,
        )
    except DomainError as exc:
        return _login_page(request, settings, error=exc.message, status=exc.status)
    await sessions.end(session_token(request))
    response = redirect("/desk/enrol" if login.enrolment_required else home_of(login.staff))
    set_session_cookie(response, settings, login.token)
    return response


@router.get("/enrol")
async def enrol_form(
    request: Request, user: EnrollingDep, session: SessionDep, vault: VaultDep, audit: AuditDep
) -> Response:
    shown = await enrolment.begin_enrolment(session, vault=vault, audit=audit, staff=user.staff)
    error = "动态码不正确，请用新的二维码重新绑定。" if request.query_params.get("wrong") else ""
    return render(request, "enrol.html", user=user, title="绑定动态码", shown=shown, error=error)


@router.post("/enrol")
async def enrol(
    request: Request,
    user: EnrollingDep,
    form: EnrolmentFormDep,
    session: SessionDep,
    settings: SettingsDep,
    sessions: StaffSessionsDep,
    vault: VaultDep,
    audit: AuditDep,
) -> Response:
    try:
        staff = await enrolment.confirm_enrolment(
            session, vault=vault, audit=audit, staff=user.staff, code=text(form, "code", max_len=8)
        )
    except DomainError:
        return redirect("/desk/enrol", wrong="1")
    # Password and a code from the new secret: both factors, so a full session starts.
    await sessions.end(session_token(request))
    epoch = (await auth.staff_epoch(session, staff_id=staff.id)) or 0
    token = await sessions.create(staff_id=staff.id, username=staff.username, epoch=epoch)
    response = redirect(home_of(staff), enrolled="1")
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout")
async def log_out(
    request: Request,
    user: DeskUserDep,
    _form: FormDep,
    sessions: StaffSessionsDep,
    settings: SettingsDep,
) -> Response:
    await sessions.end(session_token(request))
    response = redirect("/desk/login")
    clear_session_cookie(response, settings)
    return response


@router.get("/")
async def home(user: DeskUserDep) -> Response:
    return redirect(home_of(user.staff))
