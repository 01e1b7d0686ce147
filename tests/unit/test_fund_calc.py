"""Fund arithmetic: deposit shares, yearly interest, repayment plans."""

from __future__ import annotations

from datetime import date

import pytest

from wxbackend.fund import calc
from wxbackend.fund.idcard import is_valid_id_no, make_id_no
from wxbackend.fund.models import RepaymentMethod


def test_deposit_shares_apply_each_ratio_to_the_base() -> None:
    shares = calc.deposit_shares(800000, 1200, 1000)
    assert (shares.employer_amount, shares.employee_amount, shares.total) == (96000, 80000, 176000)


def test_deposit_year_runs_from_july_to_june() -> None:
    assert calc.deposit_year(2025) == (date(2024, 7, 1), date(2025, 6, 30))
    assert calc.deposit_year_of(date(2025, 6, 30)) == 2025
    assert calc.deposit_year_of(date(2025, 7, 1)) == 2026


def test_interest_on_a_constant_balance_is_a_full_year() -> None:
    # 100,000.00 yuan held all year (365 days) at 1.5 % over a 360-day year.
    interest = calc.yearly_interest(
        opening_balance=10_000_000, movements=[], year=2025, rate_bp=150
    )
    assert interest == round(10_000_000 * 0.015 * 365 / 360)


def test_interest_counts_a_deposit_from_its_own_day() -> None:
    # 1,000.00 yuan arriving on 30 June earns one day.
    interest = calc.yearly_interest(
        opening_balance=0, movements=[(date(2025, 6, 30), 100_000)], year=2025, rate_bp=150
    )
    assert interest == 4  # 100,000 fen x 1.5 % / 360 = 4.17 fen
    interest = calc.yearly_interest(
        opening_balance=0, movements=[(date(2024, 7, 1), 100_000)], year=2025, rate_bp=150
    )
    assert interest == round(100_000 * 0.015 * 365 / 360)


def test_interest_rejects_movements_outside_the_year() -> None:
    with pytest.raises(ValueError, match="outside"):
        calc.yearly_interest(
            opening_balance=0, movements=[(date(2025, 7, 1), 1)], year=2025, rate_bp=150
        )


@pytest.mark.parametrize("method", list(RepaymentMethod))
def test_repayment_plan_repays_exactly_the_principal(method: RepaymentMethod) -> None:
    plan = calc.repayment_plan(
        principal=60_000_000,
        annual_rate_bp=285,
        term_months=240,
        method=method,
        start_date=date(2022, 1, 31),
    )
    assert len(plan) == 240
    assert sum(i.principal for i in plan) == 60_000_000
    assert plan[-1].remaining_principal == 0
    assert plan[0].due_date == date(2022, 2, 28)  # month-end clamping


def test_equal_instalment_payments_are_level() -> None:
    plan = calc.repayment_plan(
        principal=30_000_000,
        annual_rate_bp=310,
        term_months=120,
        method=RepaymentMethod.EQUAL_INSTALMENT,
        start_date=date(2020, 5, 10),
    )
    amounts = {i.amount for i in plan[:-1]}
    assert max(amounts) - min(amounts) <= 1


def test_equal_principal_payments_fall() -> None:
    plan = calc.repayment_plan(
        principal=30_000_000,
        annual_rate_bp=310,
        term_months=120,
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        start_date=date(2020, 5, 10),
    )
    assert plan[0].amount > plan[60].amount > plan[-1].amount


def test_id_numbers_are_checked_by_checksum_and_birth_date() -> None:
    good = make_id_no("510104", date(1990, 3, 7), 123)
    assert is_valid_id_no(good)
    assert is_valid_id_no(good.lower())
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert not is_valid_id_no(wrong_check)
    assert not is_valid_id_no("510104199002301234")  # 30 February
    assert not is_valid_id_no(good[:17])
    assert is_valid_id_no("11010519491231002X")  # the GB 11643 example
