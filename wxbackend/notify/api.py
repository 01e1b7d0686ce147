"""The mini-program reports subscribe-message consents here."""

from __future__ import annotations

from fastapi import APIRouter, Request

from wxbackend.auth.deps import CurrentUser
from wxbackend.deps import SessionDep, SettingsDep
from wxbackend.enums import Channel
from wxbackend.notify import service
from wxbackend.notify.errors import ConsentsOnlyFromMiniProgram
from wxbackend.notify.schemas import ConsentCreate, ConsentRead
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
