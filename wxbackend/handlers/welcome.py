"""Following and unfollowing the account, QR scans and link clicks."""

from __future__ import annotations

from wxbackend.bind import binding
from wxbackend.bind.errors import NotBound
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.handlers import followers
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry


async def _bound_name(ctx: HandlerContext, openid: str) -> str | None:
    """The masked name of the account this follower is bound to, if any."""
    if ctx.sessionmaker is None:  # handler unit tests: no database
        return None
    async with session_scope(ctx.sessionmaker) as session:
        try:
            account = await binding.bound_account(
                session, channel=Channel.OFFICIAL_ACCOUNT, openid=openid
            )
        except NotBound:
            return None
        return account.name_masked


async def welcome_follower(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """A new follower: how to sign up and bind; one still bound from before: welcome back."""
    await followers.clear_unsubscribe(ctx.store, message.openid)
    name = await _bound_name(ctx, message.openid)
    if name is not None:
        # Unfollowing does not unbind: telling this person to sign up again would be wrong.
        return TextReply(f"{name}，{ctx.content['welcome_back_bound']}")
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
