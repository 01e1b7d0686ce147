"""schemathesis over every OpenAPI operation of the running app: no server errors.

A bound depositor's and a staff member's bearer tokens go with each request (so the
checks behind authentication run too), a bounded number of generated cases per
operation keeps the run to about a minute. Only the two logouts are left out: they
would end the sessions the other operations run under.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import staff_otp
from tests.api.edge_app import fake_gateways, with_settings
from tests.api.signing_world import world_on
from tests.api.test_staff_auth import STAFF_PASSWORD
from tests.builders import make_card
from tests.live_server import live_app
from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.security.pii import Vault
from wxbackend.staff import auth
from wxbackend.staff.models import StaffRole
from wxbackend.store import MemoryStore, RedisStore, Store

EXAMPLES_PER_OPERATION = 12
SKIPPED = {"/api/session/logout", "/staff/api/session/logout"}


def _fuzz_operation(operation: Any, base_url: str, token: str, errors: list[str]) -> int:
    """Sends the operation's generated cases; appends each server error; returns the count."""
    sent = 0

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal sent
        response = case.call(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            allow_redirects=False,
            timeout=30,
        )
        sent += 1
        if response.status_code >= 500:
            errors.append(
                f"{operation.label} {case.path_parameters} {case.query} {case.body!r}"
                f" -> {response.status_code}: {response.text}"
            )

    run()
    return sent


def _fuzz(base_url: str, tokens: dict[str, str]) -> tuple[int, list[str]]:
    """Runs every operation; returns (cases sent, the server errors found)."""
    schema = schemathesis.openapi.from_url(base_url + "/openapi.json")
    errors: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED:
            continue
        token = tokens["staff"] if operation.path.startswith("/staff/") else tokens["user"]
        sent += _fuzz_operation(operation, base_url, token, errors)
    return sent, errors


async def test_no_operation_answers_a_server_error(
    settings: Settings, engine: AsyncEngine, vault: Vault
) -> None:
    prefix = settings.store.key_prefix + "fuzz" + secrets.token_hex(3) + ":"
    live_settings = with_settings(settings, store={"key_prefix": prefix})
    store: Store
    if settings.store.redis_url:
        store = RedisStore(settings.store.redis_url, prefix=prefix)
        app_store = None
    else:
        store = app_store = MemoryStore(prefix=prefix)
    gateways = fake_gateways()
    with live_app(live_settings, gateways=gateways, store=app_store) as (base_url, _app):
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            world = world_on(
                client, gateways, engine=engine, vault=vault, settings=live_settings, store=store
            )
            person = await world.person()
            user_token = await world.mp_login()
            await world.sign_up(user_token, person)
            async with session_scope(world.sessionmaker) as session:
                await make_card(session, vault, person.account)
                username = f"fuzz{secrets.token_hex(3)}"
                await auth.add_staff(
                    session, username=username, password=STAFF_PASSWORD, role=StaffRole.SUPERVISOR
                )
            await staff_otp.enrol(world.sessionmaker, world.vault, username)
            login = await client.post(
                "/staff/api/session",
                json={
                    "username": username,
                    "password": STAFF_PASSWORD,
                    "otp": staff_otp.next_code(username),
                },
            )
            tokens = {"user": user_token, "staff": login.json()["token"]}
        sent, errors = await asyncio.to_thread(_fuzz, base_url, tokens)
    if isinstance(store, RedisStore):
        await store.delete_prefix()
        await store.close()
    assert sent > 200
    assert errors == []
