"""Two staff members racing for one case: exactly one holds it, and only the holder
decides. Runs on SQLite and (WXB_TEST_BACKEND=services) on PostgreSQL, where the
racers are real concurrent transactions."""

from __future__ import annotations

import asyncio
import secrets

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.audit.trail import AuditTrail
from wxbackend.config_features import WithdrawSettings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.errors import DomainError
from wxbackend.security.pii import Vault
from wxbackend.staff import auth, claims, service
from wxbackend.staff.auth import Staff
from wxbackend.staff.models import StaffRole
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus

RACERS = 8


async def _reviewers(factory: async_sessionmaker[AsyncSession], count: int) -> list[Staff]:
    out = []
    async with session_scope(factory) as session:
        for _ in range(count):
            user = await auth.add_staff(
                session,
                username=f"race{secrets.token_hex(4)}",
                password="correct horse battery",
                role=StaffRole.REVIEWER,
            )
            out.append(Staff(user.id, user.username, user.role))
    return out


async def _case(factory: async_sessionmaker[AsyncSession], vault: Vault) -> int:
    async with session_scope(factory) as session:
        account = await make_account(session, vault, months_of_deposits=3)
        card = await make_card(session, vault, account)
        withdrawal = Withdrawal(
            account_id=account.id,
            card_id=card.id,
            kind="illness",
            kind_name="重大疾病提取",
            amount=10_000,
            status=WithdrawalStatus.UNDER_REVIEW,
            applied_on=clock.today_in_china(),
        )
        session.add(withdrawal)
        await session.flush()
        return withdrawal.id


async def test_parallel_reviewers_opening_one_case_leave_one_holder(
    engine: AsyncEngine, vault: Vault
) -> None:
    factory = create_sessionmaker(engine)
    staff = await _reviewers(factory, RACERS)
    withdrawal_id = await _case(factory, vault)

    async def open_case(reviewer: Staff) -> str:
        try:
            async with session_scope(factory) as session:
                await claims.take(session, staff=reviewer, withdrawal_id=withdrawal_id)
        except DomainError as exc:
            return exc.code
        return "held"

    results = await asyncio.gather(*(open_case(s) for s in staff))
    assert results.count("held") == 1, results
    assert set(results) == {"held", "staff.case_held"}
    holder = staff[results.index("held")]
    async with session_scope(factory) as session:
        seen = await claims.state(session, staff=holder, withdrawal_id=withdrawal_id)
    assert seen.mine
    assert seen.holder == holder.username


async def test_parallel_approvals_by_different_reviewers_decide_once(
    engine: AsyncEngine, vault: Vault
) -> None:
    factory = create_sessionmaker(engine)
    staff = await _reviewers(factory, RACERS)
    withdrawal_id = await _case(factory, vault)
    settings = WithdrawSettings()

    async def approve(reviewer: Staff) -> str:
        audit = AuditTrail(factory)
        try:
            async with session_scope(factory) as session:
                await service.approve(
                    session,
                    audit=audit,
                    settings=settings,
                    staff=reviewer,
                    withdrawal_id=withdrawal_id,
                    note=None,
                )
            return "approved"
        except DomainError as exc:
            return exc.code
        finally:
            await audit.flush()

    results = await asyncio.gather(*(approve(s) for s in staff))
    assert results.count("approved") == 1, results
    assert set(results) - {"approved"} <= {"staff.case_held", "withdrawal.state_changed"}
    async with session_scope(factory) as session:
        stored = await session.get(Withdrawal, withdrawal_id)
        assert stored is not None
        assert stored.status is WithdrawalStatus.APPROVED
