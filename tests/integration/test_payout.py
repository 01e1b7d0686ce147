"""Paying withdrawals exactly once, whatever the worker or the bank does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import AccountStatus, EntryType, FundAccount, JournalEntry
from wxbackend.security.pii import Vault
from wxbackend.withdraw import service
from wxbackend.withdraw.bank import BankAnswer, BankStatus
from wxbackend.withdraw.fakes import FakeBank, Fault
from wxbackend.withdraw.models import Withdrawal, WithdrawalEvent, WithdrawalStatus
from wxbackend.withdraw.payout import apply_answer, pay_one, run_payouts

S = WithdrawalStatus


@dataclass
class Approved:
    id: int
    account_id: int
    amount: int
    reference: str
    balance_after_debit: int


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


async def approved(
    sessions: async_sessionmaker[AsyncSession], vault: Vault, *, kind: str = "illness"
) -> Approved:
    """An account with a card and one approved (debited) withdrawal of 1,000.00."""
    async with session_scope(sessions) as session:
        account = await make_account(session, vault, months_of_deposits=3)
        card = await make_card(session, vault, account)
        amount = account.balance if kind == "retirement" else 100_000
        withdrawal = Withdrawal(
            account_id=account.id,
            card_id=card.id,
            kind=kind,
            kind_name=f"{kind}提取",
            amount=amount,
            status=S.UNDER_REVIEW,
            closes_account=kind == "retirement",
            applied_on=clock.today_in_china(),
        )
        session.add(withdrawal)
        await session.flush()
        await service.approve(session, withdrawal, actor="staff:test")
        await session.refresh(account)
        return Approved(
            withdrawal.id, account.id, amount, withdrawal.bank_reference, account.balance
        )


async def state(sessions: async_sessionmaker[AsyncSession], w: Approved) -> tuple[S, int]:
    async with sessions() as session:
        withdrawal = await session.get(Withdrawal, w.id)
        account = await session.get(FundAccount, w.account_id)
        assert withdrawal is not None
        assert account is not None
        return withdrawal.status, account.balance


async def paid_events(sessions: async_sessionmaker[AsyncSession], w: Approved) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).where(
                WithdrawalEvent.withdrawal_id == w.id, WithdrawalEvent.to_status == "paid"
            )
        )
        return int(count or 0)


async def test_an_approved_withdrawal_is_paid_once(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    first = await run_payouts(sessions, bank=bank, vault=vault)
    second = await run_payouts(sessions, bank=bank, vault=vault)
    assert w.id in first.paid
    assert w.id not in second.paid
    assert bank.pay_count(w.reference) == 1
    assert bank.payments[w.reference].order.amount == w.amount
    assert await state(sessions, w) == (S.PAID, w.balance_after_debit)
    assert await paid_events(sessions, w) == 1
    async with sessions() as session:
        moves = await session.execute(
            select(WithdrawalEvent.from_status, WithdrawalEvent.to_status)
            .where(WithdrawalEvent.withdrawal_id == w.id)
            .order_by(WithdrawalEvent.id)
        )
        assert [tuple(m) for m in moves.all()][-2:] == [("approved", "paying"), ("paying", "paid")]


async def test_the_worker_dying_after_its_claim_does_not_pay_twice(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    """Claimed (paying) and then the process died before calling the bank."""
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.script(w.reference, Fault.BOOKED_THEN_TIMEOUT)  # the bank booked; we never heard
    assert await pay_one(sessions, w.id, bank=bank, vault=vault, lease_s=0) is BankStatus.PENDING
    assert (await state(sessions, w))[0] is S.PAYING
    await asyncio.sleep(0.01)  # the lease runs out
    await run_payouts(sessions, bank=bank, vault=vault)
    assert bank.calls == [("pay", w.reference), ("query", w.reference)]
    assert await state(sessions, w) == (S.PAID, w.balance_after_debit)


async def test_a_timeout_before_booking_is_paid_after_asking_the_bank(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.script(w.reference, Fault.TIMEOUT)
    await pay_one(sessions, w.id, bank=bank, vault=vault, lease_s=0)
    await asyncio.sleep(0.01)
    await run_payouts(sessions, bank=bank, vault=vault)
    assert bank.calls == [("pay", w.reference), ("query", w.reference), ("pay", w.reference)]
    assert len(bank.payments) >= 1
    assert (await state(sessions, w))[0] is S.PAID


async def test_an_unknown_outcome_waits_while_the_lease_holds(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.script(w.reference, Fault.BOOKED_THEN_TIMEOUT)
    await pay_one(sessions, w.id, bank=bank, vault=vault, lease_s=60)
    again = await run_payouts(sessions, bank=bank, vault=vault)
    assert w.id not in again.paid + again.failed + again.unknown
    async with sessions() as session:
        withdrawal = await session.get(Withdrawal, w.id)
        assert withdrawal is not None
        assert withdrawal.status is S.PAYING
        assert withdrawal.last_payout_error  # says why it is still paying


async def test_the_same_job_running_twice_at_once_pays_once(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    await asyncio.gather(*(pay_one(sessions, w.id, bank=bank, vault=vault) for _ in range(5)))
    assert bank.pay_count(w.reference) == 1
    assert await paid_events(sessions, w) == 1


async def test_the_bank_answering_twice_is_booked_once(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    await run_payouts(sessions, bank=FakeBank(), vault=vault)
    await apply_answer(sessions, w.id, BankAnswer(BankStatus.PAID))
    await apply_answer(sessions, w.id, BankAnswer(BankStatus.FAILED))  # late and contradictory
    assert await state(sessions, w) == (S.PAID, w.balance_after_debit)
    assert await paid_events(sessions, w) == 1


async def test_a_refused_payment_returns_the_money_once(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.decide(w.reference, BankStatus.FAILED, code="E3001", message="超出单笔限额")
    report = await run_payouts(sessions, bank=bank, vault=vault)
    assert report.failed == [w.id]
    await apply_answer(sessions, w.id, BankAnswer(BankStatus.FAILED))
    status, balance = await state(sessions, w)
    assert status is S.FAILED
    assert balance == w.balance_after_debit + w.amount
    async with sessions() as session:
        reversals = (
            await session.scalars(
                select(JournalEntry).where(
                    JournalEntry.ref == f"withdrawal:{w.id}",
                    JournalEntry.entry_type == EntryType.REVERSAL,
                )
            )
        ).all()
        assert [r.amount for r in reversals] == [w.amount]
        assert reversals[0].value_date == clock.today_in_china()  # returned today, China time
        assert await fund.check_ledger(session) == []


async def test_a_type2_refusal_marks_the_card_and_waits_for_a_new_one(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.decide(w.reference, BankStatus.REJECTED_TYPE2, code="E2001")
    await run_payouts(sessions, bank=bank, vault=vault)
    async with sessions() as session:
        withdrawal = await session.get(Withdrawal, w.id)
        assert withdrawal is not None
        card = await session.get(BankCard, withdrawal.card_id)
        assert card is not None
        assert card.status is CardStatus.REJECTED_TYPE2
        assert withdrawal.status is S.AWAITING_CARD
        assert "II类账户" in (withdrawal.reason or "")
    # Still owed: the money stays debited, nothing is returned or paid meanwhile.
    assert await state(sessions, w) == (S.AWAITING_CARD, w.balance_after_debit)
    await run_payouts(sessions, bank=bank, vault=vault)
    assert bank.pay_count(w.reference) == 1


async def test_a_pending_payment_stays_visible_until_it_settles(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault)
    bank = FakeBank()
    bank.decide(w.reference, BankStatus.PENDING)
    await pay_one(sessions, w.id, bank=bank, vault=vault, lease_s=0)
    async with sessions() as session:
        withdrawal = await session.get(Withdrawal, w.id)
        assert withdrawal is not None
        assert (withdrawal.status, withdrawal.last_payout_error) == (S.PAYING, "银行处理中")
    bank.settle(w.reference, BankStatus.PAID)
    await asyncio.sleep(0.01)
    await run_payouts(sessions, bank=bank, vault=vault)
    assert (await state(sessions, w))[0] is S.PAID
    assert bank.pay_count(w.reference) == 1


async def test_a_closing_withdrawal_closes_the_account_after_payment(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    w = await approved(sessions, vault, kind="retirement")
    assert w.balance_after_debit == 0
    await run_payouts(sessions, bank=FakeBank(), vault=vault)
    async with sessions() as session:
        account = await session.get(FundAccount, w.account_id)
        assert account is not None
        assert account.status is AccountStatus.CLOSED
        assert account.balance == 0
