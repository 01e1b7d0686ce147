"""`generate_demo` on a fresh database: a realistic centre whose ledger balances."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend.config import DatabaseSettings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.demo import IDENTITIES, Scenario, generate_demo
from wxbackend.demo.identities import NEW_JOINER_MONTHS, OVERDUE_PERIODS
from wxbackend.fund import calc, service
from wxbackend.fund.models import (
    AccountStatus,
    Deposit,
    Employer,
    EntryType,
    FundAccount,
    InterestPosting,
    JournalEntry,
    Loan,
    RepaymentSchedule,
    RepaymentStatus,
)
from wxbackend.points.models import ServicePoint
from wxbackend.security.pii import Vault

TODAY = date(2026, 11, 20)


@pytest.fixture
async def fresh_sessions(
    fresh_database_url: str,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(DatabaseSettings(url=fresh_database_url))
    yield create_sessionmaker(engine)
    await engine.dispose()


async def _count(session: AsyncSession, model: type[Any], *where: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_demo_builds_a_consistent_centre(
    fresh_sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    async with session_scope(fresh_sessions) as session:
        summary = await generate_demo(session, vault, accounts=300, seed=7, today=TODAY)
    assert summary is not None
    assert summary.accounts == 300
    async with session_scope(fresh_sessions) as session:
        assert await generate_demo(session, vault, accounts=300, seed=7, today=TODAY) is None

    async with session_scope(fresh_sessions) as s:
        assert await _count(s, FundAccount) == 300
        assert await _count(s, Employer) >= 20
        assert await _count(s, ServicePoint) >= 15
        assert await service.check_ledger(s) == []

        # Every entry's balance_after is the running sum of its account's journal.
        running: dict[int, int] = {}
        rows = await s.execute(
            select(
                JournalEntry.account_id, JournalEntry.amount, JournalEntry.balance_after
            ).order_by(JournalEntry.account_id, JournalEntry.id)
        )
        for account_id, amount, balance_after in rows:
            running[account_id] = running.get(account_id, 0) + amount
            assert balance_after == running[account_id]

        rates = set(await s.scalars(select(InterestPosting.rate_bp).distinct()))
        assert rates == {calc.INTEREST_RATE_BP}
        assert await _count(s, FundAccount, FundAccount.status == AccountStatus.SEALED) > 0
        closed = list(
            await s.scalars(select(FundAccount).where(FundAccount.status == AccountStatus.CLOSED))
        )
        assert closed
        assert all(a.balance == 0 for a in closed)
        assert await _count(s, JournalEntry, JournalEntry.entry_type == EntryType.WITHDRAWAL) > 0
        assert await _count(s, Loan) >= 20
        overdue = RepaymentSchedule.status == RepaymentStatus.OVERDUE
        assert await _count(s, RepaymentSchedule, overdue) >= OVERDUE_PERIODS

        # Sealed accounts got no deposit after the employer stopped paying.
        late = await s.scalar(
            select(func.count())
            .select_from(Deposit)
            .join(FundAccount, FundAccount.id == Deposit.account_id)
            .where(
                FundAccount.status == AccountStatus.SEALED,
                Deposit.paid_for_month >= FundAccount.status_changed_on,
            )
        )
        assert late == 0
        ratios = await s.execute(
            select(func.min(Deposit.employer_ratio_bp), func.max(Deposit.employee_ratio_bp))
        )
        low, high = ratios.one()
        assert low >= 500
        assert high <= 1200


async def test_demo_identities_are_findable_and_in_their_states(
    fresh_sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    async with session_scope(fresh_sessions) as session:
        await generate_demo(session, vault, accounts=50, seed=1, today=TODAY)
    async with session_scope(fresh_sessions) as s:
        for identity in IDENTITIES:
            found = await service.find_accounts_by_id_no(s, vault, identity.id_no)
            assert [a.account_no for a in found] == [identity.account_no]
            account = found[0]
            assert service.reveal_name(vault, account) == identity.name
            assert account.status is identity.status
            assert service.reveal_id_no(vault, account) == identity.id_no
            assert service.reveal_mobile(vault, account) == identity.mobile
            await _check_interest_matches_post_interest_rule(s, account.id)
            deposits = await _count(s, Deposit, Deposit.account_id == account.id)
            loans = list(await s.scalars(select(Loan).where(Loan.account_id == account.id)))
            if identity.scenario is Scenario.NEW_JOINER:
                assert deposits == NEW_JOINER_MONTHS
            elif identity.scenario in (Scenario.SEALED, Scenario.CLOSED):
                assert deposits >= 30  # the employer stopped paying some months ago
            else:
                assert deposits >= 36
            if identity.scenario is Scenario.SEALED:
                assert account.status_changed_on is not None
                assert (TODAY - account.status_changed_on).days > 183
            if identity.scenario is Scenario.CLOSED:
                assert account.balance == 0
            if identity.scenario in (Scenario.LOAN, Scenario.OVERDUE_LOAN):
                assert len(loans) == 1
                overdue = await _count(
                    s,
                    RepaymentSchedule,
                    RepaymentSchedule.loan_id == loans[0].id,
                    RepaymentSchedule.status == RepaymentStatus.OVERDUE,
                )
                expected = OVERDUE_PERIODS if identity.scenario is Scenario.OVERDUE_LOAN else 0
                assert overdue == expected
            else:
                assert loans == []
            if identity.scenario is Scenario.HEALTHY:
                assert account.balance > 10_000_000


async def _check_interest_matches_post_interest_rule(s: AsyncSession, account_id: int) -> None:
    """Each posting equals what fund.interest.post_interest computes from the journal."""
    postings = await s.scalars(
        select(InterestPosting).where(InterestPosting.account_id == account_id)
    )
    entries = (
        await s.execute(
            select(JournalEntry.value_date, JournalEntry.amount, JournalEntry.ref)
            .where(JournalEntry.account_id == account_id)
            .order_by(JournalEntry.id)
        )
    ).all()
    for posting in postings:
        start, end = calc.deposit_year(posting.year)
        before = [e for e in entries if e.ref != f"interest:{posting.year}"]
        expected = calc.yearly_interest(
            opening_balance=sum(e.amount for e in before if e.value_date < start),
            movements=[(e.value_date, e.amount) for e in before if start <= e.value_date <= end],
            year=posting.year,
            rate_bp=posting.rate_bp,
        )
        assert posting.amount == expected
        assert posting.posted_on == end


async def test_tampered_balance_is_caught_by_check_ledger(
    fresh_sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    async with session_scope(fresh_sessions) as session:
        await generate_demo(session, vault, accounts=20, seed=3, today=TODAY)
    async with session_scope(fresh_sessions) as s:
        await s.execute(
            update(FundAccount)
            .where(FundAccount.account_no == IDENTITIES[0].account_no)
            .values(balance=FundAccount.balance + 1)
        )
    async with session_scope(fresh_sessions) as s:
        mismatches = await service.check_ledger(s)
    assert [m.account_no for m in mismatches] == [IDENTITIES[0].account_no]
    assert mismatches[0].balance - mismatches[0].journal_sum == 1


async def test_demo_full_size(
    fresh_sessions: async_sessionmaker[AsyncSession], vault: Vault
) -> None:
    async with session_scope(fresh_sessions) as session:
        summary = await generate_demo(session, vault, today=TODAY)
    assert summary is not None
    assert summary.accounts >= 2000
    assert summary.deposits >= 2000 * 30
    async with session_scope(fresh_sessions) as s:
        assert await service.check_ledger(s) == []
        assert await _count(s, FundAccount) == summary.accounts
