"""Paying approved withdrawals exactly once.

Each attempt claims the withdrawal (approved → paying, with a lease) and commits before
the bank is called, so a second worker cannot take it. A retry after an unknown outcome
(timeout, crash, expired lease) first asks the bank what became of the reference and
pays again only when the bank never saw it. Answers are applied with conditional
updates, so a repeated answer changes nothing; a failure posts one reversal entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend import clock
from wxbackend.cards import service as cards
from wxbackend.db import session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import EntryType
from wxbackend.security.pii import Vault
from wxbackend.withdraw import recovery
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.bank import (
    CARD_REFUSAL_CODES,
    BankAnswer,
    BankGateway,
    BankStatus,
    BankUnreachable,
    PaymentOrder,
)
from wxbackend.withdraw.errors import WithdrawalStateChanged
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.notices import tell_applicant
from wxbackend.withdraw.service import SYSTEM, record

log = structlog.get_logger(__name__)
S = WithdrawalStatus

FAILURE_NOTES = {
    BankStatus.FAILED: "银行退回，款项已退回公积金账户",
    BankStatus.REJECTED_TYPE2: (
        "收款卡为II类账户，银行拒绝入账，请绑定本人其他I类借记卡，绑定后将自动重新支付"
    ),
}
CARD_REFUSED_NOTE = "收款卡无法入账（{message}），请绑定本人其他I类借记卡，绑定后将自动重新支付"


@dataclass
class PayoutReport:
    paid: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)


def _now() -> datetime:
    return clock.now()


async def run_payouts(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bank: BankGateway,
    vault: Vault,
    limit: int = 20,
    lease_s: float = 120.0,
    max_attempts: int = 6,
) -> PayoutReport:
    """One pass over what is due: approved, or paying with an expired lease; first,
    withdrawals that waited for a new card and now have one go back to be paid."""
    report = PayoutReport()
    await recovery.resume_with_new_cards(sessionmaker)
    async with session_scope(sessionmaker) as session:
        due = await repo.payout_candidates(session, now=_now(), limit=limit)
    for withdrawal_id in due:
        outcome = await pay_one(
            sessionmaker,
            withdrawal_id,
            bank=bank,
            vault=vault,
            lease_s=lease_s,
            max_attempts=max_attempts,
        )
        if outcome is BankStatus.PAID:
            report.paid.append(withdrawal_id)
        elif outcome in FAILURE_NOTES:
            report.failed.append(withdrawal_id)
        elif outcome is not None:
            report.unknown.append(withdrawal_id)
    return report


async def pay_one(
    sessionmaker: async_sessionmaker[AsyncSession],
    withdrawal_id: int,
    *,
    bank: BankGateway,
    vault: Vault,
    lease_s: float = 120.0,
    max_attempts: int = 6,
) -> BankStatus | None:
    """One attempt at one withdrawal; None when another worker holds it.

    An outcome still unknown after `max_attempts` (no answer, or one we cannot trust)
    parks the withdrawal for an operator instead of asking forever.
    """
    now = _now()
    async with session_scope(sessionmaker) as session:
        if not await repo.claim_for_payout(
            session, withdrawal_id, now=now, lease_until=now + timedelta(seconds=lease_s)
        ):
            return None
        withdrawal = await repo.get_withdrawal(session, withdrawal_id)
        assert withdrawal is not None  # noqa: S101 - just claimed in this transaction
        order = await _order(session, vault, withdrawal)
        first_attempt = withdrawal.payout_attempts == 1
        attempts = withdrawal.payout_attempts
        if first_attempt:
            await record(session, withdrawal_id, from_status=S.APPROVED, to=S.PAYING, actor=SYSTEM)
    try:
        answer = await _ask_bank(bank, order, first_attempt=first_attempt)
    except BankUnreachable as exc:  # no answer, or one not signed with our key
        log.warning("payout.unknown", withdrawal_id=withdrawal_id, error=type(exc).__name__)
        async with session_scope(sessionmaker) as session:
            if attempts >= max_attempts:
                await recovery.park(session, withdrawal_id, attempts=attempts)
                return BankStatus.PENDING
            await repo.move(
                session,
                withdrawal_id,
                from_statuses=(S.PAYING,),
                to=S.PAYING,
                last_payout_error="银行无应答，待查询确认",
            )
        return BankStatus.PENDING
    return await apply_answer(sessionmaker, withdrawal_id, answer)


async def _ask_bank(bank: BankGateway, order: PaymentOrder, *, first_attempt: bool) -> BankAnswer:
    if not first_attempt:
        # An earlier attempt may have reached the bank: never pay without knowing.
        known = await bank.query(order.reference)
        if known.status is not BankStatus.NOT_FOUND:
            return known
    return await bank.pay(order)


async def _order(session: AsyncSession, vault: Vault, withdrawal: Withdrawal) -> PaymentOrder:
    card = await cards.get_card(session, withdrawal.card_id) if withdrawal.card_id else None
    account = await fund.get_account(session, withdrawal.account_id)
    if card is None or account is None:
        raise RuntimeError(f"withdrawal {withdrawal.id} lost its card or account")
    return PaymentOrder(
        reference=withdrawal.bank_reference,
        card_no=vault.open(card.pii_key_id, card.card_no_enc),
        holder_name=fund.reveal_name(vault, account),
        bank_code=card.bank_code,
        amount=withdrawal.amount,
    )


async def apply_answer(
    sessionmaker: async_sessionmaker[AsyncSession], withdrawal_id: int, answer: BankAnswer
) -> BankStatus:
    """Book the bank's answer once: paid, or failed with the money returned."""
    async with session_scope(sessionmaker) as session:
        withdrawal = await repo.get_withdrawal(session, withdrawal_id)
        if withdrawal is None:
            raise RuntimeError(f"withdrawal {withdrawal_id} vanished")
        if answer.status is BankStatus.PAID:
            await _paid(session, withdrawal)
        elif card_refused(answer):
            await _awaiting_card(session, withdrawal, answer)
        elif answer.status in FAILURE_NOTES:
            await _failed(session, withdrawal, answer)
        else:
            await repo.move(
                session,
                withdrawal_id,
                from_statuses=(S.PAYING,),
                to=S.PAYING,
                last_payout_error="银行处理中",
            )
    log.info("payout.answer", withdrawal_id=withdrawal_id, status=answer.status.value)
    return answer.status


