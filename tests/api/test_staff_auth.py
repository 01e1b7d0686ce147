"""Staff logins: tokens, wrong passwords, lockout, limits, and the wall between the
staff API and the depositors' sessions."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from tests import staff_otp
from tests.api.signing_world import World
from wxbackend.audit.models import AuditEvent
from wxbackend.db import session_scope
from wxbackend.staff import auth
from wxbackend.staff.models import StaffRole

STAFF_PASSWORD = "correct horse battery"

STAFF_ENDPOINTS = [
    ("GET", "/staff/api/withdrawals"),
    ("GET", "/staff/api/withdrawals/1"),
    ("GET", "/staff/api/withdrawals/1/documents/1"),
    ("POST", "/staff/api/withdrawals/1/approve"),
    ("POST", "/staff/api/withdrawals/1/reject"),
    ("POST", "/staff/api/session/logout"),
]


async def add_staff(
    world: World, role: StaffRole = StaffRole.REVIEWER, *, enrolled: bool = True
) -> str:
    """A new staff member with a unique name (and a TOTP secret); returns the username."""
    username = f"{role.value[:3]}{secrets.token_hex(4)}"
    async with session_scope(world.sessionmaker) as session:
        await auth.add_staff(session, username=username, password=STAFF_PASSWORD, role=role)
    if enrolled:
        await staff_otp.enrol(world.sessionmaker, world.vault, username)
    return username


async def staff_login(world: World, role: StaffRole = StaffRole.REVIEWER) -> tuple[str, str]:
    """(username, bearer token) of a freshly added staff member."""
    username = await add_staff(world, role)
    response = await world.client.post(
        "/staff/api/session",
        json={
            "username": username,
            "password": STAFF_PASSWORD,
            "otp": staff_otp.next_code(username),
        },
    )
    assert response.status_code == 200, response.text
    return username, response.json()["token"]


async def _login(
    world: World, username: str, password: str, otp: str | None = None
) -> tuple[int, dict[str, object]]:
    if otp is None:
        # A code is spent only when the password is right (the server checks it second).
        known = username.lower() in staff_otp.SECRETS and password == STAFF_PASSWORD
        otp = staff_otp.next_code(username.lower()) if known else "000000"
    response = await world.client.post(
        "/staff/api/session", json={"username": username, "password": password, "otp": otp}
    )
    return response.status_code, response.json()


async def _audit(world: World, action: str, who: str | None) -> list[tuple[str, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent.outcome, AuditEvent.reason)
            .where(AuditEvent.action == action, AuditEvent.staff_actor == who)
            .order_by(AuditEvent.id)
        )
        return [(outcome.value, reason) for outcome, reason in rows.all()]


async def test_login_gives_a_bearer_token_for_the_staff_api(world: World) -> None:
    username = await add_staff(world, StaffRole.SUPERVISOR)
    status, body = await _login(world, username.upper(), STAFF_PASSWORD)
    assert status == 200
    assert body["role"] == "supervisor"
    assert body["expires_in"] == 15 * 60
    token = body["token"]
    queue = await world.call(str(token), "GET", "/staff/api/withdrawals")
    assert queue.status_code == 200, queue.text
    assert await _audit(world, "staff.login", f"staff:{username}") == [("ok", None)]


async def test_login_wrong_password_is_refused_and_audited(world: World) -> None:
    username = await add_staff(world)
    status, body = await _login(world, username, STAFF_PASSWORD + "x")
    assert status == 401
    assert body["code"] == "staff.login_failed"
    assert "token" not in body
    assert await _audit(world, "staff.login", f"staff:{username}") == [
        ("refused", "wrong_password")
    ]


async def test_unknown_username_gets_the_same_answer(world: World) -> None:
    status, body = await _login(world, f"nobody{secrets.token_hex(4)}", STAFF_PASSWORD)
    assert (status, body["code"]) == (401, "staff.login_failed")


async def test_five_wrong_passwords_lock_the_login_for_30_minutes(world: World) -> None:
    username = await add_staff(world)
    answers = [(await _login(world, username, "wrong password!!"))[1]["code"] for _ in range(5)]
    assert answers == ["staff.login_failed"] * 4 + ["staff.locked"]
    # Even the right password is refused while locked.
    status, body = await _login(world, username, STAFF_PASSWORD)
    assert status == 423
    assert "锁定" in str(body["message"])
    assert "unlock_at" in body
    remaining = await world.store.ttl(f"staff:pwlock:{username}")
    assert remaining is not None
    assert 29 * 60 < remaining <= 30 * 60


async def test_login_attempts_are_limited_per_client(world: World) -> None:
    limit = auth.PER_CLIENT.count
    codes = [
        (await _login(world, f"guess{secrets.token_hex(4)}", "wrong password!!"))[1]["code"]
        for _ in range(limit + 1)
    ]
    assert codes[:limit] == ["staff.login_failed"] * limit
    assert codes[limit] == "too_many_requests"


async def test_disabled_staff_cannot_log_in_and_loses_open_sessions(world: World) -> None:
    username, token = await staff_login(world)
    async with session_scope(world.sessionmaker) as session:
        await auth.disable_staff(session, username=username)
    assert (await world.call(token, "GET", "/staff/api/withdrawals")).status_code == 401
    status, _ = await _login(world, username, STAFF_PASSWORD)
    assert status == 401


async def test_logout_ends_the_session(world: World) -> None:
    _, token = await staff_login(world)
    assert (await world.call(token, "POST", "/staff/api/session/logout")).status_code == 204
    assert (await world.call(token, "GET", "/staff/api/withdrawals")).status_code == 401


@pytest.mark.parametrize(("method", "path"), STAFF_ENDPOINTS)
async def test_depositor_sessions_are_refused_by_every_staff_endpoint(
    world: World, method: str, path: str
) -> None:
    mp_token = await world.mp_login()
    h5_token = await world.h5_login()
    body = {"reason": "材料不全"} if path.endswith("reject") else {}
    assert (await world.call(mp_token, method, path, body)).status_code == 401
    assert (await world.call(h5_token, method, path, body)).status_code == 401
    world.client.cookies.set(world.settings.sessions.cookie_name, h5_token)
    response = await world.client.request(method, path, json=body)
    world.client.cookies.clear()
    assert response.status_code == 401
    assert response.json()["code"] == "staff.unauthenticated"
    no_token = await world.client.request(method, path, json=body)
    assert no_token.status_code == 401


@pytest.mark.parametrize("path", ["/api/binding", "/api/withdrawals", "/api/signing"])
async def test_staff_tokens_are_refused_by_depositor_endpoints(world: World, path: str) -> None:
    _, token = await staff_login(world, StaffRole.SUPERVISOR)
    response = await world.call(token, "GET", path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


async def test_a_depositor_token_cannot_log_out_a_staff_session(world: World) -> None:
    _, staff_token = await staff_login(world)
    mp_token = await world.mp_login()
    await world.call(mp_token, "POST", "/staff/api/session/logout")
    assert (await world.call(staff_token, "GET", "/staff/api/withdrawals")).status_code == 200
