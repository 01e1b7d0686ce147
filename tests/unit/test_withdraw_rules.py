"""Withdrawal rules, one kind at a time, as the demo centre's rules file sets them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from wxbackend.fund.models import AccountStatus
from wxbackend.withdraw.rules import AccountFacts, RuleBook, load_rules, refusal

TODAY = date(2026, 11, 22)
RULES: RuleBook = load_rules()
HEALTHY = AccountFacts(
    status=AccountStatus.NORMAL,
    balance=5_000_000,
    consecutive_deposit_months=24,
    sealed_since=None,
    has_active_loan=False,
    has_overdue_loan=False,
    pending_same_kind=False,
    last_paid_same_kind=None,
)


def why(kind: str, facts: AccountFacts = HEALTHY, amount: int = 100_000) -> str | None:
    return refusal(RULES.rules[kind], facts, amount=amount, today=TODAY)


def test_rent_needs_three_months_and_respects_cap_and_interval() -> None:
    assert why("rent") is None
    assert "连续足额缴存满3个月" in (
        why("rent", replace(HEALTHY, consecutive_deposit_months=2)) or ""
    )
    assert "最多可提取4500元" in (why("rent", amount=450_001) or "")
    recent = replace(HEALTHY, last_paid_same_kind=date(2026, 10, 1))
    assert "每90天可办理一次" in (why("rent", recent) or "")
    assert why("rent", replace(HEALTHY, last_paid_same_kind=date(2026, 8, 1))) is None


def test_purchase_allows_sealed_accounts_and_the_whole_balance() -> None:
    sealed = replace(HEALTHY, status=AccountStatus.SEALED, sealed_since=date(2026, 1, 1))
    assert why("purchase", sealed, amount=HEALTHY.balance) is None
    assert "超过账户余额" in (why("purchase", amount=HEALTHY.balance + 1) or "")
    assert RULES.rules["purchase"].documents == ("purchase_contract", "purchase_invoice")
    assert RULES.rules["purchase"].review == "manual"


def test_loan_repayment_needs_an_active_loan_without_overdue() -> None:
    assert "正在还款的公积金贷款" in (why("loan_repayment") or "")
    with_loan = replace(HEALTHY, has_active_loan=True)
    assert why("loan_repayment", with_loan) is None
    overdue = replace(with_loan, has_overdue_loan=True)
    assert "逾期" in (why("loan_repayment", overdue) or "")


def test_retirement_closes_the_account_with_the_whole_balance() -> None:
    rule = RULES.rules["retirement"]
    assert rule.closes_account
    assert why("retirement", amount=HEALTHY.balance) is None
    assert "一次提取全部余额" in (why("retirement", amount=HEALTHY.balance - 1) or "")


def test_leaving_the_city_needs_six_months_sealed() -> None:
    assert "仅限封存状态" in (why("leave_city") or "")
    five = replace(HEALTHY, status=AccountStatus.SEALED, sealed_since=date(2026, 6, 23))
    assert "封存满6个月" in (why("leave_city", five, amount=HEALTHY.balance) or "")
    six = replace(five, sealed_since=date(2026, 5, 22))
    assert why("leave_city", six, amount=HEALTHY.balance) is None


def test_serious_illness_ignores_loans_but_not_pending_applications() -> None:
    assert why("illness", replace(HEALTHY, has_overdue_loan=True)) is None
    assert "正在办理中" in (why("illness", replace(HEALTHY, pending_same_kind=True)) or "")


@pytest.mark.parametrize("status", [AccountStatus.FROZEN, AccountStatus.CLOSED])
def test_frozen_and_closed_accounts_withdraw_nothing(status: AccountStatus) -> None:
    for kind in RULES.rules:
        assert why(kind, replace(HEALTHY, status=status), amount=HEALTHY.balance)


def test_a_broken_rules_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text(
        '[rent]\nname = "租房"\nallowed_status = ["normal"]\nreview = "auto"\n'
        'documents = ["lease"]\n[documents]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="lease"):
        load_rules(bad)
    closing = tmp_path / "closing.toml"
    closing.write_text(
        '[retire]\nname = "退休"\nallowed_status = ["normal"]\nreview = "manual"\n'
        'closes_account = true\nmax_amount = "100.00"\n[documents]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="whole balance"):
        load_rules(closing)
