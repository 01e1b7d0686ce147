"""Account queries (balance, deposits, withdrawals, loans).

Binding does not exist yet: every account question is answered by `account_query_reply`,
which explains how to sign up and bind. Replace that one function when binding lands.
"""

from __future__ import annotations

from wxbackend.handlers import menu_keys
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry

ACCOUNT_MENU_KEYS = (
    menu_keys.ACCOUNT_QUERY,
    menu_keys.DEPOSIT_DETAILS,
    menu_keys.WITHDRAWAL_PROGRESS,
    menu_keys.LOAN_QUERY,
)
# Registered before the guides' broader words, so "提取进度" is a query, "提取" a guide.
ACCOUNT_KEYWORDS = ("余额", "账户查询", "缴存明细", "提取进度", "贷款查询", "查询", "账户", "明细")


async def account_query_reply(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
    """Answer an account question (placeholder: how to sign up and bind)."""
    return TextReply(ctx.content["binding"])


def register(registry: HandlerRegistry) -> None:
    registry.on_menu_key(*ACCOUNT_MENU_KEYS)(account_query_reply)
    registry.on_keyword(*ACCOUNT_KEYWORDS)(account_query_reply)
