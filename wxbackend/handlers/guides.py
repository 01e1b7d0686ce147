"""Service guides (办事指南), password help, the hotline and the help text."""

from __future__ import annotations

from wxbackend.handlers import menu_keys
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry


async def guide_index(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["guides"])


async def deposit_guide(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["guide_deposit"])


async def withdrawal_guide(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["guide_withdrawal"])


async def loan_guide(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["guide_loan"])


async def password_service(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["password"])


async def hotline(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["hotline"])


async def help_text(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    return TextReply(ctx.content["help"])


def register_password(registry: HandlerRegistry) -> None:
    # Before the account words: "查询密码" is about the password, not a query.
    registry.on_menu_key(menu_keys.PASSWORD_SERVICE)(password_service)
    registry.on_keyword("密码")(password_service)
    registry.mark_repeatable(password_service)


def register(registry: HandlerRegistry) -> None:
    registry.on_menu_key(menu_keys.GUIDES)(guide_index)
    registry.on_keyword("办事指南", "指南")(guide_index)
    registry.on_keyword("提取")(withdrawal_guide)
    registry.on_keyword("贷款")(loan_guide)
    registry.on_keyword("缴存")(deposit_guide)
    registry.on_menu_key(menu_keys.HOTLINE)(hotline)
    registry.on_keyword("12329", "人工", "热线", "电话", "客服")(hotline)
    registry.on_menu_key(menu_keys.HELP)(help_text)
    registry.on_keyword("帮助", "菜单", "功能")(help_text)
    registry.on_pattern(r"^(?i:help|[?？])$")(help_text)
    # Fixed texts: nothing changes when one is sent again.
    registry.mark_repeatable(
        guide_index, withdrawal_guide, loan_guide, deposit_guide, hotline, help_text
    )
