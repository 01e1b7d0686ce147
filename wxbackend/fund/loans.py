"""Loans (贷款): a contract and its whole repayment schedule, recorded as of a day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.errors import Conflict
from wxbackend.fund import calc
from wxbackend.fund import loan_repository as repo
from wxbackend.fund.models import (
    Loan,
    LoanStatus,
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


async def outstanding_principal(session: AsyncSession, account_id: int) -> int:
    """What is left to repay on the account's active loan (0 without one)."""
    return await repo.outstanding_principal(session, account_id)


async def prepay_principal(session: AsyncSession, *, account_id: int, amount: int) -> Loan:
    """冲还贷: `amount` repays principal; the unpaid periods are planned again on the rest.

    The term stays, so every later instalment gets smaller; repaying all of it settles
    the loan. The loan row is locked for the caller's transaction.
    """
    loan = await repo.active_loan_locked(session, account_id)
    if loan is None:
        raise Conflict("未查询到正在还款的公积金贷款。")
    unpaid = list(await repo.unpaid_periods(session, loan.id))
    outstanding = sum(p.principal for p in unpaid)
    if amount <= 0 or amount > outstanding:
        raise Conflict("冲还贷金额不能超过贷款剩余本金。")
    first = unpaid[0]
    await repo.delete_rows(session, unpaid)
    rest = outstanding - amount
    if rest == 0:
        loan.status = LoanStatus.SETTLED
        await session.flush()
        return loan
    plan = calc.repayment_plan(
        principal=rest,
        annual_rate_bp=loan.annual_rate_bp,
        term_months=len(unpaid),
        method=loan.method,
        start_date=calc.add_months(first.due_date, -1),
    )
    await repo.add_schedule(
        session,
        [
            RepaymentSchedule(
                loan_id=loan.id,
                period_no=first.period_no + inst.period_no - 1,
                due_date=inst.due_date,
                principal=inst.principal,
                interest=inst.interest,
                remaining_principal=inst.remaining_principal,
                status=RepaymentStatus.DUE,
                paid_on=None,
            )
            for inst in plan
        ],
    )
    return loan