async def _paid(session: AsyncSession, withdrawal: Withdrawal) -> None:
    if not await repo.move(
        session, withdrawal.id, from_statuses=(S.PAYING,), to=S.PAID, paid_at=_now()
    ):
        return  # already booked (the bank answered twice)
    await record(session, withdrawal.id, from_status=S.PAYING, to=S.PAID, actor=SYSTEM)
    await tell_applicant(
        session,
        withdrawal,
        "withdrawal_paid",
        bank_card=await cards.card_label(session, withdrawal.card_id)
        if withdrawal.card_id
        else "本人银行卡",
    )
    if withdrawal.closes_account:
        await fund.close_account(session, withdrawal.account_id, on=clock.today_in_china())
    await session.flush()


def card_refused(answer: BankAnswer) -> bool:
    """The bank refused the card, not the payment: another card of the holder will do."""
    return answer.status is BankStatus.REJECTED_TYPE2 or (
        answer.status is BankStatus.FAILED and answer.code in CARD_REFUSAL_CODES
    )


async def _awaiting_card(session: AsyncSession, withdrawal: Withdrawal, answer: BankAnswer) -> None:
    """The money stays debited and owed: paid again, once, to the next card bound."""
    if answer.status is BankStatus.REJECTED_TYPE2:
        note = FAILURE_NOTES[BankStatus.REJECTED_TYPE2]
    else:
        note = CARD_REFUSED_NOTE.format(message=answer.message or answer.code)
    if not await repo.move(
        session, withdrawal.id, from_statuses=(S.PAYING,), to=S.AWAITING_CARD, reason=note
    ):
        return
    await record(
        session, withdrawal.id, from_status=S.PAYING, to=S.AWAITING_CARD, actor=SYSTEM, note=note
    )
    await tell_applicant(session, withdrawal, "withdrawal_failed", reason=note[:20])
    if answer.status is BankStatus.REJECTED_TYPE2 and withdrawal.card_id:
        await cards.mark_refused_as_type2(session, withdrawal.card_id)
    await session.flush()


async def _failed(session: AsyncSession, withdrawal: Withdrawal, answer: BankAnswer) -> None:
    note = FAILURE_NOTES[answer.status]
    if answer.code:
        note = f"银行拒绝受理（{answer.code}），款项已退回公积金账户"
    if not await repo.move(
        session, withdrawal.id, from_statuses=(S.PAYING,), to=S.FAILED, reason=note
    ):
        return
    await record(session, withdrawal.id, from_status=S.PAYING, to=S.FAILED, actor=SYSTEM, note=note)
    await tell_applicant(session, withdrawal, "withdrawal_failed", reason=note)
    await fund.post_entry(
        session,
        account_id=withdrawal.account_id,
        entry_type=EntryType.REVERSAL,
        amount=withdrawal.amount,
        value_date=clock.today_in_china(),
        ref=f"withdrawal:{withdrawal.id}",
        memo=note,
    )
    await session.flush()


async def query_bank_now(
    sessionmaker: async_sessionmaker[AsyncSession], withdrawal_id: int, *, bank: BankGateway
) -> BankStatus:
    """An operator asks the bank about one unsettled payout now; the answer is booked as
    the worker would book it. NOT_FOUND changes nothing: the worker pays again only after
    its lease runs out, and it asks the bank first itself. BankUnreachable propagates."""
    async with session_scope(sessionmaker) as session:
        withdrawal = await repo.get_withdrawal(session, withdrawal_id)
        if withdrawal is None or withdrawal.status is not S.PAYING:
            raise WithdrawalStateChanged()
        reference = withdrawal.bank_reference
    answer = await bank.query(reference)
    if answer.status is BankStatus.NOT_FOUND:
        return answer.status
    return await apply_answer(sessionmaker, withdrawal_id, answer)
