"""Binding by account or ID number + password, and the "忘记密码" link of every page.

The password binding is one of the step flows (`h5/steps.py`: its SMS step and done page);
here is its first form, which steps.html draws for the `bindpw` flow.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.bind import binding, flows
from wxbackend.bind.deps import BindContextDep
from wxbackend.bind.errors import NotBound
from wxbackend.bind.models import Purpose
from wxbackend.bind.passwords import shape_error
from wxbackend.errors import DomainError
from wxbackend.h5.steps import FLOWS, procedure_of, refused, step_page
from wxbackend.h5.web import FormDep, PageRoute, UserDep, redirect, text

router = APIRouter(prefix="/h5", route_class=PageRoute, include_in_schema=False)


@router.get("/password/forgot")
async def forgot_password(ctx: BindContextDep, user: UserDep) -> Response:
    """Every "忘记密码" link: a bound holder resets; an unbound one signs up and sets one."""
    try:
        await binding.bound_account(ctx.session, channel=user.channel, openid=user.openid)
    except NotBound:
        return redirect("/h5/signup?forgot=1")
    return redirect("/h5/password/reset")


@router.post("/bind/password/login")
async def log_in_with_password(
    request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
) -> Response:
    flow = next(f for f in FLOWS if f.purpose is Purpose.PASSWORD_BIND)
    login = text(form, "login", max_len=32)
    password = text(form, "password")
    # The account number may be echoed back to its typist; an ID number never is.
    values = {"login": login} if len(login) < 18 else {}
    reason = shape_error(password)
    if reason:
        errors = {"password": reason}
        return await step_page(request, ctx, user, flow, errors=errors, status=422, values=values)
    try:
        proc = await procedure_of(ctx, user, flow)
        await flows.log_in_with_password(ctx, proc, login=login, password=password)
    except DomainError as exc:
        return await refused(request, ctx, user, flow, exc, values)
    return redirect(flow.base)
