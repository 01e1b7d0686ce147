"""冲还贷: a loan-repayment withdrawal repays the holder's own fund loan, never the card."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.api.signing_world import World
from tests.api.test_withdrawals import _apply, _balance, applicant
from tests.builders import next_number
from wxbackend import clock
from wxbackend.db import session_scope
from wxbackend.fund import loans as fund_loans
from wxbackend.fund import service as fund
from wxbackend.fund.models import RepaymentMethod, RepaymentSchedule, RepaymentStatus
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.withdraw.payout import run_payouts


async def _unpaid(world: World, loan_id: int) -> list[RepaymentSchedule]:
    async with world.sessionmaker() as session:
        rows = await session.scalars(
            select(RepaymentSchedule)
            .where(
                RepaymentSchedule.loan_id == loan_id,
                RepaymentSchedule.status != RepaymentStatus.PAID,
            )
            .order_by(RepaymentSchedule.period_no)
        )
        return list(rows.all())


async def test_loan_repayment_reduces_the_principal_by_exactly_the_amount(world: World) -> None:
    who = await applicant(world)
    today = clock.today_in_china()
    async with session_scope(world.sessionmaker) as session:
        loan = await fund_loans.add_loan(
            session,
            account_id=who.person.account.id,
            contract_no=f"CHD{next_number():010d}",
            principal=30_000_000,
            annual_rate_bp=285,
            term_months=120,
            method=RepaymentMethod.EQUAL_INSTALMENT,
            start_date=date(today.year - 1, today.month, 1),
            today=today,
        )
    before = await _unpaid(world, loan.id)
    owed = sum(p.principal for p in before)
    balance = await _balance(world, who.person.account.id)

    preview = await world.call(
        who.token,
        "POST",
        "/api/withdrawals/preview",
        {"kind": "loan_repayment", "amount": "3000.00"},
    )
    assert preview.json()["card"] == "公积金贷款（冲还本金）"
    assert "不转入银行卡" in preview.json()["next_steps"]
    too_much = await _apply(
        world, who, {"kind": "loan_repayment", "amount": f"{(owed + 100) / 100:.2f}"}
    )
    assert too_much.status_code == 422
    response = await _apply(world, who, {"kind": "loan_repayment", "amount": "3000.00"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "paid"
    assert body["status_name"] == "已到账"
    assert body["card"] == "公积金贷款（冲还本金）"
    assert body["events"][-1]["note"] == "已转入公积金贷款，冲还本金"

    assert await _balance(world, who.person.account.id) == balance - 300_000
    after = await _unpaid(world, loan.id)
    assert sum(p.principal for p in after) == owed - 300_000
    assert [p.period_no for p in after] == [p.period_no for p in before]
    assert [p.due_date for p in after] == [p.due_date for p in before]
    assert after[0].amount < before[0].amount  # the schedule is recomputed: smaller instalments
    assert after[-1].remaining_principal == 0

    # The card receives nothing: there is nothing for the bank to pay.
    bank = FakeBank()
    await run_payouts(world.sessionmaker, bank=bank, vault=world.vault)
    assert all(ref != f"WD{body['id']:012d}" for _, ref in bank.calls)
    async with world.sessionmaker() as session:
        assert await fund.check_ledger(session) == []
