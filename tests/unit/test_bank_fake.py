"""FakeBank: books a reference once, and plays scripted answers and faults in order."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wxbackend.withdraw.bank import BankAnswer, BankStatus, BankUnreachable, PaymentOrder
from wxbackend.withdraw.fakes import FakeBank, Fault

NOON_CN = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 12:00 in China


def order(reference: str = "WD000000000001", amount: int = 100_00) -> PaymentOrder:
    return PaymentOrder(reference, "6222020000000001234", "张三", "ICBC", amount)


async def test_pay_books_a_reference_once() -> None:
    bank = FakeBank()
    first = await bank.pay(order())
    again = await bank.pay(order(amount=999_00))
    assert first == again == BankAnswer(BankStatus.PAID)
    assert len(bank.payments) == 1
    assert bank.payments["WD000000000001"].order.amount == 100_00
    assert bank.pay_count("WD000000000001") == 2


async def test_decide_sets_the_booked_outcome() -> None:
    bank = FakeBank()
    bank.decide("WD000000000001", BankStatus.REJECTED_TYPE2, code="E2001")
    assert (await bank.pay(order())).status is BankStatus.REJECTED_TYPE2
    assert (await bank.query("WD000000000001")).code == "E2001"


async def test_booked_then_timeout_is_paid_when_queried() -> None:
    bank = FakeBank()
    bank.script("WD000000000001", Fault.BOOKED_THEN_TIMEOUT)
    with pytest.raises(BankUnreachable):
        await bank.pay(order())
    assert (await bank.query("WD000000000001")).status is BankStatus.PAID
    assert (await bank.query("WD000000000001")).status is BankStatus.PAID
    assert len(bank.payments) == 1


async def test_timeout_before_booking_is_not_found() -> None:
    bank = FakeBank()
    bank.script("WD000000000001", Fault.TIMEOUT)
    with pytest.raises(BankUnreachable):
        await bank.pay(order())
    assert (await bank.query("WD000000000001")).status is BankStatus.NOT_FOUND
    assert (await bank.pay(order())).status is BankStatus.PAID


async def test_script_answers_and_exceptions_in_order() -> None:
    bank = FakeBank()
    bank.script(
        "WD000000000001",
        BankUnreachable("down"),
        BankAnswer(BankStatus.PENDING),
        Fault.TIMEOUT,
    )
    with pytest.raises(BankUnreachable, match="down"):
        await bank.query("WD000000000001")
    assert (await bank.pay(order())).status is BankStatus.PENDING
    with pytest.raises(BankUnreachable):
        await bank.query("WD000000000001")
    assert (await bank.query("WD000000000001")).status is BankStatus.PENDING


async def test_statement_lists_final_outcomes_of_the_china_day() -> None:
    bank = FakeBank(clock=lambda: NOON_CN)
    bank.decide("WD000000000002", BankStatus.PENDING)
    await bank.pay(order("WD000000000001"))
    await bank.pay(order("WD000000000002"))
    assert [e.reference for e in await bank.statement(date(2026, 3, 2))] == ["WD000000000001"]
    bank.settle("WD000000000002", BankStatus.FAILED)
    entries = await bank.statement(date(2026, 3, 2))
    assert {e.reference: e.status for e in entries} == {
        "WD000000000001": BankStatus.PAID,
        "WD000000000002": BankStatus.FAILED,
    }
    assert await bank.statement(date(2026, 3, 1)) == []
