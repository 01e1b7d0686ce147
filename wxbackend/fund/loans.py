"""Loans (贷款): a contract and its whole repayment schedule, recorded as of a day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import Conflict
from wxbackend.fund import calc
from wxbackend.fund import repository as repo
from wxbackend.fund.models import (
    Loan,
    RepaymentMethod,
    RepaymentSchedule,
    RepaymentStatus,
)


def schedule_rows(
    plan: list[calc.Instalment], *, loan_id: int, today: date, overdue_periods: int = 0
) -> list[RepaymentSchedule]:
    """Repayment rows as of `today`: past periods paid, except the last `overdue_periods`."""
    past = [i for i in plan if i.due_date <= today]
    overdue_from = len(past) - overdue_periods
    rows = []
    for index, inst in enumerate(plan):
        if inst.due_date > today:
            status, paid_on = RepaymentStatus.DUE, None
        elif index >= overdue_from:
            status, paid_on = RepaymentStatus.OVERDUE, None
        else:
            status, paid_on = RepaymentStatus.PAID, inst.due_date
        rows.append(
            RepaymentSchedule(
                loan_id=loan_id,
                period_no=inst.period_no,
                due_date=inst.due_date,
                principal=inst.principal,
                interest=inst.interest,
                remaining_principal=inst.remaining_principal,
                status=status,
                paid_on=paid_on,
            )
        )
    return rows


async def loan_flags(session: AsyncSession, account_id: int) -> tuple[bool, bool]:
    """(has an active loan, has an overdue instalment): what withdrawal rules ask."""
    return await repo.loan_flags(session, account_id)


async def add_loan(
    session: AsyncSession,
    *,
    account_id: int,
    contract_no: str,
    principal: int,
    annual_rate_bp: int,
    term_months: int,
    method: RepaymentMethod,
    start_date: date,
    today: date,
    overdue_periods: int = 0,
) -> Loan:
    """Record a loan and its full repayment schedule as of `today`."""
    if await repo.get_loan_by_contract(session, contract_no) is not None:
        raise Conflict("贷款合同号已存在。")
    loan = Loan(
        contract_no=contract_no,
        account_id=account_id,
        principal=principal,
        annual_rate_bp=annual_rate_bp,
        term_months=term_months,
        method=method,
        start_date=start_date,
    )
    session.add(loan)
    await session.flush()
    plan = calc.repayment_plan(
        principal=principal,
        annual_rate_bp=annual_rate_bp,
        term_months=term_months,
        method=method,
        start_date=start_date,
    )
    await repo.add_schedule(
        session, schedule_rows(plan, loan_id=loan.id, today=today, overdue_periods=overdue_periods)
    )
    return loan
