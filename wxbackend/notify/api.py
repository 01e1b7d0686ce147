"""The mini-program reports subscribe-message consents here."""

from __future__ import annotations

from fastapi import APIRouter, Request

from wxbackend.auth.deps import CurrentUser
from wxbackend.bind import binding
from wxbackend.deps import SessionDep, SettingsDep
from wxbackend.enums import Channel
from wxbackend.notify import service
from wxbackend.notify.errors import ConsentsOnlyFromMiniProgram
from wxbackend.notify.schemas import (
    ConsentCreate,
    ConsentRead,
    SmsChoicesRead,
    SmsChoicesUpdate,
)
from wxbackend.notify.templates import TemplateBook

router = APIRouter(prefix="/api/notify", tags=["notify"])


@router.post(
    "/consents",
    summary="Count the one-time subscriptions the user accepted (wx.requestSubscribeMessage)",
)
async def report_consents(
    body: ConsentCreate,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ConsentRead:
    if user.channel is not Channel.MINI_PROGRAM:
        raise ConsentsOnlyFromMiniProgram()
    templates: TemplateBook = request.app.state.notify_templates
    remaining = await service.record_consents(
        session,
        openid=user.openid,
        template_ids=body.accepted,
        known=templates.subscribe_template_ids,
        cap=settings.notify.max_consents,
    )
    return ConsentRead(remaining=remaining)


@router.get("/sms", summary="Which notice SMS the caller takes (deposit, withdrawal)")
async def sms_choices(user: CurrentUser, session: SessionDep) -> SmsChoicesRead:
    account = await binding.bound_account(session, channel=user.channel, openid=user.openid)
    choices = await service.sms_choices(session, account_id=account.id)
    return SmsChoicesRead(deposit=choices.deposit, withdrawal=choices.withdrawal)


@router.put("/sms", summary="Turn the caller's deposit and withdrawal SMS on or off")
async def set_sms_choices(
    body: SmsChoicesUpdate, user: CurrentUser, session: SessionDep
) -> SmsChoicesRead:
    account = await binding.bound_account(session, channel=user.channel, openid=user.openid)
    choices = await service.set_sms_choices(
        session, account_id=account.id, deposit=body.deposit, withdrawal=body.withdrawal
    )
    return SmsChoicesRead(deposit=choices.deposit, withdrawal=choices.withdrawal)
