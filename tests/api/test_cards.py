"""Bank card binding through the whole app, with the fake card verifier."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import structlog.testing
from sqlalchemy import select

from tests.api.signing_world import PASSWORD, Person, World
from tests.builders import make_employer
from wxbackend.audit.models import AuditEvent, AuditOutcome
from wxbackend.cards.charges import charged_on
from wxbackend.cards.luhn import make_card_no
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.db import session_scope

_serials = itertools.count(1000)


def card(prefix: str = "622202") -> str:
    """A fresh, well-formed card number of a BIN (ICBC debit by default)."""
    return make_card_no(prefix, next(_serials))


async def bound_user(world: World, **overrides: Any) -> tuple[str, Person]:
    token = await world.mp_login()
    person = await world.person(**overrides)
    await world.sign_up(token, person)
    return token, person


async def bind(
    world: World, token: str, card_no: str, *, confirm: bool = True, password: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"card_no": card_no, "confirm_type1": confirm}
    if password is not None:
        body["password"] = password
    return await world.call(token, "POST", "/api/cards", body)


async def cards_of(world: World, person: Person) -> list[BankCard]:
    async with session_scope(world.sessionmaker) as session:
        rows = await session.scalars(
            select(BankCard).where(BankCard.account_id == person.account.id).order_by(BankCard.id)
        )
        return list(rows)


async def audit_of(world: World, person: Person, prefix: str = "card.") -> list[tuple[str, str]]:
    async with session_scope(world.sessionmaker) as session:
        rows = await session.execute(
            select(AuditEvent.action, AuditEvent.outcome, AuditEvent.reason)
            .where(AuditEvent.account_id == person.account.id)
            .order_by(AuditEvent.id)
        )
        return [
            (action, f"{outcome.value}:{reason or ''}")
            for action, outcome, reason in rows
            if action.startswith(prefix)
        ]


async def test_bind_card_stores_it_encrypted_and_shows_it_masked(world: World) -> None:
    token, person = await bound_user(world)
    number = card("622202")
    world.cards.set_holder(number, name=person.name, id_no=person.id_no, mobile=person.mobile)

    response = await bind(world, token, number)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["masked_card_no"] == number[:6] + "*" * 9 + number[-4:]
    assert (body["bank_code"], body["bank_name"], body["status"]) == (
        "ICBC",
        "中国工商银行",
        "active",
    )
    assert number not in response.text
    shown = (await world.call(token, "GET", "/api/cards/active")).json()
    assert shown["card"]["masked_card_no"] == body["masked_card_no"]
    assert shown["card"]["notice"] is None
    [stored] = await cards_of(world, person)
    assert number.encode() not in stored.card_no_enc
    assert world.vault.open(stored.pii_key_id, stored.card_no_enc) == number
    assert stored.card_no_hash == world.vault.lookup_hash("card_no", number)
    assert await audit_of(world, person) == [("card.bind", "ok:")]
    assert await charged_on(world.store, action="verify_4e") == 1
    assert await charged_on(world.store, action="check_card_info") == 1


async def test_active_card_is_none_before_binding(world: World) -> None:
    token, _ = await bound_user(world)
    shown = (await world.call(token, "GET", "/api/cards/active")).json()
    assert shown["card"] is None
    assert [b["code"] for b in shown["supported_banks"]] == ["CCB", "ICBC", "BOC", "ABC"]
    assert "I类" in shown["type1_explained"]


async def test_bind_card_without_type1_confirmation_is_refused(world: World) -> None:
    token, person = await bound_user(world)
    response = await bind(world, token, card(), confirm=False)
    assert response.status_code == 422
    assert response.json()["code"] == "card.type1_not_confirmed"
    assert "I类" in response.json()["message"]
    assert world.cards.calls == []
    assert await audit_of(world, person) == [("card.bind", "refused:card.type1_not_confirmed")]


async def test_bind_card_of_unsupported_bank_is_refused(world: World) -> None:
    token, _ = await bound_user(world)
    response = await bind(world, token, card("622588"))  # 招商银行
    assert response.status_code == 400
    assert response.json()["code"] == "card.bank_unsupported"
    assert "中国建设银行" in response.json()["message"]
    assert world.cards.calls == []


async def test_bind_card_of_bank_the_district_does_not_support_is_refused(world: World) -> None:
    async with session_scope(world.sessionmaker) as session:
        employer = await make_employer(session, district="金堂县")
    token, _ = await bound_user(world, employer_id=employer.id)
    shown = (await world.call(token, "GET", "/api/cards/active")).json()
    assert [b["code"] for b in shown["supported_banks"]] == ["CCB", "ICBC", "ABC"]

    response = await bind(world, token, card("621661"))  # 中国银行 debit

    assert response.status_code == 400
    assert response.json()["code"] == "card.bank_unsupported"
    assert "中国银行" in response.json()["message"]
    assert world.cards.calls == []
    assert (await bind(world, token, card("622848"))).status_code == 201


async def test_bind_credit_card_is_refused_before_any_paid_call(world: World) -> None:
    token, _ = await bound_user(world)
    response = await bind(world, token, card("622752"))  # BOC credit, looks like debit
    assert response.status_code == 400
    assert response.json()["code"] == "card.not_debit"
    assert world.cards.calls == []


async def test_bind_card_tencent_reports_as_credit_is_refused(world: World) -> None:
    token, person = await bound_user(world)
    number = card("436742")
    world.cards.set_card_info(number, account_type=2)
    response = await bind(world, token, number)
    assert response.json()["code"] == "card.not_debit"
    assert (world.cards.count("check_card_info"), world.cards.count("verify_4e")) == (1, 0)
    assert await cards_of(world, person) == []


async def test_bind_card_refused_when_4e_does_not_match(world: World) -> None:
    token, person = await bound_user(world)
    number = card("621700")
    world.cards.set_holder(number, name="别人", id_no=person.id_no, mobile=person.mobile)

    response = await bind(world, token, number)

    assert response.status_code == 400
    assert response.json()["code"] == "card.verification_failed"
    assert response.json()["provider_code"] == "-1"
    assert "本人" in response.json()["message"]
    assert await cards_of(world, person) == []
    assert await audit_of(world, person) == [("card.bind", "refused:card.verification_failed")]
    assert await charged_on(world.store, action="verify_4e") == 1  # a mismatch is billed


async def test_bind_lost_card_says_so(world: World) -> None:
    token, _ = await bound_user(world)
    number = card()
    world.cards.set_verify_code(number, "-13")
    response = await bind(world, token, number)
    assert "挂失" in response.json()["message"]


async def test_bind_card_when_verification_is_busy_answers_503(world: World) -> None:
    token, _ = await bound_user(world)
    number = card()
    world.cards.set_verify_code(number, "-18")
    response = await bind(world, token, number)
    assert response.status_code == 503
    assert response.json()["code"] == "card.verification_busy"
    assert await charged_on(world.store, action="verify_4e") == 0  # busy is not billed


async def test_replacing_a_card_needs_the_password(world: World) -> None:
    token, person = await bound_user(world)
    first, second = card("622202"), card("622848")
    assert (await bind(world, token, first)).status_code == 201

    missing = await bind(world, token, second)
    wrong = await bind(world, token, second, password="111111")
    right = await bind(world, token, second, password=PASSWORD)

    assert (missing.status_code, missing.json()["code"]) == (422, "card.password_required")
    assert wrong.json()["code"] == "password.wrong"
    assert right.status_code == 201, right.text
    assert right.json()["bank_code"] == "ABC"
    old, new = await cards_of(world, person)
    assert (old.status, new.status) == (CardStatus.REPLACED, CardStatus.ACTIVE)
    shown = (await world.call(token, "GET", "/api/cards/active")).json()["card"]
    assert shown["masked_card_no"] == new.masked
    assert await audit_of(world, person) == [
        ("card.bind", "ok:"),
        ("card.replace", "refused:card.password_required"),
        ("card.replace", "refused:password.wrong"),
        ("card.replace", "ok:"),
    ]


async def test_binding_the_active_card_again_is_refused(world: World) -> None:
    token, _ = await bound_user(world)
    number = card()
    assert (await bind(world, token, number)).status_code == 201
    again = await bind(world, token, number, password=PASSWORD)
    assert (again.status_code, again.json()["code"]) == (409, "card.same_card")


async def test_verification_attempts_are_limited_per_day(world: World) -> None:
    token, person = await bound_user(world)
    for _ in range(5):
        number = card()
        world.cards.set_verify_code(number, "-1")
        assert (await bind(world, token, number)).json()["code"] == "card.verification_failed"
    calls = len(world.cards.calls)

    limited = await bind(world, token, card())

    assert limited.status_code == 429
    assert limited.json()["code"] == "card.verifications_exhausted"
    assert len(world.cards.calls) == calls  # nothing more spent
    assert await cards_of(world, person) == []


async def test_card_refused_as_type2_is_shown_and_must_be_replaced(world: World) -> None:
    token, person = await bound_user(world)
    number = card("621663")
    assert (await bind(world, token, number)).status_code == 201
    async with session_scope(world.sessionmaker) as session:
        # What the payout worker does when the paying bank refuses a Type-II account.
        stored = await session.get(BankCard, (await cards_of(world, person))[0].id)
        assert stored is not None
        stored.status = CardStatus.REJECTED_TYPE2

    shown = (await world.call(token, "GET", "/api/cards/active")).json()["card"]
    assert shown["status"] == "rejected_type2"
    assert "II类" in shown["notice"]
    same = await bind(world, token, number)
    assert same.json()["code"] == "card.rejected_type2"
    other = await bind(world, token, card("622700"))  # no active card: no password needed
    assert other.status_code == 201, other.text
    assert (await world.call(token, "GET", "/api/cards/active")).json()["card"]["notice"] is None


async def test_cards_need_a_bound_account(world: World) -> None:
    token = await world.mp_login()
    assert (await world.call(token, "GET", "/api/cards/active")).status_code == 403
    response = await bind(world, token, card())
    assert response.json()["code"] == "binding.not_bound"
    assert world.cards.calls == []


async def test_audit_and_logs_never_hold_the_card_number(world: World) -> None:
    token, person = await bound_user(world)
    number = card()
    with structlog.testing.capture_logs() as logs:  # raw events, before any scrubbing
        assert (await bind(world, token, number)).status_code == 201
    charged = [e for e in logs if e["event"] == "cards.verification_charged"]
    assert [e["action"] for e in charged] == ["check_card_info", "verify_4e"]
    assert all(number not in str(e) and person.id_no not in str(e) for e in logs)
    async with session_scope(world.sessionmaker) as session:
        rows = (await session.scalars(select(AuditEvent))).all()
    assert all(number not in (row.reason or "") for row in rows)
    assert {row.outcome for row in rows if row.account_id == person.account.id} == {AuditOutcome.OK}
