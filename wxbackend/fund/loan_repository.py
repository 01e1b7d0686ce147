"""SQL for loans (贷款) and their repayment schedules; `fund.loans` is its one user."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund.models import Loan, LoanStatus, RepaymentSchedule, RepaymentStatus


async def get_loan_by_contract(session: AsyncSession, contract_no: str) -> Loan | None:
    return await session.scalar(select(Loan).where(Loan.contract_no == contract_no))


async def add_schedule(session: AsyncSession, rows: Sequence[RepaymentSchedule]) -> None:
    session.add_all(rows)
    await session.flush()


async def loan_flags(session: AsyncSession, account_id: int) -> tuple[bool, bool]:
    """(has an active loan, has an overdue instalment)."""
    active = await session.scalar(
        select(Loan.id)
        .where(Loan.account_id == account_id, Loan.status == LoanStatus.ACTIVE)
        .limit(1)
    )
    overdue = await session.scalar(
        select(RepaymentSchedule.id)
        .join(Loan, Loan.id == RepaymentSchedule.loan_id)
        .where(
            Loan.account_id == account_id,
            RepaymentSchedule.status == RepaymentStatus.OVERDUE,
        )
        .limit(1)
    )
    return active is not None, overdue is not None


async def active_loan_locked(session: AsyncSession, account_id: int) -> Loan | None:
    """The account's active loan, its row locked until the transaction ends."""
    return await session.scalar(
        select(Loan)
        .where(Loan.account_id == account_id, Loan.status == LoanStatus.ACTIVE)
        .order_by(Loan.id)
        .limit(1)
        .with_for_update()
    )


async def unpaid_periods(session: AsyncSession, loan_id: int) -> Sequence[RepaymentSchedule]:
    result = await session.scalars(
        select(RepaymentSchedule)
        .where(
            RepaymentSchedule.loan_id == loan_id,
            RepaymentSchedule.status != RepaymentStatus.PAID,
        )
        .order_by(RepaymentSchedule.period_no)
    )
    return result.all()


async def outstanding_principal(session: AsyncSession, account_id: int) -> int:
    """Principal not yet repaid on the account's active loans."""
    total = await session.scalar(
        select(func.coalesce(func.sum(RepaymentSchedule.principal), 0))
        .join(Loan, Loan.id == RepaymentSchedule.loan_id)
        .where(
            Loan.account_id == account_id,
            Loan.status == LoanStatus.ACTIVE,
            RepaymentSchedule.status != RepaymentStatus.PAID,
        )
    )
    return int(total or 0)


async def delete_rows(session: AsyncSession, rows: Sequence[object]) -> None:
    for row in rows:
        await session.delete(row)
    await session.flush()
