"""Payouts beyond a retry: a refused card waits for a new one; unknown outcomes are parked."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.builders import make_card
from tests.integration.test_payout import approved, state
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import EntryType, FundAccount, JournalEntry
from wxbackend.security.pii import Vault
from wxbackend.withdraw import recovery
from wxbackend.withdraw.bank import BankStatus, BankUnreachable
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.withdraw.models import Withdrawal, WithdrawalEvent, WithdrawalStatus
from wxbackend.withdraw.payout import pay_one, run_payouts

S = WithdrawalStatus


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


async def _bind_new_card(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, account_id: int
) -> str:
    async with session_scope(sessions) as session:
        for card in (
            await session.scalars(select(BankCard).where(BankCard.account_id == account_id))
        ).all():
            if card.status is CardStatus.ACTIVE:
                card.status = CardStatus.REPLACED
        account = await session.get(FundAccount, account_id)
        assert account is not None
        return (await make_card(session, vault, account)).masked


@pytest.mark.parametrize(
    ("status", "code"), [(BankStatus.REJECTED_TYPE2, "E2001"), (BankStatus.FAILED, "E1001")]
)
async def test_a_refused_card_is_paid_once_to_the_next_card(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, status: BankStatus, code: str
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.decide(w.reference, status, code=code, message="收款账户已销户")
    await run_payouts(sessions, bank=bank, vault=vault)
    assert (await state(sessions, w))[0] is S.AWAITING_CARD

    masked = await _bind_new_card(sessions, vault, w.account_id)
    first = await run_payouts(sessions, bank=bank, vault=vault)
    again = await run_payouts(sessions, bank=bank, vault=vault)
    assert w.id in first.paid
    assert w.id not in again.paid
    second_round = f"{w.reference}R1"
    assert bank.pay_count(second_round) == 1
    assert bank.payments[second_round].order.amount == w.amount
    # Paid once, from the debit made at approval: no reversal, no second debit.
    assert await state(sessions, w) == (S.PAID, w.balance_after_debit)
    async with sessions() as session:
        withdrawal = await session.get(Withdrawal, w.id)
        assert withdrawal is not None
        card = await session.get(BankCard, withdrawal.card_id)
        assert card is not None
        assert card.masked == masked
        entries = await session.scalar(
            select(func.count()).where(
                JournalEntry.ref == f"withdrawal:{w.id}",
                JournalEntry.entry_type == EntryType.REVERSAL,
            )
        )
        assert entries == 0
        moves = await session.execute(
            select(WithdrawalEvent.to_status)
            .where(WithdrawalEvent.withdrawal_id == w.id)
            .order_by(WithdrawalEvent.id)
        )
        assert [m for (m,) in moves.all()][-5:] == [
            "paying",
            "awaiting_card",
            "approved",
            "paying",
            "paid",
        ]
        assert await fund.check_ledger(session) == []


async def test_an_unknown_outcome_is_parked_after_the_last_attempt_then_requeried(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.script(w.reference, *[BankUnreachable("no answer")] * 3)
    outcomes = [
        await pay_one(sessions, w.id, bank=bank, vault=vault, lease_s=0, max_attempts=3)
        for _ in range(4)
    ]
    assert outcomes == [BankStatus.PENDING, BankStatus.PENDING, BankStatus.PENDING, None]
    assert (await state(sessions, w))[0] is S.PARKED
    async with sessions() as session:
        assert [x.id for x in await recovery.parked_payouts(session)] == [w.id]
    # Nothing asks the bank while it is parked.
    calls = bank.calls.count(("query", w.reference)) + bank.pay_count(w.reference)
    await run_payouts(sessions, bank=bank, vault=vault, max_attempts=3)
    assert bank.calls.count(("query", w.reference)) + bank.pay_count(w.reference) == calls

    async with session_scope(sessions) as session:
        assert await recovery.unpark(session, w.id, actor="operator:test") is True
        assert await recovery.unpark(session, w.id, actor="operator:test") is False
    report = await run_payouts(sessions, bank=bank, vault=vault, max_attempts=3)
    # The bank never saw the reference (every call failed): asked first, then paid once.
    assert w.id in report.paid
    ours = [call for call in bank.calls if call[1] == w.reference]
    assert ours[-2:] == [("query", w.reference), ("pay", w.reference)]
    assert bank.pay_count(w.reference) == 2  # the first, which never reached it, and this one
    assert w.reference in bank.payments
    assert bank.payments[w.reference].order.amount == w.amount
    assert await state(sessions, w) == (S.PAID, w.balance_after_debit)
