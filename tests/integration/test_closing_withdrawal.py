"""A closing withdrawal pays everything owed: closing interest, then the whole balance,
and closes the account once the money has arrived — even when the worker dies mid-payout."""

from __future__ import annotations

import asyncio
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import calc
from wxbackend.fund import interest as fund_interest
from wxbackend.fund import service as fund
from wxbackend.fund.models import AccountStatus, EntryType, FundAccount, JournalEntry
from wxbackend.security.pii import Vault
from wxbackend.withdraw import service
from wxbackend.withdraw.bank import BankAnswer, PaymentOrder
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.withdraw.models import Withdrawal, WithdrawalEvent, WithdrawalStatus
from wxbackend.withdraw.payout import pay_one, run_payouts

S = WithdrawalStatus
OPENING = 1_000_000  # ¥10,000.00 carried over on 1 July of this deposit year


class DiesAfterBooking(FakeBank):
    """The bank books the payment; the worker process is killed before it hears back."""

    async def pay(self, order: PaymentOrder) -> BankAnswer:
        await super().pay(order)
        raise asyncio.CancelledError  # a kill: no except-branch of ours runs


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


def expected_interest(today_start: int) -> int:
    """¥10,000 × 1.50 % / 360 for each day from 1 July to the day before closing."""
    value = Decimal(OPENING) * today_start * Decimal("0.015") / 360
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def approved_closing(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> tuple[Withdrawal, int]:
    """A retirement withdrawal approved by staff: (it, the closing interest posted)."""
    today = clock.today_in_china()
    year_start, _ = calc.deposit_year(calc.deposit_year_of(today))
    async with session_scope(sessions) as session:
        account = await make_account(session, vault, opening_balance=OPENING, opened_on=year_start)
        card = await make_card(session, vault, account)
        withdrawal = Withdrawal(
            account_id=account.id,
            card_id=card.id,
            kind="retirement",
            kind_name="退休提取（销户）",
            amount=OPENING,
            status=S.UNDER_REVIEW,
            closes_account=True,
            applied_on=today,
        )
        session.add(withdrawal)
        await session.flush()
        await service.approve(session, withdrawal, actor="staff:supervisor")
    interest = expected_interest((today - year_start).days)
    assert withdrawal.amount == OPENING + interest
    return withdrawal, interest


async def test_closing_pays_interest_and_balance_once_through_a_worker_kill(
    sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    today = clock.today_in_china()
    withdrawal, interest = await approved_closing(sessions, vault)

    dying = DiesAfterBooking()
    with pytest.raises(asyncio.CancelledError):
        await pay_one(sessions, withdrawal.id, bank=dying, vault=vault, lease_s=0)
    async with sessions() as session:
        stored = await session.get(FundAccount, withdrawal.account_id)
        assert stored is not None
        assert stored.status is AccountStatus.NORMAL  # not closed: nothing arrived yet

    await asyncio.sleep(0.01)  # the dead worker's lease runs out
    bank = FakeBank()
    bank.payments = dying.payments  # the same bank, as a new worker sees it
    report = await run_payouts(sessions, bank=bank, vault=vault)
    again = await run_payouts(sessions, bank=bank, vault=vault)
    assert withdrawal.id in report.paid
    assert withdrawal.id not in again.paid
    ours = [call for call in bank.calls if call[1] == withdrawal.bank_reference]
    assert ours == [("query", withdrawal.bank_reference)]  # asked, never paid twice
    assert dying.pay_count(withdrawal.bank_reference) == 1
    assert bank.payments[withdrawal.bank_reference].order.amount == OPENING + interest

    async with sessions() as session:
        stored = await session.get(FundAccount, withdrawal.account_id)
        assert stored is not None
        assert stored.status is AccountStatus.CLOSED
        assert stored.status_changed_on == clock.today_in_china()  # closed today, China time
        assert stored.balance == 0
        entries = (
            await session.execute(
                select(JournalEntry.entry_type, JournalEntry.amount, JournalEntry.memo)
                .where(JournalEntry.account_id == withdrawal.account_id)
                .order_by(JournalEntry.id)
            )
        ).all()
        assert [(t, a) for t, a, _ in entries] == [
            (EntryType.OPENING, OPENING),
            *([(EntryType.INTEREST, interest)] if interest else []),
            (EntryType.WITHDRAWAL, -(OPENING + interest)),
        ]
        paid = await session.scalar(
            select(func.count()).where(
                WithdrawalEvent.withdrawal_id == withdrawal.id, WithdrawalEvent.to_status == "paid"
            )
        )
        assert paid == 1
        assert await fund.check_ledger(session) == []
    # The 30 June run later pays that deposit year nothing more.
    async with session_scope(sessions) as session:
        assert (
            await fund_interest.post_interest(
                session, account_id=withdrawal.account_id, year=calc.deposit_year_of(today)
            )
            is None
        )
