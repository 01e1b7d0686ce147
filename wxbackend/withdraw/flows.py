"""A depositor's own withdrawals, action by action, for the JSON API and the H5 pages.

Each starts from the caller (channel + openid): the account is the one bound to them
(`binding.queryable_account`), and a withdrawal id is only ever looked up within that
account. Each returns the one read model of a withdrawal (`views.withdrawal_view`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.bind import binding
from wxbackend.bind.context import BindContext
from wxbackend.clock import today_in_china
from wxbackend.enums import Channel
from wxbackend.errors import InvalidInput
from wxbackend.money import MoneyFormatError, parse_yuan
from wxbackend.security.pii import Vault
from wxbackend.withdraw import idempotency, preview, queries, service, supplements
from wxbackend.withdraw.documents import attach_document
from wxbackend.withdraw.eligibility import precheck
from wxbackend.withdraw.models import Withdrawal, WithdrawalDocument
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.schemas import (
    ApplicationPreview,
    KindEligibilityRead,
    WithdrawalRead,
    kind_eligibility_read,
)
from wxbackend.withdraw.views import withdrawal_view


def parse_amount(amount_text: str | None) -> int | None:
    """The amount typed, in fen; empty = none given (closing kinds take the balance)."""
    if amount_text is None or not amount_text.strip():
        return None
    try:
        return parse_yuan(amount_text)
    except MoneyFormatError as exc:
        message = "提取金额格式不正确，请输入大于0的金额，如 1500.00（最多两位小数）。"
        raise InvalidInput(message, field="amount") from exc


async def eligibility(
    session: AsyncSession, vault: Vault, *, rules: RuleBook, channel: Channel, openid: str
) -> list[KindEligibilityRead]:
    """Every kind for the caller today: allowed or not, why, and what to do (a read: the
    API, the H5 apply page and the chat reply need no signing context for it)."""
    account = await binding.queryable_account(session, channel=channel, openid=openid)
    found = await precheck(
        session, rules=rules, vault=vault, account=account, today=today_in_china()
    )
    return [kind_eligibility_read(rules, e) for e in found]


async def preview_application(
    ctx: BindContext,
    *,
    rules: RuleBook,
    channel: Channel,
    openid: str,
    kind: str,
    amount_text: str | None,
) -> ApplicationPreview:
    """What the caller is about to file, checked by the rules, for them to confirm."""
    account = await binding.queryable_account(ctx.session, channel=channel, openid=openid)
    return await preview.preview(
        ctx.session,
        rules=rules,
        vault=ctx.vault,
        account=account,
        kind=kind,
        amount=parse_amount(amount_text),
        today=today_in_china(),
    )


async def apply_once(
    ctx: BindContext,
    *,
    rules: RuleBook,
    channel: Channel,
    openid: str,
    key: str | None,
    kind: str,
    amount_text: str | None,
    password: str,
) -> idempotency.Replay:
    """File the caller's application once per key, confirmed with their query password.

    A repeat of the key gets the first response. The password is checked under the same
    lockout as every other password check, after the account's row lock is taken: a burst
    of one holder's own applications is checked one by one, so correct passwords never
    add up to a lockout, while wrong ones still count.
    """
    account = await binding.queryable_account(ctx.session, channel=channel, openid=openid)
    binding.ensure_not_closed(account)
    claim = await idempotency.reserve(
        ctx.session,
        scope=f"{channel.value}:{openid}",
        key=key,
        body={"kind": kind, "amount": amount_text},
    )
    if isinstance(claim, idempotency.Replay):
        return claim
    account = await service.lock_applicant(ctx.session, account)
    await binding.verify_password(
        ctx, account_id=account.id, password=password, channel=channel, openid=openid
    )
    withdrawal = await service.apply(
        ctx.session,
        rules=rules,
        vault=ctx.vault,
        account=account,
        kind=kind,
        amount=parse_amount(amount_text),
        actor=f"user:{openid}",
        today=today_in_china(),
    )
    view = await withdrawal_view(ctx.session, rules, withdrawal)
    payload: Any = view.model_dump(mode="json")
    idempotency.complete(claim, status_code=201, body=payload)
    return idempotency.Replay(201, payload)


async def list_withdrawals(
    ctx: BindContext, *, rules: RuleBook, channel: Channel, openid: str
) -> list[WithdrawalRead]:
    """The caller's latest withdrawals, newest first, without their histories."""
    account = await binding.queryable_account(ctx.session, channel=channel, openid=openid)
    found = await queries.withdrawals_of(ctx.session, account_id=account.id)
    return [await withdrawal_view(ctx.session, rules, w, events=False) for w in found]


async def _own(
    ctx: BindContext, *, channel: Channel, openid: str, withdrawal_id: int
) -> Withdrawal:
    account = await binding.queryable_account(ctx.session, channel=channel, openid=openid)
    return await queries.own_withdrawal(
        ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
    )


async def get_withdrawal(
    ctx: BindContext, *, rules: RuleBook, channel: Channel, openid: str, withdrawal_id: int
) -> WithdrawalRead:
    """One of the caller's withdrawals with its history; anybody else's is "not found"."""
    withdrawal = await _own(ctx, channel=channel, openid=openid, withdrawal_id=withdrawal_id)
    return await withdrawal_view(ctx.session, rules, withdrawal)


async def cancel_withdrawal(
    ctx: BindContext, *, rules: RuleBook, channel: Channel, openid: str, withdrawal_id: int
) -> WithdrawalRead:
    """The applicant withdraws their application while it is still undecided."""
    withdrawal = await _own(ctx, channel=channel, openid=openid, withdrawal_id=withdrawal_id)
    await service.cancel(ctx.session, withdrawal, actor=f"user:{openid}")
    return await withdrawal_view(ctx.session, rules, withdrawal)


async def upload_document(
    ctx: BindContext,
    *,
    rules: RuleBook,
    channel: Channel,
    openid: str,
    withdrawal_id: int,
    kind: str,
    filename: str | None,
    content: bytes,
    max_bytes: int,
) -> WithdrawalDocument:
    """A supporting document for one of the caller's applications."""
    withdrawal = await _own(ctx, channel=channel, openid=openid, withdrawal_id=withdrawal_id)
    return await attach_document(
        ctx.session,
        rules=rules,
        withdrawal=withdrawal,
        kind=kind,
        filename=filename,
        content=content,
        max_bytes=max_bytes,
    )


async def remove_document(
    ctx: BindContext,
    *,
    rules: RuleBook,
    channel: Channel,
    openid: str,
    withdrawal_id: int,
    document_id: int,
) -> WithdrawalRead:
    """Take back one of the files of one of the caller's applications (before review)."""
    withdrawal = await _own(ctx, channel=channel, openid=openid, withdrawal_id=withdrawal_id)
    await supplements.remove_document(ctx.session, withdrawal, document_id=document_id)
    return await withdrawal_view(ctx.session, rules, withdrawal)


async def resubmit_withdrawal(
    ctx: BindContext, *, rules: RuleBook, channel: Channel, openid: str, withdrawal_id: int
) -> WithdrawalRead:
    """补件 done: the same application goes back to review."""
    withdrawal = await _own(ctx, channel=channel, openid=openid, withdrawal_id=withdrawal_id)
    await supplements.resubmit(ctx.session, withdrawal, actor=f"user:{openid}")
    return await withdrawal_view(ctx.session, rules, withdrawal)
