"""Service points near the user: location events, location messages, the 网点查询 button."""

from __future__ import annotations

from wxbackend.db import session_scope
from wxbackend.handlers import followers, menu_keys
from wxbackend.handlers.messages import InboundMessage, Location, Reply, TextReply, truncate_utf8
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.points import service
from wxbackend.points.display import distance_text, map_url

NEAREST_COUNT = 3
# Beyond this the "nearest" hall is in another city: say so rather than send the user off.
FAR_M = 50_000


def _point_lines(index: int, found: service.FoundPoint) -> list[str]:
    p = found.point
    state = {True: "营业中", False: "已休息", None: "营业时间以现场为准"}[found.open_now]
    distance = distance_text(found.distance_m or 0.0)
    link = map_url(latitude=p.latitude, longitude=p.longitude, name=p.name)
    return [
        f"{index}. {p.name}（{distance}，{state}）",
        f"地址：{p.address}",
        f"时间：{p.hours_text}",
        f"电话：{p.phone}",
        f'<a href="{link}">查看地图/导航</a>',
    ]


async def nearest_points_reply(lat: float, lng: float, ctx: HandlerContext) -> Reply:
    """The NEAREST_COUNT service points nearest to (lat, lng), with distance and a map."""
    if ctx.sessionmaker is None:  # no database (handler unit tests)
        return TextReply(ctx.content["service_points"])
    async with session_scope(ctx.sessionmaker) as session:
        found = await service.nearest_points(
            session, latitude=lat, longitude=lng, limit=NEAREST_COUNT
        )
    if not found:
        return TextReply(ctx.content["points_none"])
    head = "离您最近的服务网点："
    if (found[0].distance_m or 0.0) > FAR_M:
        head = "您附近50公里内没有服务网点，最近的是："
    lines = [head]
    for index, item in enumerate(found, start=1):
        lines += ["", *_point_lines(index, item)]
    lines += ["", "前往办理请携带本人身份证；法定节假日请以网点公告为准。"]
    return TextReply(truncate_utf8("\n".join(lines)))


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
