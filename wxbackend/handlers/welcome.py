"""Following and unfollowing the account, QR scans and link clicks."""

from __future__ import annotations

from wxbackend.handlers import followers
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry


async def welcome_follower(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """A new (or returning) follower: how to sign up and bind, then what we offer."""
    await followers.clear_unsubscribe(ctx.store, message.openid)
    return TextReply(ctx.content["welcome"])


async def record_unfollow(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """WeChat shows nothing to a user who just left, so only record it."""
    await followers.record_unsubscribe(ctx.store, message.openid, message.create_time)
    return None


async def welcome_back(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """A follower scanned one of our QR codes."""
    return TextReply(ctx.content["welcome_back"])


async def ignore(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """Events the user does not expect an answer to (opening a menu link)."""
    return None


def register(registry: HandlerRegistry) -> None:
    registry.on_event("subscribe")(welcome_follower)
    registry.on_event("unsubscribe")(record_unfollow)
    registry.on_event("SCAN")(welcome_back)
    registry.on_event("VIEW", "view_miniprogram")(ignore)
