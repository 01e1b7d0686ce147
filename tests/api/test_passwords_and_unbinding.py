"""Passwords (lockout, change, reset by SMS + face), unbinding, initial passwords."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.signing_world import World
from wxbackend.audit.models import AuditEvent
from wxbackend.audit.trail import AuditTrail
from wxbackend.bind import binding
from wxbackend.bind.context import BindContext
from wxbackend.bind.initial import issue_initial_passwords
from wxbackend.bind.passwords import InitialPasswordMustChange
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.fund.models import Employer

PASSWORD = "258369"


async def _bound(world: World) -> tuple[str, object]:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up(token, person, password=PASSWORD)
    return token, person


async def test_wrong_passwords_lock_the_account_and_say_until_when(world: World) -> None:
    token, _ = await _bound(world)
    limit = world.settings.signing.password_max_failures
    answers = [
        (await world.call(token, "POST", "/api/binding/unbind", {"password": "135790"})).json()
        for _ in range(limit)
    ]
    assert [a["code"] for a in answers] == ["password.wrong"] * (limit - 1) + ["password.locked"]
    assert answers[0]["attempts_left"] == limit - 1
    assert "锁定" in answers[-1]["message"]
    assert "unlock_at" in answers[-1]
    # Even the right password is refused while locked.
    locked = await world.call(token, "POST", "/api/binding/unbind", {"password": PASSWORD})
    assert locked.status_code == 423
    assert (await world.call(token, "GET", "/api/binding")).json()["bound"] is True


async def test_unbinding_needs_the_password_and_is_audited(world: World) -> None:
    token, person = await _bound(world)
    done = await world.call(token, "POST", "/api/binding/unbind", {"password": PASSWORD})
    assert done.status_code == 204
    assert (await world.call(token, "GET", "/api/binding")).json()["bound"] is False
    async with world.sessionmaker() as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.account_id == person.account.id)
            )
        ).all()
    assert actions == ["binding.bind", "binding.unbind"]


async def test_unbinding_by_a_new_face_check(world: World) -> None:
    token, _ = await _bound(world)
    state = (await world.call(token, "GET", "/api/binding/unbind-face")).json()
    assert state["step"] == "face"
    result = await world.pass_face(token, prefix="/api/binding/unbind-face")
    assert result.status_code == 200, result.text
    assert (await world.call(token, "GET", "/api/binding")).json()["bound"] is False


async def test_password_change_needs_the_old_one(world: World) -> None:
    token, _ = await _bound(world)
    wrong = await world.call(
        token,
        "POST",
        "/api/password/change",
        {"old_password": "135790", "new_password": "470258"},
    )
    assert wrong.json()["code"] == "password.wrong"
    ok = await world.call(
        token,
        "POST",
        "/api/password/change",
        {"old_password": PASSWORD, "new_password": "470258"},
    )
    assert ok.status_code == 204
    gone = await world.call(token, "POST", "/api/binding/unbind", {"password": PASSWORD})
    assert gone.json()["code"] == "password.wrong"
    assert (
        await world.call(token, "POST", "/api/binding/unbind", {"password": "470258"})
    ).status_code == 204


async def test_forgotten_password_is_reset_by_sms_code_and_face(world: World) -> None:
    token, person = await _bound(world)
    await world.a_minute_passes(person)  # type: ignore[arg-type]
    assert (await world.call(token, "GET", "/api/password/reset")).json()["step"] == "sms"
    assert (await world.call(token, "POST", "/api/password/reset/sms")).status_code == 200
    code = world.last_sms_code(person.mobile)  # type: ignore[attr-defined]
    verified = await world.call(token, "POST", "/api/password/reset/sms/verify", {"code": code})
    assert verified.json()["step"] == "face"
    # Skipping the face check is not possible.
    early = await world.call(token, "POST", "/api/password/reset", {"password": "470258"})
    assert early.status_code == 409
    assert (await world.pass_face(token, prefix="/api/password/reset")).json()["step"] == (
        "password"
    )
    done = await world.call(token, "POST", "/api/password/reset", {"password": "470258"})
    assert done.json()["step"] == "bound"
    assert (
        await world.call(token, "POST", "/api/binding/unbind", {"password": "470258"})
    ).status_code == 204


async def test_initial_passwords_must_be_changed_before_queries(world: World) -> None:
    token, person = await _bound(world)
    account = person.account  # type: ignore[attr-defined]
    async with session_scope(world.sessionmaker) as session:
        employer = await session.get(Employer, account.employer_id)
        assert employer is not None
        sheet = await issue_initial_passwords(session, employer_code=employer.code, reissue=True)
    assert [row.account_no for row in sheet] == [account.account_no]
    initial = sheet[0].password
    assert len(initial) == 6
    assert sheet[0].masked_name.endswith("*")

    async with session_scope(world.sessionmaker) as session:
        ctx = BindContext(
            session=session,
            store=world.store,
            vault=world.vault,
            settings=world.settings.signing,
            sms=world.sms,
            faces={"h5": world.faces, "miniprogram": world.faces},
            audit=AuditTrail(world.sessionmaker),
        )
        openid = next(iter(world.tokens))
        with pytest.raises(InitialPasswordMustChange, match="初始密码"):
            await binding.queryable_account(
                ctx.session, channel=Channel.MINI_PROGRAM, openid=openid
            )

    changed = await world.call(
        token, "POST", "/api/password/change", {"old_password": initial, "new_password": "470258"}
    )
    assert changed.status_code == 204
    async with session_scope(world.sessionmaker) as session:
        ctx.session = session
        found = await binding.queryable_account(
            ctx.session, channel=Channel.MINI_PROGRAM, openid=openid
        )
        assert found.id == account.id
