"""Filing an application from any edge (JSON API, H5 form): idempotency key, amount
parsing, the caller's own account, the rules, and the response kept for replays."""

from __future__ import annotations

from typing import Any

from wxbackend.bind import binding
from wxbackend.bind.context import BindContext
from wxbackend.clock import today_in_china
from wxbackend.enums import Channel
from wxbackend.errors import InvalidInput
from wxbackend.money import MoneyFormatError, parse_yuan
from wxbackend.withdraw import idempotency, service
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.views import withdrawal_view


async def apply_once(
    ctx: BindContext,
    *,
    rules: RuleBook,
    channel: Channel,
    openid: str,
    key: str | None,
    kind: str,
    amount_text: str | None,
) -> idempotency.Replay:
    """File the caller's application once per key; a repeat gets the first response."""
    claim = await idempotency.reserve(
        ctx.session,
        scope=f"{channel.value}:{openid}",
        key=key,
        body={"kind": kind, "amount": amount_text},
    )
    if isinstance(claim, idempotency.Replay):
        return claim
    try:
        amount = None if amount_text is None else parse_yuan(amount_text)
    except MoneyFormatError as exc:
        message = "提取金额格式不正确，请输入如 1500.00 的金额。"
        raise InvalidInput(message, field="amount") from exc
    account = await binding.queryable_account(ctx, channel=channel, openid=openid)
    withdrawal = await service.apply(
        ctx.session,
        rules=rules,
        account=account,
        kind=kind,
        amount=amount,
        actor=f"user:{openid}",
        today=today_in_china(),
    )
    view = await withdrawal_view(ctx.session, rules, withdrawal)
    payload: Any = view.model_dump(mode="json")
    idempotency.complete(claim, status_code=201, body=payload)
    return idempotency.Replay(201, payload)
