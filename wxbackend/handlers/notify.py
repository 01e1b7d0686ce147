"""TEMPLATESENDJOBFINISH: WeChat's final word on a template message we sent."""

from __future__ import annotations

from wxbackend.db import session_scope
from wxbackend.handlers.messages import InboundMessage, Reply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.notify import service


async def template_send_finished(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """Record `Status` (success, failed:user block, failed: system failed) by `MsgID`."""
    msgid = str(message.fields.get("MsgID") or message.fields.get("MsgId") or "")
    status = str(message.fields.get("Status") or "")
    if not msgid.isdigit() or not status or ctx.sessionmaker is None:
        return None
    async with session_scope(ctx.sessionmaker) as session:
        await service.record_delivery_status(session, msgid=int(msgid), status=status)
    return None


def register(registry: HandlerRegistry) -> None:
    registry.on_event("TEMPLATESENDJOBFINISH")(template_send_finished)
