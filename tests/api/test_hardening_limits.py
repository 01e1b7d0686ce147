"""Limits that hold under concurrency and restarts, and never lock an owner out."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.api.edge_app import app_client
from tests.api.signing_world import PASSWORD, World
from tests.api.test_staff_auth import STAFF_PASSWORD
from wxbackend.audit.models import AuditEvent
from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.staff import auth
from wxbackend.staff.models import StaffRole
from wxbackend.store import DurableMemoryStore, RedisStore, Store

GUESSES = 60


async def _audited(world: World, action: str, reasons: tuple[str, ...]) -> int:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.reason.in_(reasons))
        )
        return int(count or 0)


async def test_sixty_parallel_password_guesses_check_at_most_five(world: World) -> None:
    # Finding 5: 18 of 60 concurrent guesses were checked (13 on Redis), limit 5.
    token = await world.mp_login()
    await world.sign_up(token, await world.person())
    before = await _audited(world, "password.verify", ("password.wrong", "password.locked"))
    guesses = [f"{n:06d}" for n in range(100001, 100001 + GUESSES - 1)] + [PASSWORD]

    async def guess(password: str) -> int:
        response = await world.call(token, "POST", "/api/binding/unbind", {"password": password})
        return response.status_code

    statuses = await asyncio.gather(*(guess(p) for p in guesses))
    checked_wrong = (
        await _audited(world, "password.verify", ("password.wrong", "password.locked")) - before
    )
    assert checked_wrong + statuses.count(204) <= 5, statuses
    assert statuses.count(423) >= GUESSES - 5
    assert all(s in (204, 400, 423) for s in statuses), statuses


async def test_sixty_parallel_staff_logins_check_at_most_five(world: World) -> None:
    username = f"guess{secrets.token_hex(3)}"
    async with session_scope(world.sessionmaker) as session:
        await auth.add_staff(
            session, username=username, password=STAFF_PASSWORD, role=StaffRole.REVIEWER
        )
    passwords = [f"wrong-password-{n:03d}" for n in range(GUESSES - 1)] + [STAFF_PASSWORD]

    async def log_in(password: str) -> int:
        response = await world.client.post(
            "/staff/api/session", json={"username": username, "password": password}
        )
        return response.status_code

    statuses = await asyncio.gather(*(log_in(p) for p in passwords))
    async with world.sessionmaker() as session:
        checked = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "staff.login",
                AuditEvent.staff_actor == f"staff:{username}",
                AuditEvent.reason.is_(None) | (AuditEvent.reason == "wrong_password"),
            )
        )
    assert int(checked or 0) <= 5, statuses


@pytest.fixture
async def restartable_store(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[Callable[[], Store]]:
    """Builds the store a restarted process would open: same Redis prefix, same file."""
    prefix = settings.store.key_prefix + secrets.token_hex(4) + ":"
    made: list[Store] = []

    def reopen() -> Store:
        store: Store
        if settings.store.redis_url:
            store = RedisStore.from_settings(
                settings.store.model_copy(update={"key_prefix": prefix})
            )
        else:
            store = DurableMemoryStore(tmp_path / "embedded.store", prefix=prefix)
        made.append(store)
        return store

    yield reopen
    for store in made:
        if isinstance(store, RedisStore):
            await store.delete_prefix()
        await store.close()


async def test_a_restart_keeps_the_staff_lock(
    world: World, settings: Settings, restartable_store: Callable[[], Store]
) -> None:
    # Finding 5: in the embedded default every lockout was lost on restart.
    username = f"restart{secrets.token_hex(3)}"
    async with session_scope(world.sessionmaker) as session:
        await auth.add_staff(
            session, username=username, password=STAFF_PASSWORD, role=StaffRole.REVIEWER
        )
    first = restartable_store()
    async with app_client(settings, first) as client:
        for _ in range(5):
            response = await client.post(
                "/staff/api/session", json={"username": username, "password": "wrong-pass-123"}
            )
        assert response.status_code == 423
    await first.close()
    async with app_client(settings, restartable_store()) as client:
        response = await client.post(
            "/staff/api/session", json={"username": username, "password": STAFF_PASSWORD}
        )
    assert response.status_code == 423, response.text
    assert int(response.headers["retry-after"]) > 1700


async def test_a_restart_keeps_the_depositors_sessions(
    settings: Settings, restartable_store: Callable[[], Store]
) -> None:
    # Finding 18: sessions lived only in the process (or an unpersisted Redis).
    from tests.api.edge_app import fake_gateways

    gateways = fake_gateways()
    gateways.wechat_mp.add_js_code("js-restart", openid="o-restart")  # type: ignore[attr-defined]
    first = restartable_store()
    async with app_client(settings, first, gateways=gateways) as client:
        login = await client.post("/api/mp/session", json={"code": "js-restart"})
        token = login.json()["token"]
    await first.close()
    async with app_client(settings, restartable_store(), gateways=gateways) as client:
        binding = await client.get("/api/binding", headers={"Authorization": f"Bearer {token}"})
    assert binding.status_code == 200, binding.text


async def test_wrong_names_with_someones_id_number_do_not_lock_its_owner_out(
    world: World,
) -> None:
    # Finding 6: 5 wrong names with an ID number blocked its owner for 24 h.
    owner = await world.person()
    version = world.settings.signing.agreement_version
    stranger = await world.mp_login()
    await world.call(stranger, "POST", "/api/signing/agreement", {"version": version})
    for _ in range(world.settings.signing.identity_attempts_per_id_per_day + 1):
        refused = await world.call(
            stranger, "POST", "/api/signing/identity", {"name": "冒名", "id_no": owner.id_no}
        )
    assert refused.status_code == 429
    own = await world.mp_login()
    await world.call(own, "POST", "/api/signing/agreement", {"version": version})
    response = await world.call(
        own, "POST", "/api/signing/identity", {"name": owner.name, "id_no": owner.id_no}
    )
    assert response.status_code == 200, response.text
