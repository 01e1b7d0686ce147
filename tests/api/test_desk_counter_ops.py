"""The counter (after the ID check) and the operators' pages, through the desk's forms;
and the rule that every desk form refuses a post without its CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select, update

from tests.api.signing_world import World
from tests.api.test_desk_review import signed_in
from tests.api.test_staff_auth import STAFF_PASSWORD, add_staff
from tests.api.test_staff_review import apply
from tests.builders import make_card
from tests.desk_client import DeskClient
from wxbackend import clock
from wxbackend.audit.models import AuditEvent
from wxbackend.bind.models import Binding, Credential
from wxbackend.bind.passwords import Lockout, password_matches
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.db import session_scope
from wxbackend.desk import ROUTERS
from wxbackend.fund import service as fund
from wxbackend.notify.models import NoticeStatus, OutboxNotice
from wxbackend.staff.models import StaffRole
from wxbackend.withdraw.bank import BankAnswer, BankStatus
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus

SLIP_PASSWORD = re.compile(r'id="new-password">(\d{6})<')


@pytest.fixture
async def browsers(world: World) -> AsyncIterator[list[DeskClient]]:
    made: list[DeskClient] = []
    yield made
    for client in made:
        await client.aclose()


async def _signed_up(world: World):  # type: ignore[no-untyped-def]
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up(token, person)
    return person


async def test_counter_finds_by_id_number_and_resets_the_password_on_a_slip(
    world: World, browsers: list[DeskClient]
) -> None:
    person = await _signed_up(world)
    account_id = person.account.id
    lockout = Lockout(world.store, max_failures=5, lock_s=1800)
    for _ in range(5):
        await lockout.record_failure(account_id, await lockout.begin_attempt(account_id))
    counter = await signed_in(world, browsers, StaffRole.COUNTER)
    await counter.get("/desk/counter")
    wrong = await counter.post("/desk/counter/lookup", {"id_no": "110101199001011234"})
    assert "未找到" in wrong.text or "正确" in wrong.text
    found = await counter.post(
        "/desk/counter/lookup", {"id_no": fund.reveal_id_no(world.vault, person.account)}
    )
    assert found.headers["location"] == f"/desk/counter/accounts/{account_id}"
    page = await counter.get(found.headers["location"])
    assert 'id="locked"' in page.text
    assert fund.reveal_id_no(world.vault, person.account) not in page.text

    unchecked = await counter.post(f"/desk/counter/accounts/{account_id}/password", {})
    assert unchecked.status_code == 422
    assert "核验本人身份证件" in unchecked.text
    await counter.get(f"/desk/counter/accounts/{account_id}")
    slip = await counter.post(
        f"/desk/counter/accounts/{account_id}/password", {"identity_checked": "1"}
    )
    assert slip.status_code == 200
    assert "打印凭条" in slip.text
    match = SLIP_PASSWORD.search(slip.text)
    assert match
    async with world.sessionmaker() as session:
        credential = await session.get(Credential, account_id)
        assert credential is not None
        assert credential.is_initial
        assert await password_matches(match.group(1), credential.password_hash)
    assert await lockout.locked_for_s(account_id) is None  # the reset lifts the lock
    # The slip is not kept: the account page never shows the password again.
    assert match.group(1) not in (await counter.get(f"/desk/counter/accounts/{account_id}")).text
    async with world.sessionmaker() as session:
        audited = await session.scalar(
            select(AuditEvent.staff_actor).where(
                AuditEvent.action == "staff.counter_password_reset",
                AuditEvent.account_id == account_id,
            )
        )
    assert audited == f"staff:{counter.username}"


async def test_counter_unbinds_a_lost_phone_and_marks_a_card_invalid(
    world: World, browsers: list[DeskClient]
) -> None:
    person = await _signed_up(world)
    account_id = person.account.id
    async with session_scope(world.sessionmaker) as session:
        account = await fund.get_account(session, account_id)
        assert account is not None
        card = await make_card(session, world.vault, account)
        card_id = card.id
        binding_id = await session.scalar(
            select(Binding.id).where(Binding.account_id == account_id)
        )
    counter = await signed_in(world, browsers, StaffRole.COUNTER)
    page = await counter.get(f"/desk/counter/accounts/{account_id}")
    assert f'id="unbind-{binding_id}"' in page.text
    done = await counter.post(
        f"/desk/counter/accounts/{account_id}/bindings/{binding_id}/unbind",
        {"identity_checked": "1"},
    )
    assert done.headers["location"].endswith("?done=unbound")
    await counter.get(f"/desk/counter/accounts/{account_id}")
    done = await counter.post(
        f"/desk/counter/accounts/{account_id}/cards/{card_id}/invalid", {"identity_checked": "1"}
    )
    assert done.headers["location"].endswith("?done=card_invalid")
    async with world.sessionmaker() as session:
        assert await session.get(Binding, binding_id) is None
        stored = await session.get(BankCard, card_id)
        assert stored is not None
        assert stored.status is CardStatus.INVALID
    # Another account's card is not reachable through this account's page.
    other = await _signed_up(world)
    await counter.get(f"/desk/counter/accounts/{other.account.id}")
    refused = await counter.post(
        f"/desk/counter/accounts/{other.account.id}/cards/{card_id}/invalid",
        {"identity_checked": "1"},
    )
    assert refused.status_code == 404


async def test_operators_query_the_bank_now_for_a_stuck_payout(
    world: World, browsers: list[DeskClient]
) -> None:
    case = await apply(world, amount=20_000, status=WithdrawalStatus.PAYING)
    async with session_scope(world.sessionmaker) as session:
        await session.execute(
            update(Withdrawal)
            .where(Withdrawal.id == case.id)
            .values(last_payout_error="银行无应答，待查询确认", payout_attempts=1)
        )
    bank = world.bank
    assert isinstance(bank, FakeBank)
    reference = f"WD{case.id:012d}"
    supervisor = await signed_in(world, browsers, StaffRole.SUPERVISOR)
    page = await supervisor.get("/desk/ops/payouts")
    assert f'id="payout-{case.id}"' in page.text
    unknown = await supervisor.post(f"/desk/ops/payouts/{case.id}/query")
    assert unknown.headers["location"] == "/desk/ops/payouts?answer=not_found"
    bank.script(reference, BankAnswer(BankStatus.PAID))
    await supervisor.get("/desk/ops/payouts")
    paid = await supervisor.post(f"/desk/ops/payouts/{case.id}/query")
    assert paid.headers["location"] == "/desk/ops/payouts?answer=paid"
    async with world.sessionmaker() as session:
        stored = await session.get(Withdrawal, case.id)
        assert stored is not None
        assert stored.status is WithdrawalStatus.PAID
    assert ("query", reference) in bank.calls
    assert ("pay", reference) not in bank.calls


async def test_operators_hand_a_parked_payout_back_and_reviewers_cannot(
    world: World, browsers: list[DeskClient]
) -> None:
    case = await apply(world, amount=20_000, status=WithdrawalStatus.PARKED)
    async with session_scope(world.sessionmaker) as session:
        await session.execute(
            update(Withdrawal)
            .where(Withdrawal.id == case.id)
            .values(last_payout_error="银行多次无应答", payout_attempts=6)
        )
    reviewer = await signed_in(world, browsers, StaffRole.REVIEWER)
    assert (await reviewer.get("/desk/ops/parked")).status_code == 403
    await reviewer.get("/desk/queue")
    assert (await reviewer.post(f"/desk/ops/parked/{case.id}/requery")).status_code == 403
    assert await _withdrawal_status(world, case.id) is WithdrawalStatus.PARKED

    supervisor = await signed_in(world, browsers, StaffRole.SUPERVISOR)
    page = (await supervisor.get("/desk/ops/parked")).text
    row = page.split(f'id="parked-{case.id}"')[1].split("</tr>")[0]
    assert "银行多次无应答" in row
    handed = await supervisor.post(f"/desk/ops/parked/{case.id}/requery")
    assert handed.headers["location"] == "/desk/ops/parked?done=requeued"
    assert await _withdrawal_status(world, case.id) is WithdrawalStatus.PAYING
    assert f'id="parked-{case.id}"' not in (await supervisor.get("/desk/ops/parked")).text
    again = await supervisor.post(f"/desk/ops/parked/{case.id}/requery")
    assert again.status_code == 409
    async with world.sessionmaker() as session:
        actors = await session.scalars(
            select(AuditEvent.staff_actor).where(
                AuditEvent.action == "staff.requery_payout",
                AuditEvent.reason == f"withdrawal:{case.id}",
            )
        )
        assert f"staff:{supervisor.username}" in list(actors.all())


async def _withdrawal_status(world: World, withdrawal_id: int) -> WithdrawalStatus:
    async with world.sessionmaker() as session:
        found = await session.get(Withdrawal, withdrawal_id)
        assert found is not None
        return found.status


async def test_operators_retry_a_dead_notice_and_export_the_audit_trail(
    world: World, browsers: list[DeskClient]
) -> None:
    person = await world.person()
    async with session_scope(world.sessionmaker) as session:
        notice = OutboxNotice(
            account_id=person.account.id,
            kind="withdrawal_paid",
            payload={},
            status=NoticeStatus.DEAD,
            attempts=8,
            last_error="43101",
        )
        session.add(notice)
        await session.flush()
        notice_id = notice.id
    supervisor = await signed_in(world, browsers, StaffRole.SUPERVISOR)
    page = await supervisor.get("/desk/ops/notices")
    assert f'id="notice-{notice_id}"' in page.text
    done = await supervisor.post(f"/desk/ops/notices/{notice_id}/retry")
    assert done.headers["location"] == "/desk/ops/notices?done=retried"
    async with world.sessionmaker() as session:
        stored = await session.get(OutboxNotice, notice_id)
        assert stored is not None
        assert stored.status is NoticeStatus.PENDING
    today = clock.today_in_china().isoformat()
    trail = await supervisor.get("/desk/ops/audit", actor=supervisor.username, **{"from": today})
    assert "staff.notice_retry" in trail.text
    csv = await supervisor.get("/desk/ops/audit.csv", actor=supervisor.username)
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("时间,操作")
    assert any("staff.notice_retry" in line and f"notice:{notice_id}" in line for line in lines)
    yesterday = (clock.today_in_china() - timedelta(days=1)).isoformat()
    none = await supervisor.get("/desk/ops/audit", actor=supervisor.username, to=yesterday)
    assert "staff.notice_retry" not in none.text
    report = await supervisor.get("/desk/ops/reconcile")
    assert report.status_code == 200
    assert "当日对账" in report.text


def _desk_posts() -> list[str]:
    """Every POST route of the desk, as install_desk adds them to the app."""
    return sorted(
        route.path
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    )


DESK_POSTS = _desk_posts()


def test_the_csrf_list_covers_every_desk_form() -> None:
    assert len(DESK_POSTS) >= 14, DESK_POSTS


@pytest.mark.parametrize("path", DESK_POSTS)
async def test_every_desk_form_refuses_a_post_without_its_csrf_token(
    world: World, browsers: list[DeskClient], path: str
) -> None:
    case = await apply(world, amount=10_000)
    role = (
        StaffRole.COUNTER
        if path.startswith("/desk/counter")
        else StaffRole.ADMIN
        if path.startswith("/desk/admin")
        else StaffRole.SUPERVISOR
    )
    if path == "/desk/enrol":  # the form of someone signed in with the password only
        desk = DeskClient.beside(world.client)
        browsers.append(desk)
        await desk.log_in(await add_staff(world, enrolled=False), STAFF_PASSWORD, otp="")
        await desk.get("/desk/enrol")
    elif path == "/desk/login":
        desk = DeskClient.beside(world.client)
        browsers.append(desk)
        await desk.get("/desk/login")
    else:
        desk = await signed_in(world, browsers, role)
    concrete = (
        path.replace("{withdrawal_id}", str(case.id))
        .replace("{account_id}", str(case.person.account.id))
        .replace("{username}", desk.username)
        .replace("{action}", "revoke")
        .replace("{binding_id}", "1")
        .replace("{card_id}", "1")
        .replace("{notice_id}", "1")
    )
    for token in ("", "0" * 64):
        answer = await desk.post(concrete, {"identity_checked": "1", "reason": "x"}, csrf=token)
        assert answer.status_code == 403, (concrete, answer.status_code)
    # Nothing moved: the case is still waiting and the session still works.
    async with world.sessionmaker() as session:
        stored = await session.get(Withdrawal, case.id)
        assert stored is not None
        assert stored.status is WithdrawalStatus.UNDER_REVIEW
    if path not in ("/desk/enrol", "/desk/login"):
        assert (await desk.get("/desk/")).status_code == 303
