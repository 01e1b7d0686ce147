"""Service points near the user: location events, location messages, the 网点查询 button."""

from __future__ import annotations

from wxbackend.handlers import followers, menu_keys
from wxbackend.handlers.messages import InboundMessage, Location, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry


async def nearest_points_reply(lat: float, lng: float, ctx: HandlerContext) -> Reply:
    """The service points nearest to (lat, lng).

    Placeholder until the service-point search exists: the service guide and the hotline.
    Wire the points service here; callers already pass the user's coordinates.
    """
    return TextReply(ctx.content["service_points"])


async def remember_reported_location(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """The periodic LOCATION event: keep it for later questions; WeChat shows no reply."""
    if message.location is not None:
        await followers.remember_location(ctx.store, message.openid, message.location)
    return None


async def answer_shared_location(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """A location message or the 网点查询 location picker: nearest points to that spot."""
    location = message.location
    if location is None:
        return TextReply(ctx.content["points_how"])
    await followers.remember_location(ctx.store, message.openid, location)
    return await nearest_points_reply(location.latitude, location.longitude, ctx)


async def points_by_keyword(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """The word 网点 typed as text: use a recent location, else explain how to share one."""
    location: Location | None = await followers.last_location(ctx.store, message.openid)
    if location is None:
        return TextReply(ctx.content["points_how"])
    return await nearest_points_reply(location.latitude, location.longitude, ctx)


def register(registry: HandlerRegistry) -> None:
    registry.on_event("LOCATION")(remember_reported_location)
    registry.on_menu_key(menu_keys.SERVICE_POINTS)(answer_shared_location)
    registry.on_message_type("location")(answer_shared_location)
    registry.on_keyword("网点", "服务大厅", "大厅", "地址")(points_by_keyword)
