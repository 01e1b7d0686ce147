"""网上预约 and 缴存证明 from chat: the caller's bookings, the nearest halls, the links."""

from __future__ import annotations

from functools import cache

from wxbackend.appointments import flows, service
from wxbackend.appointments.schedule import AppointmentBook, load_book_for
from wxbackend.bind.errors import NotBound
from wxbackend.bind.passwords import InitialPasswordMustChange
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.handlers import followers, menu_keys
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply, truncate_utf8
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.points.display import distance_text

NEAREST = 3


@cache
def _book(halls_file: str, calendar_file: str) -> AppointmentBook:
    return load_book_for(halls_file, calendar_file)


def _link(ctx: HandlerContext, path: str, label: str) -> str:
    base = ctx.settings.server.public_base_url.rstrip("/")
    return f'<a href="{base}{path}">{label}</a>'


async def appointments_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """预约: the caller's coming bookings, and the halls nearest the last location."""
    if ctx.sessionmaker is None:
        return TextReply(ctx.content["binding"])
    settings = ctx.settings.appointments
    book = _book(settings.halls_file, settings.calendar_file)
    caller = flows.Caller(channel=Channel.OFFICIAL_ACCOUNT, openid=message.openid)
    location = await followers.last_location(ctx.store, message.openid)
    near = (location.latitude, location.longitude) if location else None
    try:
        async with session_scope(ctx.sessionmaker) as session:
            mine = [v for v in await flows.my_appointments(session, book, caller) if v.active]
            halls = await service.bookable_halls(session, book, near=near)
    except NotBound:
        return TextReply(ctx.content["binding"])
    except InitialPasswordMustChange:
        return TextReply(ctx.content["account_initial_password"])
    lines = ["【网上预约】"]
    if mine:
        lines.append("您的预约：")
        for v in mine:
            lines.append(f"· {v.when_text} {v.hall_name} {v.business_name}，号码 {v.ticket}")
    else:
        lines.append("您目前没有待办理的预约。")
    lines += ["", "离您最近的可预约网点：" if near else "可预约网点："]
    for c in halls[:NEAREST]:
        distance = f"（{distance_text(c.distance_m)}）" if c.distance_m is not None else ""
        lines.append(f"· {c.point.name}{distance}")
    if not near:
        lines.append("发送位置可按距离排序。")
    lines += [
        "",
        "可预约次日起7天内的业务，每人每天每项业务限约一次；多次预约未到将暂停网上预约。",
        _link(ctx, "/h5/appointments", "查看和取消预约"),
    ]
    return TextReply(truncate_utf8("\n".join(lines)))


async def certificate_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """缴存证明: where to issue one (the PDF needs the logged-in H5 page)."""
    return TextReply(
        "【住房公积金缴存证明】\n"
        "开具后可下载PDF，证明上的验证码和二维码供银行、单位核验真伪，有效期30天。\n"
        + _link(ctx, "/h5/certificate", "开具缴存证明")
    )


def register(registry: HandlerRegistry) -> None:
    registry.on_menu_key(menu_keys.APPOINTMENTS)(appointments_reply)
    registry.on_keyword("预约", "网上预约", "我的预约")(appointments_reply)
    registry.on_menu_key(menu_keys.DEPOSIT_CERTIFICATE)(certificate_reply)
    registry.on_keyword("缴存证明", "开证明")(certificate_reply)
