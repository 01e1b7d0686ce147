"""The sandbox bank's rules, on its state object (no HTTP)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from wxbackend.sandbox.bank_state import BankSandboxState, PaymentIn
from wxbackend.withdraw.bank import BankStatus

TYPE1 = "6222020000000001234"
TYPE2 = "6217000000000002222"


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def payment(n: int, amount: int, card_no: str = TYPE1) -> PaymentIn:
    return PaymentIn(
        merchant_id="GJJ0001",
        reference=f"WD{n:012d}",
        card_no=card_no,
        holder_name="张三",
        bank_code="CCB",
        amount=amount,
    )


def state(clock: Clock | None = None) -> BankSandboxState:
    return BankSandboxState(
        merchant_id="GJJ0001",
        api_key="k",
        clock=clock or Clock(datetime(2026, 3, 2, 4, tzinfo=UTC)),
    )


def test_type1_card_is_paid() -> None:
    assert state().book(payment(1, 5_000_000)).status is BankStatus.PAID


def test_book_is_idempotent_by_reference() -> None:
    bank = state()
    first = bank.book(payment(1, 100))
    again = bank.book(payment(1, 999))
    assert again is first
    assert (first.amount, first.requests, len(bank.payments)) == (100, 2, 1)


def test_type2_refused_over_the_daily_limit_cumulatively() -> None:
    bank = state()
    assert bank.book(payment(1, 1_000_000, TYPE2)).status is BankStatus.PAID
    refused = bank.book(payment(2, 1, TYPE2))
    assert (refused.status, refused.code) == (BankStatus.REJECTED_TYPE2, "E2001")
    assert "II类账户" in refused.message


def test_type2_refused_over_the_yearly_limit() -> None:
    clock = Clock(datetime(2026, 1, 1, 4, tzinfo=UTC))
    bank = state(clock)
    for n in range(20):
        assert bank.book(payment(n, 1_000_000, TYPE2)).status is BankStatus.PAID
        clock.at += timedelta(days=1)
    refused = bank.book(payment(99, 1, TYPE2))
    assert (refused.status, refused.code) == (BankStatus.REJECTED_TYPE2, "E2002")
    clock.at = datetime(2027, 1, 1, 4, tzinfo=UTC)
    assert bank.book(payment(100, 1_000_000, TYPE2)).status is BankStatus.PAID


def test_refused_payments_do_not_count_against_the_limit() -> None:
    bank = state()
    assert bank.book(payment(1, 1_000_001, TYPE2)).status is BankStatus.REJECTED_TYPE2
    assert bank.book(payment(2, 1_000_000, TYPE2)).status is BankStatus.PAID


def test_closed_and_frozen_cards_fail_with_a_code() -> None:
    bank = state()
    closed = bank.book(payment(1, 100, "6222020000000000000"))
    frozen = bank.book(payment(2, 100, "6222020000000009999"))
    assert (closed.status, closed.code, closed.message) == (
        BankStatus.FAILED,
        "E1001",
        "收款账户已销户",
    )
    assert (frozen.status, frozen.code) == (BankStatus.FAILED, "E1002")


def test_listed_cards_override_the_suffix_rules() -> None:
    bank = state()
    bank.cards[TYPE1] = "type2"
    bank.cards[TYPE2] = "type1"
    assert bank.book(payment(1, 2_000_000, TYPE1)).status is BankStatus.REJECTED_TYPE2
    assert bank.book(payment(2, 2_000_000, TYPE2)).status is BankStatus.PAID


def test_pending_settles_to_the_decided_outcome() -> None:
    bank = state()
    pending = bank.book(payment(1, 100, "6222020000000000000"), pending=True)
    assert (pending.status, pending.booked_at) == (BankStatus.PENDING, None)
    assert bank.statement(date(2026, 3, 2)) == []
    assert bank.settle("WD000000000001").status is BankStatus.FAILED
    assert [p.reference for p in bank.statement(date(2026, 3, 2))] == ["WD000000000001"]


def test_statement_day_is_the_china_day() -> None:
    clock = Clock(datetime(2026, 3, 1, 16, 30, tzinfo=UTC))  # 00:30 on 2 March in China
    bank = state(clock)
    bank.book(payment(1, 100))
    assert bank.statement(date(2026, 3, 1)) == []
    assert len(bank.statement(date(2026, 3, 2))) == 1


def test_nonce_is_accepted_once() -> None:
    bank = state()
    assert bank.nonce_is_new("abc")
    assert not bank.nonce_is_new("abc")
    assert not bank.nonce_is_new("")
