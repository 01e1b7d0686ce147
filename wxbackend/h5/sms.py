"""短信服务: the holder turns deposit and withdrawal SMS on and off."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.bind import binding
from wxbackend.bind.deps import BindContextDep
from wxbackend.h5.web import FormDep, PageRoute, UserDep, redirect, render
from wxbackend.notify import service as notify

router = APIRouter(prefix="/h5", route_class=PageRoute, include_in_schema=False)


@router.get("/sms")
async def sms_page(request: Request, ctx: BindContextDep, user: UserDep) -> Response:
    account = await binding.bound_account(ctx.session, channel=user.channel, openid=user.openid)
    choices = await notify.sms_choices(ctx.session, account_id=account.id)
    saved = request.query_params.get("saved") == "1"
    return render(request, "sms.html", user=user, choices=choices, saved=saved)


@router.post("/sms")
async def save_sms(ctx: BindContextDep, user: UserDep, form: FormDep) -> Response:
    account = await binding.bound_account(ctx.session, channel=user.channel, openid=user.openid)
    await notify.set_sms_choices(
        ctx.session,
        account_id=account.id,
        deposit=form.get("deposit") == "1",
        withdrawal=form.get("withdrawal") == "1",
    )
    return redirect("/h5/sms?saved=1")
