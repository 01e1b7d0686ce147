"""Handlers fed parsed messages directly: no HTTP, an in-process store."""

from __future__ import annotations

import pytest

from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.parsing import parse_message, parse_xml
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings
from wxbackend.content import load_content
from wxbackend.handlers import build_registry, followers, menu_keys
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.store import MemoryStore


@pytest.fixture
def ctx() -> HandlerContext:
    settings = Settings(env="test")
    content = load_content(public_base_url="https://gjj.example.org")
    return HandlerContext(store=MemoryStore(), settings=settings, content=content)


@pytest.fixture
def user() -> SimulatedUser:
    crypto = CallbackCrypto(token="t", encoding_aes_key="A" * 43, app_id="wxapp")
    return SimulatedUser(crypto, openid="o-user-1")


@pytest.fixture
def registry() -> HandlerRegistry:
    return build_registry()


def parsed(xml: str) -> InboundMessage:
    return parse_message(parse_xml(xml.encode()))


async def reply_text(registry: HandlerRegistry, xml: str, ctx: HandlerContext) -> str | None:
    reply = await registry.dispatch(parsed(xml), ctx)
    if reply is None:
        return None
    assert isinstance(reply, TextReply)
    return reply.text


async def test_subscribe_welcomes_with_signup_and_binding(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    text = await reply_text(registry, user.subscribe(), ctx)
    assert text is not None
    assert "签约绑定" in text
    assert "https://gjj.example.org/h5/signup" in text


async def test_unsubscribe_is_recorded_without_reply_and_cleared_on_return(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    leave = parsed(user.event("unsubscribe", ""))
    assert await registry.dispatch(leave, ctx) is None
    assert await followers.unsubscribed_at(ctx.store, "o-user-1") == leave.create_time
    await registry.dispatch(parsed(user.subscribe()), ctx)
    assert await followers.unsubscribed_at(ctx.store, "o-user-1") is None


async def test_location_event_is_kept_without_reply(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    xml = user.event("LOCATION", Latitude="32.2", Longitude="119.4", Precision="30")
    assert await reply_text(registry, xml, ctx) is None
    kept = await followers.last_location(ctx.store, "o-user-1")
    assert kept is not None
    assert (kept.latitude, kept.longitude) == (32.2, 119.4)


async def test_points_keyword_uses_last_location_or_explains(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    assert await reply_text(registry, user.text("网点"), ctx) == ctx.content["points_how"]
    await registry.dispatch(parsed(user.location(32.2, 119.4)), ctx)
    assert await reply_text(registry, user.text("网点"), ctx) == ctx.content["service_points"]


async def test_location_picker_answers_with_service_points(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    xml = user.location_select(menu_keys.SERVICE_POINTS, 32.2, 119.4)
    assert await reply_text(registry, xml, ctx) == ctx.content["service_points"]


async def test_view_and_unknown_events_get_no_reply(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    assert await reply_text(registry, user.event("VIEW", "https://x.example/h5"), ctx) is None
    assert await reply_text(registry, user.event("TEMPLATESENDJOBFINISH"), ctx) is None


@pytest.mark.parametrize(
    ("words", "content"),
    [
        ("余额", "binding"),
        ("我想查询一下", "binding"),
        ("提取进度", "binding"),
        ("提取", "guide_withdrawal"),
        ("怎么提取公积金", "guide_withdrawal"),
        ("贷款", "guide_loan"),
        ("贷款查询", "binding"),
        ("缴存", "guide_deposit"),
        ("密码", "password"),
        ("帮助", "help"),
        ("？", "help"),
        ("HELP", "help"),
        ("12329", "hotline"),
        ("转人工", "hotline"),
        ("网点查询", "points_how"),
    ],
)
async def test_text_keywords(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext, words: str, content: str
) -> None:
    assert await reply_text(registry, user.text(words), ctx) == ctx.content[content]


@pytest.mark.parametrize(
    ("key", "content"),
    [
        (menu_keys.ACCOUNT_QUERY, "binding"),
        (menu_keys.DEPOSIT_DETAILS, "binding"),
        (menu_keys.WITHDRAWAL_PROGRESS, "binding"),
        (menu_keys.LOAN_QUERY, "binding"),
        (menu_keys.GUIDES, "guides"),
        (menu_keys.HOTLINE, "hotline"),
        (menu_keys.PASSWORD_SERVICE, "password"),
        (menu_keys.HELP, "help"),
    ],
)
async def test_menu_clicks(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext, key: str, content: str
) -> None:
    assert await reply_text(registry, user.click(key), ctx) == ctx.content[content]


@pytest.mark.parametrize("msg_type", ["image", "voice", "video", "shortvideo", "link", "file"])
async def test_media_messages_get_a_polite_reply(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext, msg_type: str
) -> None:
    assert await reply_text(registry, user.message(msg_type), ctx) == ctx.content["media"]


async def test_unknown_message_type_gets_the_default_reply(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    reply = await reply_text(registry, user.message("hologram"), ctx)
    assert reply is not None
    assert reply.startswith(ctx.content["default"])
    assert "您是不是想问" in reply


async def test_unknown_text_gets_the_default_reply_with_suggestions(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    reply = await reply_text(registry, user.text("今天天气不错"), ctx)
    assert reply is not None
    assert reply.startswith(ctx.content["default"])
    assert "weixin://bizmsgmenu?msgmenucontent=" in reply


async def test_a_removed_click_key_still_gets_an_answer(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    reply = await reply_text(registry, user.click("NO_SUCH_KEY"), ctx)
    assert reply is not None
    assert reply.startswith(ctx.content["menu_gone"])
    assert "怎么签约绑定" in reply


async def test_registering_a_key_twice_is_refused() -> None:
    registry = HandlerRegistry()

    async def handler(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        return None

    registry.on_menu_key("K")(handler)
    with pytest.raises(ValueError, match="already has a handler"):
        registry.on_menu_key("K")(handler)


async def test_replace_menu_key_swaps_the_placeholder(
    registry: HandlerRegistry, user: SimulatedUser, ctx: HandlerContext
) -> None:
    async def real_query(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        return TextReply("余额：1,234.00 元")

    registry.replace_menu_key(menu_keys.ACCOUNT_QUERY, real_query)
    assert (
        await reply_text(registry, user.click(menu_keys.ACCOUNT_QUERY), ctx) == "余额：1,234.00 元"
    )
    with pytest.raises(KeyError):
        registry.replace_menu_key("NO_SUCH_KEY", real_query)
