"""The caller's loans: overview (periods paid, overdue, remaining principal, next due)
and the repayment schedule."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.account import display
from wxbackend.account import repository as repo
from wxbackend.account.schemas import LoanList, LoanRead, RepaymentRead, SchedulePage
from wxbackend.account.service import MAX_PAGE_SIZE, caller_account
from wxbackend.enums import Channel
from wxbackend.errors import NotFound
from wxbackend.fund.calc import add_months
from wxbackend.fund.models import Loan, RepaymentSchedule, RepaymentStatus


class LoanNotFound(NotFound):
    code = "account.loan_not_found"
    default_message = "未找到该贷款。"


def summarise(loan: Loan, periods: Sequence[RepaymentSchedule]) -> LoanRead:
    """What a borrower asks first: how much is left, what is late, what is next."""
    paid = [p for p in periods if p.status is RepaymentStatus.PAID]
    overdue = [p for p in periods if p.status is RepaymentStatus.OVERDUE]
    upcoming = next((p for p in periods if p.status is RepaymentStatus.DUE), None)
    return LoanRead(
        id=loan.id,
        contract_no=loan.contract_no,
        principal=loan.principal,
        annual_rate_bp=loan.annual_rate_bp,
        term_months=loan.term_months,
        method=loan.method,
        method_label=display.METHOD_LABELS[loan.method],
        start_date=loan.start_date,
        end_date=add_months(loan.start_date, loan.term_months),
        status=loan.status,
        periods_paid=len(paid),
        periods_overdue=len(overdue),
        overdue_amount=sum(p.amount for p in overdue),
        # Principal still owed: everything not repaid yet, overdue periods included.
        remaining_principal=loan.principal - sum(p.principal for p in paid),
        next_due_date=upcoming.due_date if upcoming else None,
        next_due_amount=upcoming.amount if upcoming else None,
    )


async def list_loans(session: AsyncSession, *, channel: Channel, openid: str) -> LoanList:
    account = await caller_account(session, channel=channel, openid=openid)
    loans = await repo.loans(session, account.id)
    periods = await repo.schedules(session, [loan.id for loan in loans])
    return LoanList(items=[summarise(loan, periods[loan.id]) for loan in loans])


async def get_schedule(
    session: AsyncSession,
    *,
    channel: Channel,
    openid: str,
    loan_id: int,
    status: RepaymentStatus | None,
    page: int,
    size: int,
) -> SchedulePage:
    """One of the caller's loans' periods in order, optionally only paid/due/overdue ones."""
    account = await caller_account(session, channel=channel, openid=openid)
    loan = await repo.loan(session, account_id=account.id, loan_id=loan_id)
    if loan is None:
        raise LoanNotFound()
    periods = (await repo.schedules(session, [loan.id]))[loan.id]
    if status is not None:
        periods = [p for p in periods if p.status is status]
    page, size = max(1, page), max(1, min(size, MAX_PAGE_SIZE))
    chosen = periods[(page - 1) * size : page * size]
    return SchedulePage(
        loan_id=loan.id,
        page=page,
        size=size,
        total=len(periods),
        items=[
            RepaymentRead(
                period_no=p.period_no,
                due_date=p.due_date,
                principal=p.principal,
                interest=p.interest,
                amount=p.amount,
                status=p.status,
                status_label=display.REPAYMENT_STATUS_LABELS[p.status],
                paid_on=p.paid_on,
            )
            for p in chosen
        ],
    )
