"""One account's history computed in memory with the ledger's own rules.

The same arithmetic as fund.service (deposit_shares, yearly_interest on the journal's
movements, interest posted on 30 June), so the result is what posting every event one
by one would have produced, written later with bulk inserts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from wxbackend.fund import calc
from wxbackend.fund.models import EntryType

# 10:00 Beijing time: when the day's postings are recorded.
_POSTING_TIME = time(2, 0, tzinfo=UTC)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class AccountPlan:
    """What happens to an account over the demo window."""

    opened_on: date
    opening_balance: int  # carried over from before the window, at `history_start`
    history_start: date
    first_month: date | None  # first month deposited in the window (None: never)
    last_month: date | None
    pay_day: int
    base_for: Callable[[date], int]  # deposit base of a paid-for month, fen
    employer_ratio_bp: int
    employee_ratio_bp: int
    closed_on: date | None = None


@dataclass
class AccountHistory:
    deposits: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    interest: list[dict[str, Any]] = field(default_factory=list)
    balance: int = 0
    paid_up_to: date | None = None
    deposit_base: int = 0

    def with_account(self, account_id: int, employer_id: int) -> None:
        for row in self.entries + self.interest:
            row["account_id"] = account_id
        for row in self.deposits:
            row["account_id"] = account_id
            row["employer_id"] = employer_id


def _events(plan: AccountPlan) -> list[tuple[date, EntryType, int, str, str | None, date | None]]:
    events: list[tuple[date, EntryType, int, str, str | None, date | None]] = []
    if plan.opening_balance:
        events.append(
            (plan.history_start, EntryType.OPENING, plan.opening_balance, "opening", None, None)
        )
    if plan.first_month and plan.last_month:
        month = plan.first_month
        while month <= plan.last_month:
            posted = month.replace(day=plan.pay_day)
            events.append((posted, EntryType.DEPOSIT, 0, f"deposit:{month:%Y-%m}", None, month))
            month = add_months(month, 1)
    return events


def build_history(plan: AccountPlan, *, today: date) -> AccountHistory:
    """Deposits, journal entries (running balance) and interest postings up to `today`."""
    history = AccountHistory()
    journal: list[tuple[date, int]] = []

    def post(day: date, entry_type: EntryType, amount: int, ref: str, memo: str | None) -> None:
        history.balance += amount
        journal.append((day, amount))
        history.entries.append(
            {
                "entry_type": entry_type,
                "amount": amount,
                "balance_after": history.balance,
                "value_date": day,
                "ref": ref,
                "memo": memo,
                "posted_at": datetime.combine(day, _POSTING_TIME),
            }
        )

    def post_interest(year: int) -> None:
        start, end = calc.deposit_year(year)
        amount = calc.yearly_interest(
            opening_balance=sum(a for d, a in journal if d < start),
            movements=[(d, a) for d, a in journal if start <= d <= end],
            year=year,
            rate_bp=calc.INTEREST_RATE_BP,
        )
        history.interest.append(
            {"year": year, "rate_bp": calc.INTEREST_RATE_BP, "amount": amount, "posted_on": end}
        )
        if amount > 0:
            post(end, EntryType.INTEREST, amount, f"interest:{year}", None)

    next_year = calc.deposit_year_of(plan.history_start)
    last_day = min(today, plan.closed_on) if plan.closed_on else today

    def settle_interest_before(day: date) -> None:
        nonlocal next_year
        while calc.deposit_year(next_year)[1] < day:
            post_interest(next_year)
            next_year += 1

    for day, entry_type, amount, ref, memo, month in _events(plan):
        settle_interest_before(day)
        if entry_type is EntryType.DEPOSIT and month is not None:
            base = plan.base_for(month)
            shares = calc.deposit_shares(base, plan.employer_ratio_bp, plan.employee_ratio_bp)
            history.deposits.append(
                {
                    "paid_for_month": month,
                    "deposit_base": base,
                    "employer_ratio_bp": plan.employer_ratio_bp,
                    "employee_ratio_bp": plan.employee_ratio_bp,
                    "employer_amount": shares.employer_amount,
                    "employee_amount": shares.employee_amount,
                    "posted_on": day,
                }
            )
            history.paid_up_to = month
            history.deposit_base = base
            amount = shares.total
        if amount:
            post(day, entry_type, amount, ref, memo)
    settle_interest_before(last_day)
    if plan.closed_on and history.balance:
        post(
            plan.closed_on, EntryType.WITHDRAWAL, -history.balance, "withdrawal:closure", "销户提取"
        )
    if not history.deposit_base:
        history.deposit_base = plan.base_for(add_months(today.replace(day=1), -1))
    return history
