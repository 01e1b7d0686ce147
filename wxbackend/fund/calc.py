"""Pure fund arithmetic: deposit shares, yearly interest and loan repayment plans."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from wxbackend.fund.models import RepaymentMethod
from wxbackend.money import apply_bp, round_fen

# 1.50 % a year on every balance since 2016-02-21.
INTEREST_RATE_BP = 150
# Chinese deposit interest uses a 360-day year for the daily rate (日利率 = 年利率 / 360).
DAYS_PER_YEAR = 360


@dataclass(frozen=True, slots=True)
class DepositShares:
    employer_amount: int
    employee_amount: int

    @property
    def total(self) -> int:
        return self.employer_amount + self.employee_amount


def deposit_shares(
    deposit_base: int, employer_ratio_bp: int, employee_ratio_bp: int
) -> DepositShares:
    """Each side's monthly contribution: base × ratio, rounded half-up to fen."""
    return DepositShares(
        employer_amount=apply_bp(deposit_base, employer_ratio_bp),
        employee_amount=apply_bp(deposit_base, employee_ratio_bp),
    )


def deposit_year(year: int) -> tuple[date, date]:
    """The deposit year that ends on 30 June of `year`: (1 July of year-1, 30 June of year)."""
    return date(year - 1, 7, 1), date(year, 6, 30)


def deposit_year_of(day: date) -> int:
    """Which deposit year a day belongs to (named by the 30 June that closes it)."""
    return day.year + 1 if day.month >= 7 else day.year


def yearly_interest(
    *, opening_balance: int, movements: Iterable[tuple[date, int]], year: int, rate_bp: int
) -> int:
    """Interest for one deposit year by daily balance products (积数计息).

    `opening_balance` is the balance on 1 July; `movements` are (value date, signed fen)
    inside the year, each counted from its own day.
    """
    start, end = deposit_year(year)
    return interest_between(
        opening_balance=opening_balance,
        movements=movements,
        start=start,
        end=end + timedelta(days=1),
        rate_bp=rate_bp,
    )


def interest_between(
    *,
    opening_balance: int,
    movements: Iterable[tuple[date, int]],
    start: date,
    end: date,
    rate_bp: int,
) -> int:
    """Interest on the daily balances of the days [start, end), by balance products.

    `opening_balance` is the balance at the start of `start`; each movement counts from
    its own value date. A year's interest is [1 July, 1 July); a closing account's is
    [1 July, closing day): the money leaves on the closing day.
    """
    product = 0  # fen-days
    balance = opening_balance
    cursor = start
    for day, amount in sorted(movements):
        if day < start or day >= end:
            raise ValueError(f"movement on {day} outside [{start}, {end})")
        product += balance * (day - cursor).days
        balance += amount
        cursor = day
    product += balance * (end - cursor).days
    return round_fen(Decimal(product) * rate_bp / 10_000 / DAYS_PER_YEAR)


@dataclass(frozen=True, slots=True)
class Instalment:
    period_no: int
    due_date: date
    principal: int
    interest: int
    remaining_principal: int

    @property
    def amount(self) -> int:
        return self.principal + self.interest


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last_day))


def repayment_plan(
    *,
    principal: int,
    annual_rate_bp: int,
    term_months: int,
    method: RepaymentMethod,
    start_date: date,
) -> list[Instalment]:
    """The whole schedule; the last period absorbs rounding so principal sums exactly."""
    if principal <= 0 or term_months <= 0:
        raise ValueError("principal and term must be positive")
    rate = Decimal(annual_rate_bp) / 10_000 / 12
    plan: list[Instalment] = []
    remaining = principal
    if method is RepaymentMethod.EQUAL_INSTALMENT and rate > 0:
        factor = (1 + rate) ** term_months
        payment = Decimal(principal) * rate * factor / (factor - 1)
    for n in range(1, term_months + 1):
        interest = round_fen(Decimal(remaining) * rate)
        if n == term_months:
            part = remaining
        elif method is RepaymentMethod.EQUAL_INSTALMENT and rate > 0:
            part = round_fen(payment) - interest
        else:
            part = principal // term_months
        remaining -= part
        plan.append(Instalment(n, add_months(start_date, n), part, interest, remaining))
    return plan
