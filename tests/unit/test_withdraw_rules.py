"""Withdrawal rules, one kind at a time, as the demo centre's rules file sets them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from wxbackend.fund.models import AccountStatus
from wxbackend.withdraw.rules import (
    AccountFacts,
    RuleBook,
    amount_refusal,
    kind_names,
    load_rules,
    refusal,
)

TODAY = date(2026, 11, 22)
RULES: RuleBook = load_rules()
HEALTHY = AccountFacts(
    status=AccountStatus.NORMAL,
    balance=5_000_000,
    consecutive_deposit_months=24,
    sealed_since=None,
    has_active_loan=False,
    has_overdue_loan=False,
    open_kinds=frozenset(),
    last_paid={},
    closing_filed=False,
    retirement_day=date(2030, 1, 1),
    other_open_account=False,
)


def why(
    kind: str, facts: AccountFacts = HEALTHY, amount: int | None = 100_000, today: date = TODAY
) -> str | None:
    rule = RULES.rules[kind]
    return refusal(rule, facts, today=today, names=kind_names(RULES)) or amount_refusal(
        rule, facts, amount=amount
    )


def test_rent_needs_three_months_and_respects_cap_and_interval() -> None:
    assert why("rent") is None
    assert "连续足额缴存满3个月" in (
        why("rent", replace(HEALTHY, consecutive_deposit_months=2)) or ""
    )
    assert "最多可提取4500元" in (why("rent", amount=450_001) or "")
    assert why("rent", amount=450_000) is None
    recent = replace(HEALTHY, last_paid={"rent": TODAY - timedelta(days=89)})
    assert "每90天可办理一次" in (why("rent", recent) or "")
    ninety = replace(HEALTHY, last_paid={"rent": TODAY - timedelta(days=90)})
    assert why("rent", ninety) is None


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        (None, "请输入提取金额"),
        (0, "须大于0元"),
        (-100, "须大于0元"),
        (10**15, "超过账户余额"),
    ],
)
def test_amounts_that_cannot_be_paid_are_refused_in_words(amount: int | None, says: str) -> None:
    assert says in (why("rent", amount=amount) or "")
    assert says in (why("illness", amount=amount) or "")


def test_purchase_allows_sealed_accounts_and_the_whole_balance() -> None:
    sealed = replace(HEALTHY, status=AccountStatus.SEALED, sealed_since=date(2026, 1, 1))
    assert why("purchase", sealed, amount=HEALTHY.balance) is None
    assert "超过账户余额" in (why("purchase", amount=HEALTHY.balance + 1) or "")
    assert RULES.rules["purchase"].documents == ("purchase_contract", "purchase_invoice")
    assert RULES.rules["purchase"].review == "manual"


def test_loan_repayment_needs_an_active_loan_without_overdue() -> None:
    assert "正在还款的公积金贷款" in (why("loan_repayment") or "")
    with_loan = replace(HEALTHY, has_active_loan=True, loan_principal_left=100_000)
    assert why("loan_repayment", with_loan) is None
    assert "剩余本金" in (why("loan_repayment", with_loan, amount=100_001) or "")
    overdue = replace(with_loan, has_overdue_loan=True)
    assert "逾期" in (why("loan_repayment", overdue) or "")


def test_retirement_needs_the_statutory_age_and_takes_the_whole_balance() -> None:
    rule = RULES.rules["retirement"]
    assert rule.closes_account
    assert rule.exclusive
    due = replace(HEALTHY, retirement_day=TODAY)
    assert why("retirement", due, amount=None) is None
    assert why("retirement", due, amount=HEALTHY.balance) is None
    assert "一次提取全部余额" in (why("retirement", due, amount=HEALTHY.balance - 1) or "")
    day_before = replace(HEALTHY, retirement_day=TODAY + timedelta(days=1))
    said = why("retirement", day_before, amount=None) or ""
    assert "尚未达到法定退休年龄" in said
    assert "2026年11月23日" in said
    unknown = replace(HEALTHY, retirement_day=None)
    assert "服务大厅" in (why("retirement", unknown, amount=None) or "")


def test_leaving_the_city_needs_six_months_sealed_and_no_new_employer() -> None:
    assert "仅限封存状态" in (why("leave_city", amount=None) or "")
    sealed = replace(HEALTHY, status=AccountStatus.SEALED)
    # 2026-05-23 + 6 months = 2026-11-23: on 11-22 that is 5 months 30 days.
    short = replace(sealed, sealed_since=date(2026, 5, 23))
    said = why("leave_city", short, amount=None) or ""
    assert "封存满6个月" in said
    assert "2026年11月23日起可申请" in said
    six = replace(sealed, sealed_since=date(2026, 5, 22))
    assert why("leave_city", six, amount=None) is None
    assert why("leave_city", short, amount=None, today=date(2026, 11, 23)) is None
    rehired = replace(six, other_open_account=True)
    assert "新单位" in (why("leave_city", rehired, amount=None) or "")


def test_one_open_application_per_kind_and_exclusive_kinds() -> None:
    assert "正在办理中" in (
        why("illness", replace(HEALTHY, open_kinds=frozenset({"illness"}))) or ""
    )
    assert why("illness", replace(HEALTHY, open_kinds=frozenset({"rent"}))) is None
    # A closing kind waits for every other application, and blocks every other kind.
    due = replace(HEALTHY, retirement_day=TODAY)
    with_rent = replace(due, open_kinds=frozenset({"rent"}))
    assert "租房提取正在办理中" in (why("retirement", with_rent, amount=None) or "")
    closing = replace(due, open_kinds=frozenset({"retirement"}))
    assert "退休提取（销户）正在办理中" in (why("rent", closing) or "")
    assert "不能重复申请" in (
        why("retirement", replace(due, closing_filed=True), amount=None) or ""
    )


def test_serious_illness_ignores_loans() -> None:
    assert why("illness", replace(HEALTHY, has_overdue_loan=True)) is None


@pytest.mark.parametrize(
    ("status", "says"), [(AccountStatus.FROZEN, "已冻结"), (AccountStatus.CLOSED, "已销户")]
)
def test_frozen_and_closed_accounts_withdraw_nothing(status: AccountStatus, says: str) -> None:
    for kind in RULES.rules:
        assert says in (why(kind, replace(HEALTHY, status=status), amount=None) or "")


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
        'closes_account = true\nexclusive = true\nmax_amount = "100.00"\n[documents]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="whole balance"):
        load_rules(closing)
    shared = tmp_path / "shared.toml"
    shared.write_text(
        '[retire]\nname = "退休"\nallowed_status = ["normal"]\nreview = "manual"\n'
        "closes_account = true\n[documents]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="exclusive"):
        load_rules(shared)
