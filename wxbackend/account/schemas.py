"""What the account API returns. Money is integer fen, ratios basis points (1200 = 12 %)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from wxbackend.fund.models import AccountStatus, LoanStatus, RepaymentMethod, RepaymentStatus
from wxbackend.withdraw import schemas as withdraw
from wxbackend.withdraw.models import WithdrawalStatus


class OverviewRead(BaseModel):
    account_no: str  # masked: ********0001
    name: str  # masked: 王**
    employer: str  # masked: 成都******有限公司
    status: AccountStatus
    status_label: str
    status_note: str
    balance: int
    deposit_base: int
    employer_ratio_bp: int
    employee_ratio_bp: int
    employer_monthly: int
    employee_monthly: int
    monthly_amount: int
    paid_up_to: str | None  # "2026-10"
    year: int
    year_deposits: int  # deposits for months of `year`
    opened_on: date
    has_loan: bool


class DepositRead(BaseModel):
    month: str  # "2026-10"
    deposit_base: int
    employer_ratio_bp: int
    employee_ratio_bp: int
    employer_amount: int
    employee_amount: int
    amount: int
    posted_on: date


class DepositPage(BaseModel):
    year: int
    years: list[int]  # years that hold deposits, newest first
    page: int
    size: int
    total: int  # deposits in the year
    year_amount: int
    items: list[DepositRead]


class RecentDeposits(BaseModel):
    """The latest deposits with this year's count and total (chat replies)."""

    name: str  # masked
    status: AccountStatus
    status_label: str
    status_note: str
    year: int
    year_count: int
    year_amount: int
    items: list[DepositRead]


class InterestRead(BaseModel):
    year: int
    period_start: date
    period_end: date
    rate_bp: int
    amount: int
    posted_on: date


class InterestList(BaseModel):
    items: list[InterestRead]


class WithdrawalRead(BaseModel):
    """The withdrawal's one read model (`withdraw.views`), in the account API's words."""

    id: int
    kind: str
    kind_name: str
    amount: int
    status: WithdrawalStatus
    status_label: str
    reason: str | None
    applied_on: date
    paid_at: datetime | None

    @classmethod
    def of(cls, view: withdraw.WithdrawalRead) -> WithdrawalRead:
        return cls(
            id=view.id,
            kind=view.kind,
            kind_name=view.kind_name,
            amount=view.amount,
            status=view.status,
            status_label=view.status_name,
            reason=view.reason,
            applied_on=view.applied_on,
            paid_at=view.paid_at,
        )


class WithdrawalPage(BaseModel):
    page: int
    size: int
    total: int
    items: list[WithdrawalRead]


class WithdrawalStep(BaseModel):
    status: str
    status_label: str
    at: datetime


class WithdrawalDetail(WithdrawalRead):
    card: str | None  # masked: 622202*********1234
    closes_account: bool
    steps: list[WithdrawalStep]

    @classmethod
    def of(cls, view: withdraw.WithdrawalRead) -> WithdrawalDetail:
        return cls(
            **WithdrawalRead.of(view).model_dump(),
            card=view.card or None,
            closes_account=view.closes_account,
            steps=[
                WithdrawalStep(status=e.status.value, status_label=e.status_name, at=e.at)
                for e in view.events
            ],
        )


class LoanRead(BaseModel):
    id: int
    contract_no: str
    principal: int
    annual_rate_bp: int
    term_months: int
    method: RepaymentMethod
    method_label: str
    start_date: date
    end_date: date
    status: LoanStatus
    periods_paid: int
    periods_overdue: int
    overdue_amount: int
    remaining_principal: int
    next_due_date: date | None
    next_due_amount: int | None


class LoanList(BaseModel):
    items: list[LoanRead]


class RepaymentRead(BaseModel):
    period_no: int
    due_date: date
    principal: int
    interest: int
    amount: int
    status: RepaymentStatus
    status_label: str
    paid_on: date | None


class SchedulePage(BaseModel):
    loan_id: int
    page: int
    size: int
    total: int
    items: list[RepaymentRead]
