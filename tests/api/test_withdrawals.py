"""Applying for withdrawals: rules, idempotency, ownership, documents, cancelling."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from tests.api.signing_world import PASSWORD, Person, World
from tests.builders import make_card
from wxbackend import clock
from wxbackend.db import session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus, FundAccount, JournalEntry

PDF = b"%PDF-1.4\n% test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Applicant:
    token: str
    person: Person


async def applicant(world: World, *, card: bool = True, **overrides: object) -> Applicant:
    person = await world.person(**overrides)
    token = await world.mp_login()
    await world.sign_up(token, person)
    if card:
        async with session_scope(world.sessionmaker) as session:
            await make_card(session, world.vault, person.account)
    return Applicant(token, person)


async def _apply(world: World, who: Applicant, body: dict, key: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {who.token}"}
    if key != "":
        headers["Idempotency-Key"] = key or secrets.token_hex(8)
    body = {"password": PASSWORD, **body}
    return await world.client.post("/api/withdrawals", json=body, headers=headers)


async def _balance(world: World, account_id: int) -> int:
    async with world.sessionmaker() as session:
        account = await session.get(FundAccount, account_id)
        assert account is not None
        return account.balance


async def test_rent_withdrawal_is_approved_and_debited_at_once(world: World) -> None:
    who = await applicant(world)
    before = await _balance(world, who.person.account.id)
    response = await _apply(world, who, {"kind": "rent", "amount": "1500.00"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "approved"
    assert body["amount_text"] == "¥1,500.00"
    assert body["card"].startswith("622202")
    assert "*" in body["card"]
    assert [e["status"] for e in body["events"]] == ["submitted", "under_review", "approved"]
    assert await _balance(world, who.person.account.id) == before - 150_000
    async with world.sessionmaker() as session:
        entry = await session.scalar(
            select(JournalEntry).where(JournalEntry.ref == f"withdrawal:{body['id']}")
        )
        assert entry is not None
        assert entry.amount == -150_000
        assert await fund.check_ledger(session) == []


async def test_the_same_idempotency_key_returns_the_first_response(world: World) -> None:
    who = await applicant(world)
    key = "k-" + secrets.token_hex(6)
    first = await _apply(world, who, {"kind": "rent", "amount": "1000.00"}, key)
    again = await _apply(world, who, {"kind": "rent", "amount": "1000.00"}, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await world.call(who.token, "GET", "/api/withdrawals")
    assert len(listed.json()) == 1
    assert await _balance(world, who.person.account.id) == who.person.account.balance - 100_000

    different = await _apply(world, who, {"kind": "rent", "amount": "999.00"}, key)
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency.key_reused"
    missing = await _apply(world, who, {"kind": "rent", "amount": "1.00"}, "")
    assert missing.json()["code"] == "idempotency.missing"


async def test_rules_refuse_with_a_reason(world: World) -> None:
    who = await applicant(world)
    over_cap = await _apply(world, who, {"kind": "rent", "amount": "4500.01"})
    assert over_cap.status_code == 422
    assert "最多可提取4500元" in over_cap.json()["message"]
    leave = await _apply(world, who, {"kind": "leave_city"})
    assert "封存" in leave.json()["message"]
    unknown = await _apply(world, who, {"kind": "lottery"})
    assert unknown.json()["code"] == "withdrawal.unknown_kind"
    bad_amount = await _apply(world, who, {"kind": "rent", "amount": "1e5"})
    assert bad_amount.status_code == 422

    await _apply(world, who, {"kind": "rent", "amount": "100.00"})
    pending = await _apply(world, who, {"kind": "rent", "amount": "100.00"})
    assert "正在办理中" in pending.json()["message"]


async def test_a_card_is_needed_first(world: World) -> None:
    who = await applicant(world, card=False)
    response = await _apply(world, who, {"kind": "rent", "amount": "100.00"})
    assert response.json()["code"] == "withdrawal.no_card"


async def test_more_than_the_balance_is_refused(world: World) -> None:
    who = await applicant(world)
    balance = await _balance(world, who.person.account.id)
    illness = await _apply(world, who, {"kind": "illness", "amount": f"{balance / 100 + 1:.2f}"})
    assert "超过账户余额" in illness.json()["message"]


async def test_sealed_accounts_cannot_take_rent(world: World) -> None:
    who = await applicant(world)
    async with session_scope(world.sessionmaker) as session:
        await session.execute(
            update(FundAccount)
            .where(FundAccount.id == who.person.account.id)
            .values(status=AccountStatus.SEALED)
        )
    response = await _apply(world, who, {"kind": "rent", "amount": "100.00"})
    assert response.json()["message"] == (
        "租房提取仅限正常状态的账户办理，您的账户当前为封存状态。"
    )


async def test_another_users_withdrawal_is_not_found(world: World) -> None:
    owner, other = await applicant(world), await applicant(world)
    created = (await _apply(world, owner, {"kind": "purchase", "amount": "100.00"})).json()
    for method, path in (
        ("GET", f"/api/withdrawals/{created['id']}"),
        ("POST", f"/api/withdrawals/{created['id']}/cancel"),
    ):
        response = await world.call(other.token, method, path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "withdrawal.not_found"
    upload = await world.client.post(
        f"/api/withdrawals/{created['id']}/documents",
        data={"kind": "purchase_contract"},
        files={"file": ("c.pdf", PDF, "application/pdf")},
        headers={"Authorization": f"Bearer {other.token}"},
    )
    assert upload.status_code == 404
    assert (await world.call(owner.token, "GET", f"/api/withdrawals/{created['id']}")).is_success


async def test_documents_are_checked_and_complete_the_application(world: World) -> None:
    who = await applicant(world)
    auth = {"Authorization": f"Bearer {who.token}"}
    created = (await _apply(world, who, {"kind": "purchase", "amount": "2000.00"})).json()
    assert created["status"] == "submitted"
    assert [d["kind"] for d in created["documents_missing"]] == [
        "purchase_contract",
        "purchase_invoice",
    ]
    path = f"/api/withdrawals/{created['id']}/documents"

    async def upload(kind: str, name: str, content: bytes) -> dict:  # type: ignore[type-arg]
        response = await world.client.post(
            path, data={"kind": kind}, files={"file": (name, content, "image/png")}, headers=auth
        )
        return {"status": response.status_code, **response.json()}

    disguised = await upload("purchase_contract", "contract.pdf", b"MZ\x90\x00 not a pdf")
    assert disguised["status"] == 422
    assert "JPG、PNG" in disguised["message"]
    too_big = await upload("purchase_contract", "big.pdf", PDF + b"0" * (5 * 1024 * 1024))
    assert too_big["status"] == 422
    wrong_kind = await upload("retirement_certificate", "r.pdf", PDF)
    assert wrong_kind["status"] == 422
    ok = await upload("purchase_contract", "../../etc/合同.pdf", PDF)
    assert ok["status"] == 201
    assert ok["filename"] == "合同.pdf"
    # Finding 12: a %PDF- + HTML polyglot named p.html kept its .html name.
    polyglot = await upload("purchase_contract", "p.html", PDF + b"<html><script>x</script>")
    assert (polyglot["status"], polyglot["filename"]) == (201, "p.pdf")
    await upload("purchase_invoice", "invoice.png", PNG)
    after = (await world.call(who.token, "GET", f"/api/withdrawals/{created['id']}")).json()
    assert after["status"] == "under_review"
    assert after["documents_missing"] == []
    late = await upload("purchase_invoice", "again.png", PNG)
    assert late["status"] == 409


async def test_cancel_before_approval_only(world: World) -> None:
    who = await applicant(world)
    manual = (await _apply(world, who, {"kind": "purchase", "amount": "100.00"})).json()
    cancelled = await world.call(who.token, "POST", f"/api/withdrawals/{manual['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    approved = (await _apply(world, who, {"kind": "rent", "amount": "100.00"})).json()
    refused = await world.call(who.token, "POST", f"/api/withdrawals/{approved['id']}/cancel")
    assert refused.status_code == 409


async def test_kinds_are_listed_from_the_rules_file(world: World) -> None:
    kinds = (await world.client.get("/api/withdrawals/kinds")).json()
    by_kind = {k["kind"]: k for k in kinds}
    assert set(by_kind) >= {"rent", "purchase", "loan_repayment", "retirement", "leave_city"}
    assert by_kind["rent"]["max_amount"] == 450_000
    assert by_kind["retirement"]["closes_account"] is True
    assert by_kind["purchase"]["documents"][0]["name"] == "购房合同"


async def test_a_refused_application_does_not_keep_its_idempotency_key(world: World) -> None:
    # Finding 10: on SQLite the key's reservation committed on its own, so a retry of a
    # refused application (after fixing what was wrong) got 409 for 48 hours.
    who = await applicant(world, card=False)
    key = "k-" + secrets.token_hex(6)
    refused = await _apply(world, who, {"kind": "rent", "amount": "1000.00"}, key)
    assert refused.json()["code"] == "withdrawal.no_card", refused.text
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, who.person.account)
    retried = await _apply(world, who, {"kind": "rent", "amount": "1000.00"}, key)
    assert retried.status_code == 201, retried.text


BAD_AMOUNTS = [
    ("0", "须大于0元"),
    ("", "请输入提取金额"),
    ("   ", "请输入提取金额"),
    ("-100", "格式不正确"),
    ("abc", "格式不正确"),
    ("1e5", "格式不正确"),
    ("12.345", "格式不正确"),
    ("9999999999999", "超过账户余额"),
    ("99999999999999999999", "格式不正确"),
    ("0.00", "须大于0元"),
]


async def test_no_amount_is_a_server_error_in_the_api(world: World) -> None:
    who = await applicant(world)
    for amount, says in BAD_AMOUNTS:
        for kind in ("rent", "illness"):
            body = {"kind": kind, "amount": amount}
            preview = await world.call(who.token, "POST", "/api/withdrawals/preview", body)
            applied = await _apply(world, who, body)
            for response in (preview, applied):
                assert response.status_code == 422, (amount, response.text)
                assert says in response.json()["message"], (amount, response.json())
    missing = await _apply(world, who, {"kind": "rent"})
    assert "请输入提取金额" in missing.json()["message"]
    assert await _balance(world, who.person.account.id) == who.person.account.balance


async def test_no_amount_is_a_server_error_in_the_pages(world: World) -> None:
    from tests.api.test_h5_pages import bound_person_with_card, csrf_of

    await bound_person_with_card(world, "o-h5-amounts")
    form = await world.client.get("/h5/withdrawals/new")
    for amount, says in BAD_AMOUNTS:
        data = {"csrf": csrf_of(form), "kind": "rent", "amount": amount}
        response = await world.client.post("/h5/withdrawals/new", data=data)
        assert response.status_code == 422, (amount, response.text)
        assert response.headers["content-type"].startswith("text/html")
        assert says in response.text, amount
        confirm = await world.client.post(
            "/h5/withdrawals/confirm",
            data={**data, "idempotency_key": secrets.token_hex(8), "password": PASSWORD},
        )
        assert confirm.status_code == 422, (amount, confirm.text)
        assert says in confirm.text, amount


async def test_the_precheck_says_why_before_any_card_is_bound(world: World) -> None:
    who = await applicant(world, card=False)
    async with session_scope(world.sessionmaker) as session:
        await session.execute(
            update(FundAccount)
            .where(FundAccount.id == who.person.account.id)
            .values(status=AccountStatus.FROZEN)
        )
    found = (await world.call(who.token, "GET", "/api/withdrawals/eligibility")).json()
    assert {k["kind"] for k in found} >= {"rent", "retirement", "leave_city"}
    assert not any(k["eligible"] for k in found)
    assert all("已冻结" in k["reason"] for k in found)
    assert all("服务大厅" in k["reason"] for k in found)


async def test_the_precheck_lists_what_is_allowed_with_its_limit(world: World) -> None:
    who = await applicant(world, card=False)
    found = {
        k["kind"]: k
        for k in (await world.call(who.token, "GET", "/api/withdrawals/eligibility")).json()
    }
    assert found["rent"]["eligible"] is True
    assert found["rent"]["max_amount"] == min(450_000, who.person.account.balance)
    assert found["loan_repayment"]["eligible"] is False
    assert "贷款" in found["loan_repayment"]["reason"]
    assert "封存" in found["leave_city"]["reason"]
    # Applying without a card: the rules pass, then the card is asked for.
    response = await _apply(world, who, {"kind": "rent", "amount": "100.00"})
    assert response.json()["code"] == "withdrawal.no_card"


def _either_side_of_retiring(today: date, sex_digit: int) -> tuple[str, str, date, date]:
    """(who reached the statutory age most recently, by today; who reaches it next, after
    today; those two days). With the phased schedule some days nobody retires, so these
    are the nearest people on either side of today (tests/unit has the exact day before
    and day of for each cohort)."""
    from wxbackend.withdraw.retirement import born_and_sex, earliest_retirement_day

    due: tuple[date, str] | None = None
    early: tuple[date, str] | None = None
    candidate = today - timedelta(days=365 * 66)
    while candidate < today - timedelta(days=365 * 49):
        id_no = make_id_no("510104", candidate, 100 + sex_digit)
        born, sex = born_and_sex(id_no) or (candidate, None)
        assert sex is not None
        day = earliest_retirement_day(sex, born)
        if day <= today and (due is None or day > due[0]):
            due = (day, id_no)
        if day > today and (early is None or day < early[0]):
            early = (day, id_no)
        candidate += timedelta(days=1)
    assert due is not None
    assert early is not None
    return due[1], early[1], due[0], early[0]


@pytest.mark.parametrize(("sex_digit", "who"), [(1, "man"), (2, "woman worker")])
async def test_retirement_opens_on_the_day_of_the_statutory_age(
    world: World, sex_digit: int, who: str
) -> None:
    today = clock.today_in_china()
    due_id, early_id, due_day, early_day = _either_side_of_retiring(today, sex_digit)
    assert due_day <= today < early_day
    due = await applicant(world, id_no=due_id)
    early = await applicant(world, id_no=early_id)
    refused = await _apply(world, early, {"kind": "retirement"})
    assert refused.status_code == 422, who
    message = refused.json()["message"]
    assert "尚未达到法定退休年龄" in message
    assert f"{early_day.year}年{early_day.month}月{early_day.day}日" in message
    accepted = await _apply(world, due, {"kind": "retirement"})
    assert accepted.status_code == 201, accepted.text
    body = accepted.json()
    assert body["amount"] == due.person.account.balance
    assert body["closes_account"] is True
    again = await _apply(world, due, {"kind": "illness", "amount": "100.00"})
    assert "正在办理中" in again.json()["message"]


async def test_leaving_the_city_opens_after_six_months_sealed(world: World) -> None:
    from wxbackend.withdraw.retirement import add_months

    today = clock.today_in_china()
    # The last sealing day that makes six calendar months by today, and the day after it
    # (5 months and 29-30 days; month ends clamp: 30 August + 6 months = 28/29 February).
    around = [add_months(today, -6) + timedelta(days=n) for n in range(-4, 5)]
    enough_on = max(d for d in around if add_months(d, 6) <= today)
    short, enough = await applicant(world), await applicant(world)
    for who, sealed_on in ((short, enough_on + timedelta(days=1)), (enough, enough_on)):
        async with session_scope(world.sessionmaker) as session:
            await session.execute(
                update(FundAccount)
                .where(FundAccount.id == who.person.account.id)
                .values(status=AccountStatus.SEALED, status_changed_on=sealed_on)
            )
    refused = await _apply(world, short, {"kind": "leave_city"})
    assert "封存满6个月" in refused.json()["message"]
    accepted = await _apply(world, enough, {"kind": "leave_city"})
    assert accepted.status_code == 201, accepted.text
