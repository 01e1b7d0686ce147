"""Answers for everything no other handler takes."""

from __future__ import annotations

from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry

MEDIA_TYPES = ("image", "voice", "video", "shortvideo", "link", "file")


async def media_not_supported(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["media"])


async def default_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """Unrecognised text or message type: point to help; unknown events get no reply."""
    # Events such as TEMPLATESENDJOBFINISH are reports to us, not something the user said.
    if message.is_event:
        return None
    return TextReply(ctx.content["default"])


def register(registry: HandlerRegistry) -> None:
    registry.on_message_type(*MEDIA_TYPES)(media_not_supported)
    registry.fallback(default_reply)
    registry.mark_repeatable(media_not_supported, default_reply)
