"""The account API for bound, unbound, initial-password, sealed and loan-holding users."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.api.signing_world import Person, World
from tests.builders import month_start, next_number
from wxbackend import clock
from wxbackend.bind.initial import issue_initial_passwords
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.clock import today_in_china
from wxbackend.db import session_scope
from wxbackend.fund import interest
from wxbackend.fund import loans as fund_loans
from wxbackend.fund.models import AccountStatus, Employer, RepaymentMethod
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus


async def bound(world: World, *, oa: bool = False, **overrides: Any) -> tuple[str, str, Person]:
    """A person who signed up and bound; returns (session token, openid, person)."""
    person = await world.person(**overrides)
    openid = f"o-acct-{next_number()}"
    token = await (world.h5_login(openid) if oa else world.mp_login(openid))
    await world.sign_up(token, person)
    return token, openid, person


async def add_withdrawal(
    world: World, account_id: int, *, status: WithdrawalStatus, amount: int = 450_000
) -> int:
    async with session_scope(world.sessionmaker) as session:
        card = await session.scalar(
            BankCard.__table__.select()
            .with_only_columns(BankCard.id)
            .where(BankCard.account_id == account_id)
        )
        if card is None:
            sealed = world.vault.seal("6222020000000001234")
            row = BankCard(
                account_id=account_id,
                bank_code="ICBC",
                card_no_enc=sealed.blob,
                card_no_hash=world.vault.lookup_hash("card_no", f"622202{next_number():013d}"),
                pii_key_id=sealed.key_id,
                masked="622202*********1234",
                status=CardStatus.ACTIVE,
                type1_confirmed_at=clock.now(),
                verified_at=clock.now(),
            )
            session.add(row)
            await session.flush()
            card = row.id
        withdrawal = Withdrawal(
            account_id=account_id,
            card_id=card,
            kind="rent",
            kind_name="租房提取",
            amount=amount,
            status=status,
            reason="材料不全" if status is WithdrawalStatus.REJECTED else None,
            applied_on=today_in_china(),
        )
        session.add(withdrawal)
        await session.flush()
        return withdrawal.id


def loan_due_day() -> int:
    """The test loans fall due on today's day of the month (28 at most, so every month has
    it): a loan that started 36 months ago has then had exactly 36 periods fall due, on
    any day the suite runs."""
    return min(today_in_china().day, 28)


async def add_loan(world: World, account_id: int, *, overdue: int = 0) -> str:
    contract = f"DK{next_number():010d}"
    today = today_in_china()
    async with session_scope(world.sessionmaker) as session:
        await fund_loans.add_loan(
            session,
            account_id=account_id,
            contract_no=contract,
            principal=40_000_000,
            annual_rate_bp=310,
            term_months=240,
            method=RepaymentMethod.EQUAL_INSTALMENT,
            start_date=month_start(today, 36).replace(day=loan_due_day()),
            today=today,
            overdue_periods=overdue,
        )
    return contract


async def test_overview_is_the_callers_own_account(world: World) -> None:
    token, _, person = await bound(world, name="王建国")
    response = await world.call(token, "GET", "/api/account")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "王**"
    assert body["account_no"].endswith(person.account.account_no[-4:])
    assert body["account_no"].startswith("*")
    assert body["employer"] == "成都****有限公司"  # 成都测试科技有限公司
    assert (body["status"], body["status_label"]) == ("normal", "正常")
    assert body["balance"] == 3 * 192_000
    assert body["monthly_amount"] == 192_000
    assert body["employer_monthly"] == body["employee_monthly"] == 96_000
    assert body["employer_ratio_bp"] == body["employee_ratio_bp"] == 1200
    assert body["paid_up_to"] == f"{month_start(today_in_china(), 1):%Y-%m}"
    this_year = sum(
        1 for back in (1, 2, 3) if month_start(today_in_china(), back).year == today_in_china().year
    )
    assert body["year_deposits"] == this_year * 192_000
    assert body["has_loan"] is False


async def test_unbound_and_logged_out_users_get_no_account(world: World) -> None:
    token = await world.mp_login()
    response = await world.call(token, "GET", "/api/account")
    assert (response.status_code, response.json()["code"]) == (403, "binding.not_bound")
    assert (await world.client.get("/api/account")).status_code == 401


async def test_initial_password_must_be_changed_first(world: World) -> None:
    token, _, person = await bound(world)
    async with session_scope(world.sessionmaker) as session:
        employer = await session.get(Employer, person.account.employer_id)
        assert employer is not None
        await issue_initial_passwords(session, employer_code=employer.code, reissue=True)
    for path in ("/api/account", "/api/account/deposits", "/api/account/withdrawals"):
        response = await world.call(token, "GET", path)
        assert (response.status_code, response.json()["code"]) == (403, "password.initial")


async def test_sealed_account_explains_itself(world: World) -> None:
    token, _, _ = await bound(world, status=AccountStatus.SEALED)
    body = (await world.call(token, "GET", "/api/account")).json()
    assert (body["status"], body["status_label"]) == ("sealed", "封存")
    assert "单位已停止为您缴存" in body["status_note"]


async def test_deposits_by_year_with_paging(world: World) -> None:
    token, _, _ = await bound(world)
    first = (await world.call(token, "GET", "/api/account/deposits?size=2")).json()
    latest = month_start(today_in_china(), 1)
    assert first["year"] == latest.year
    assert first["items"][0]["month"] == f"{latest:%Y-%m}"
    assert first["items"][0]["amount"] == 192_000
    assert first["years"][0] == latest.year
    in_year = first["total"]
    assert first["year_amount"] == in_year * 192_000
    assert len(first["items"]) == min(2, in_year)
    if in_year > 2:
        second = (await world.call(token, "GET", "/api/account/deposits?size=2&page=2")).json()
        assert [i["month"] for i in second["items"]] == [
            f"{month_start(today_in_china(), 3):%Y-%m}"
        ]
    empty = (await world.call(token, "GET", "/api/account/deposits?year=1999")).json()
    assert (empty["total"], empty["items"]) == (0, [])


async def test_interest_postings(world: World) -> None:
    token, _, person = await bound(world)
    year = today_in_china().year - 1 if today_in_china().month < 7 else today_in_china().year
    async with session_scope(world.sessionmaker) as session:
        await interest.post_interest(session, account_id=person.account.id, year=year)
    items = (await world.call(token, "GET", "/api/account/interest")).json()["items"]
    assert [i["year"] for i in items] == [year]
    assert items[0]["rate_bp"] == 150
    assert items[0]["period_end"] == f"{year}-06-30"


async def test_withdrawals_list_and_detail_only_for_the_owner(world: World) -> None:
    token, _, person = await bound(world)
    other_token, _, other = await bound(world)
    mine = await add_withdrawal(world, person.account.id, status=WithdrawalStatus.UNDER_REVIEW)
    theirs = await add_withdrawal(world, other.account.id, status=WithdrawalStatus.PAID)

    listed = (await world.call(token, "GET", "/api/account/withdrawals")).json()
    assert [i["id"] for i in listed["items"]] == [mine]
    assert listed["items"][0]["status_label"] == "审核中"
    assert listed["items"][0]["kind_name"] == "租房提取"

    detail = await world.call(token, "GET", f"/api/account/withdrawals/{mine}")
    assert detail.status_code == 200
    assert detail.json()["card"] == "622202*********1234"
    for wid in (theirs, theirs + 10_000_000, 1):
        if wid == mine:
            continue
        refused = await world.call(token, "GET", f"/api/account/withdrawals/{wid}")
        assert refused.status_code == 404, wid
        assert refused.json()["code"] == "account.withdrawal_not_found"
    assert (
        await world.call(other_token, "GET", f"/api/account/withdrawals/{mine}")
    ).status_code == 404


async def test_loan_overview_and_schedule(world: World) -> None:
    token, _, person = await bound(world)
    await add_loan(world, person.account.id, overdue=2)
    loans = (await world.call(token, "GET", "/api/account/loans")).json()["items"]
    assert len(loans) == 1
    loan = loans[0]
    assert loan["method_label"] == "等额本息"
    assert loan["periods_paid"] + loan["periods_overdue"] == 36
    assert loan["periods_overdue"] == 2
    assert loan["overdue_amount"] > 0
    assert 0 < loan["remaining_principal"] < 40_000_000
    assert loan["next_due_date"] > today_in_china().isoformat()
    assert (await world.call(token, "GET", "/api/account")).json()["has_loan"] is True

    path = f"/api/account/loans/{loan['id']}/schedule"
    overdue = (await world.call(token, "GET", path + "?status=overdue")).json()
    assert [p["status_label"] for p in overdue["items"]] == ["逾期", "逾期"]
    page = (await world.call(token, "GET", path + "?size=12&page=20")).json()
    assert page["total"] == 240
    assert [p["period_no"] for p in page["items"]] == list(range(229, 241))

    other_token, _, _ = await bound(world)
    refused = await world.call(other_token, "GET", path)
    assert (refused.status_code, refused.json()["code"]) == (404, "account.loan_not_found")


async def test_yearly_statement_is_a_masked_pdf(world: World) -> None:
    token, _, person = await bound(world, name="李秀英")
    year = month_start(today_in_china(), 1).year
    response = await world.call(token, "GET", f"/api/account/statement/{year}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.content))
    page = "".join("".join(p.extract_text().split()) for p in reader.pages)
    assert f"{year}年度住房公积金个人账户对账单" in page
    assert "李**" in page
    assert "李秀英" not in page
    assert person.id_no not in page
    assert person.id_no[:6] + "********" + person.id_no[-4:] in page
    assert person.account.account_no not in page
    assert "汇缴（" in page
    assert "¥1,920.00" in page
    future = await world.call(token, "GET", f"/api/account/statement/{today_in_china().year + 1}")
    assert future.status_code == 404
