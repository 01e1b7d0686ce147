"""Concurrent approvals and applications against one account can never overdraw it."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import FundAccount, JournalEntry
from wxbackend.security.pii import Vault
from wxbackend.withdraw import service
from wxbackend.withdraw.errors import WithdrawalStateChanged
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus


async def test_concurrent_approvals_never_overdraw(engine: AsyncEngine, vault: Vault) -> None:
    factory = create_sessionmaker(engine)
    async with session_scope(factory) as session:
        account = await make_account(session, vault, months_of_deposits=3)
        card = await make_card(session, vault, account)
        balance = account.balance
        amount = balance // 4 + 1  # three fit, the fourth cannot
        ids = []
        # One open application per kind and account: four kinds, each under review.
        for kind in ("rent", "purchase", "illness", "loan_repayment"):
            withdrawal = Withdrawal(
                account_id=account.id,
                card_id=card.id,
                kind=kind,
                kind_name=kind,
                amount=amount,
                status=WithdrawalStatus.UNDER_REVIEW,
                applied_on=clock.today_in_china(),
            )
            session.add(withdrawal)
            await session.flush()
            ids.append(withdrawal.id)

    async def approve(withdrawal_id: int) -> bool:
        try:
            async with session_scope(factory) as session:
                withdrawal = await session.get(Withdrawal, withdrawal_id)
                assert withdrawal is not None
                await service.approve(session, withdrawal, actor="staff:race")
            return True
        except (fund.InsufficientBalance, WithdrawalStateChanged):
            return False

    results = await asyncio.gather(*(approve(i) for i in ids))
    assert results.count(True) == 3
    async with session_scope(factory) as session:
        stored = await session.get(FundAccount, account.id)
        assert stored is not None
        assert stored.balance == balance - 3 * amount >= 0
        approved = await session.scalar(
            select(func.count()).where(
                Withdrawal.account_id == account.id,
                Withdrawal.status == WithdrawalStatus.APPROVED,
            )
        )
        debits = await session.scalar(
            select(func.coalesce(func.sum(JournalEntry.amount), 0)).where(
                JournalEntry.account_id == account.id, JournalEntry.entry_type == "withdrawal"
            )
        )
        assert approved == 3
        assert debits == -3 * amount
        assert await fund.check_ledger(session) == []
