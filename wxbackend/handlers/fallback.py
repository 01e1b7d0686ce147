"""Answers for everything no other handler takes."""

from __future__ import annotations

from wxbackend.handlers.conversation import fallback_reply_text, load_conversation
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import MENU_EVENTS, HandlerContext, HandlerRegistry

MEDIA_TYPES = ("image", "voice", "video", "shortvideo", "link", "file")


async def media_not_supported(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["media"])


async def default_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """Unrecognised text: what it might mean; a menu key we no longer have: the menu moved.

    Other events (TEMPLATESENDJOBFINISH …) are reports to us, not something the user
    did, and get no reply.
    """
    conversation = load_conversation()
    if message.is_event:
        if message.event in MENU_EVENTS:  # a button removed since the client cached it
            popular = fallback_reply_text(conversation, "", ctx.content["menu_gone"])
            return TextReply(popular)
        return None
    text = (message.content or "").strip() if message.msg_type == "text" else ""
    return TextReply(fallback_reply_text(conversation, text, ctx.content["default"]))


def register(registry: HandlerRegistry) -> None:
    registry.on_message_type(*MEDIA_TYPES)(media_not_supported)
    registry.fallback(default_reply)
    registry.mark_repeatable(media_not_supported, default_reply)
