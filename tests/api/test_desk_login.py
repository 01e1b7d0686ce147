"""The desk's login: enrolment by QR code shown once, password + TOTP, wrong and replayed
codes, the idle timeout, an admin ending someone's sessions."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import staff_otp
from tests.api.signing_world import World, open_world
from tests.api.test_staff_auth import STAFF_PASSWORD, add_staff
from tests.desk_client import DeskClient
from wxbackend.audit.models import AuditEvent
from wxbackend.config import Settings
from wxbackend.security.pii import Vault
from wxbackend.staff import totp
from wxbackend.staff.models import StaffRole
from wxbackend.store import Store

KEY = re.compile(r'id="manual-key">([A-Z2-7 ]+)<')


@pytest.fixture
async def desk(world: World) -> AsyncIterator[DeskClient]:
    client = DeskClient.beside(world.client)
    yield client
    await client.aclose()


async def _login_reasons(world: World, username: str) -> list[tuple[str, str | None]]:
    async with world.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent.outcome, AuditEvent.reason)
            .where(
                AuditEvent.action == "staff.login", AuditEvent.staff_actor == f"staff:{username}"
            )
            .order_by(AuditEvent.id)
        )
        return [(o.value, r) for o, r in rows.all()]


async def test_first_login_enrols_totp_from_a_qr_code_shown_once(
    world: World, desk: DeskClient
) -> None:
    username = await add_staff(world, StaffRole.REVIEWER, enrolled=False)
    answer = await desk.log_in(username, STAFF_PASSWORD, otp="")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/enrol"
    first = await desk.get("/desk/enrol")
    assert "<svg" in first.text
    assert "动态码绑定二维码" in first.text
    first_key = KEY.search(first.text)
    assert first_key
    # Reloading shows a new secret: the first QR code can never be shown again.
    again = await desk.get("/desk/enrol")
    second_key = KEY.search(again.text)
    assert second_key
    assert second_key.group(1) != first_key.group(1)
    # Until enrolled, no other desk page opens.
    assert (await desk.get("/desk/queue")).headers["location"] == "/desk/enrol"
    await desk.get("/desk/enrol")
    secret = KEY.search(desk.last_page).group(1).replace(" ", "")  # type: ignore[union-attr]
    old = totp.code_for(first_key.group(1).replace(" ", ""))
    refused = await desk.post("/desk/enrol", {"code": old})
    assert refused.headers["location"] == "/desk/enrol?wrong=1"
    await desk.get("/desk/enrol")
    secret = KEY.search(desk.last_page).group(1).replace(" ", "")  # type: ignore[union-attr]
    done = await desk.post("/desk/enrol", {"code": totp.code_for(secret)})
    assert done.status_code == 303
    assert done.headers["location"].startswith("/desk/queue")
    queue = await desk.get("/desk/queue")
    assert queue.status_code == 200
    assert "审核队列" in queue.text
    # The enrolment page is gone for good once enrolled.
    assert (await desk.get("/desk/enrol")).headers["location"].startswith("/desk/login")
    assert await _login_reasons(world, username) == [("ok", "enrolment")]


async def test_wrong_totp_is_refused_audited_and_counts_towards_the_lock(
    world: World, desk: DeskClient
) -> None:
    username = await add_staff(world)
    secret = staff_otp.SECRETS[username]
    wrong = f"{(int(totp.code_for(secret)) + 1) % 1_000_000:06d}"
    answer = await desk.log_in(username, STAFF_PASSWORD, otp=wrong)
    assert answer.status_code == 401
    assert "用户名、密码或动态码错误" in answer.text
    assert "wxb_desk=" not in answer.headers.get("set-cookie", "")  # no session cookie
    for _ in range(4):
        answer = await desk.log_in(username, STAFF_PASSWORD, otp="000000")
    assert answer.status_code == 423  # five wrong codes lock like five wrong passwords
    assert "连续输错5次将锁定30分钟" in (await desk.get("/desk/login")).text  # as the page warned
    reasons = await _login_reasons(world, username)
    assert reasons[0] == ("refused", "wrong_otp")
    assert len(reasons) == 5


async def test_a_totp_code_works_once(world: World, desk: DeskClient) -> None:
    username = await add_staff(world)
    code = staff_otp.next_code(username)
    assert (await desk.log_in(username, STAFF_PASSWORD, otp=code)).status_code == 303
    other = DeskClient.beside(world.client)
    try:
        replay = await other.log_in(username, STAFF_PASSWORD, otp=code)
    finally:
        await other.aclose()
    assert replay.status_code == 401
    assert await _login_reasons(world, username) == [("ok", None), ("refused", "replayed_otp")]


async def test_the_staff_api_needs_the_code_too(world: World) -> None:
    username = await add_staff(world)
    response = await world.client.post(
        "/staff/api/session", json={"username": username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 401
    unenrolled = await add_staff(world, enrolled=False)
    response = await world.client.post(
        "/staff/api/session", json={"username": unenrolled, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "staff.totp_enrolment_required"


@pytest.fixture
async def brief_world(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine
) -> AsyncIterator[World]:
    """The app with a one-second idle timeout (the real one is 15 minutes)."""
    brief = settings.model_copy(
        update={"staff": settings.staff.model_copy(update={"idle_timeout_s": 1})}
    )
    async for world in open_world(brief, store, vault, engine):
        yield world


async def test_an_idle_session_ends_and_says_why(brief_world: World) -> None:
    world = brief_world
    username = await add_staff(world)
    desk = DeskClient.beside(world.client)
    try:
        assert (await desk.log_in(username, STAFF_PASSWORD)).status_code == 303
        assert (await desk.get("/desk/queue")).status_code == 200
        await asyncio.sleep(1.6)
        gone = await desk.get("/desk/queue")
        assert gone.status_code == 303
        assert gone.headers["location"] == "/desk/login?expired=1"
        page = await desk.get("/desk/login", expired="1")
        assert "超过15分钟未操作" in page.text
    finally:
        await desk.aclose()


async def test_an_admin_ends_a_reviewers_sessions(world: World, desk: DeskClient) -> None:
    reviewer = await add_staff(world)
    admin_name = await add_staff(world, StaffRole.ADMIN)
    assert (await desk.log_in(reviewer, STAFF_PASSWORD)).status_code == 303
    assert (await desk.get("/desk/queue")).status_code == 200
    admin = DeskClient.beside(world.client)
    try:
        assert (await admin.log_in(admin_name, STAFF_PASSWORD)).status_code == 303
        page = await admin.get("/desk/admin/staff")
        assert f'id="staff-{reviewer}"' in page.text
        done = await admin.post(f"/desk/admin/staff/{reviewer}/revoke")
        assert done.headers["location"] == "/desk/admin/staff?done=revoked"
        # An admin never sees a case.
        assert (await admin.get("/desk/queue")).status_code == 403
    finally:
        await admin.aclose()
    ended = await desk.get("/desk/queue")
    assert ended.headers["location"] == "/desk/login?expired=1"


async def test_login_form_without_its_csrf_token_is_refused(world: World, desk: DeskClient) -> None:
    username = await add_staff(world)
    await desk.get("/desk/login")
    answer = await desk.post(
        "/desk/login",
        {"username": username, "password": STAFF_PASSWORD, "otp": staff_otp.next_code(username)},
        csrf="",
    )
    assert answer.status_code == 403
    assert await _login_reasons(world, username) == []
