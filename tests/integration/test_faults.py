"""Restart Redis and PostgreSQL, and pause Redis, under callback and API load.

On a private redis-server (append-only file, as docs/operations.md asks of production)
and a private PostgreSQL cluster, both started here on free ports: no 5xx and no
apology once a second has passed after each recovery; every callback answered within
4.5 s, the pause included; never a 500; sessions and a staff lock survive the restart.
Runs in the services pass only (about 40 s).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.api.edge_app import fake_gateways
from tests.api.signing_world import world_on
from tests.api.test_staff_auth import STAFF_PASSWORD
from tests.conftest import BACKEND
from tests.live_server import live_app
from tests.private_servers import (
    PrivatePostgres,
    PrivateRedis,
    postgres_bin,
    private_postgres,
    private_redis,
    redis_available,
)
from wxbackend import schema
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings
from wxbackend.content import load_content
from wxbackend.db import create_engine, session_scope
from wxbackend.security.pii import Vault
from wxbackend.staff import auth
from wxbackend.staff.models import StaffRole
from wxbackend.store import RedisStore

pytestmark = pytest.mark.skipif(
    BACKEND != "services" or not redis_available() or postgres_bin() is None,
    reason="fault test: services pass, with redis-server and PostgreSQL binaries",
)

CALLBACK_DEADLINE_S = 4.5
SETTLE_S = 1.0  # after a recovery, how long apologies and 5xx are forgiven


@dataclass
class Answer:
    kind: str  # "callback" or "api"
    started: float
    took: float
    status: int
    apology: bool = False


@dataclass
class Timeline:
    answers: list[Answer] = field(default_factory=list)
    # (disruption began, service back) in loop time
    disruptions: list[tuple[str, float, float]] = field(default_factory=list)

    def settled(self, answer: Answer) -> bool:
        """Neither in flight during a disruption nor within SETTLE_S of its recovery."""
        start, end = answer.started, answer.started + answer.took
        return all(end < began or start >= back + SETTLE_S for _, began, back in self.disruptions)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[PrivateRedis, PrivatePostgres]]:
    with private_redis(tmp_path / "redis") as redis, private_postgres() as postgres:
        yield redis, postgres


@pytest.fixture
async def fault_settings(
    settings: Settings, servers: tuple[PrivateRedis, PrivatePostgres]
) -> Settings:
    redis, postgres = servers
    admin = create_engine(settings.database.model_copy(update={"url": postgres.url}))
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text('CREATE DATABASE "wxb_fault"'))
    await admin.dispose()
    url = postgres.url.rsplit("/", 1)[0] + "/wxb_fault"
    await asyncio.to_thread(schema.upgrade, url)
    return settings.model_copy(
        update={
            # Plain http to the local server: the cookies must not be Secure-only.
            "sessions": settings.sessions.model_copy(update={"cookie_secure": False}),
            "database": settings.database.model_copy(update={"url": url, "pool_timeout_s": 2.0}),
            "store": settings.store.model_copy(
                update={"redis_url": redis.url, "key_prefix": "wxbfault:"}
            ),
        }
    )


async def _restart(timeline: Timeline, name: str, action: object) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    await asyncio.to_thread(action)  # type: ignore[arg-type]
    timeline.disruptions.append((name, began, loop.time()))


async def test_restarts_and_a_pause_under_load(
    fault_settings: Settings, servers: tuple[PrivateRedis, PrivatePostgres], vault: Vault
) -> None:
    redis, postgres = servers
    gateways = fake_gateways()
    engine = create_engine(fault_settings.database)
    store = RedisStore.from_settings(fault_settings.store)
    apology = load_content(public_base_url=fault_settings.server.public_base_url)["apology"]
    with live_app(fault_settings, gateways=gateways) as (base_url, _app):
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            world = world_on(
                client, gateways, engine=engine, vault=vault, settings=fault_settings, store=store
            )
            openid = "o-fault-" + secrets.token_hex(4)
            token = await world.h5_login(openid)
            await world.sign_up(token, await world.person())
            username = "fault" + secrets.token_hex(3)
            async with session_scope(world.sessionmaker) as session:
                await auth.add_staff(
                    session, username=username, password=STAFF_PASSWORD, role=StaffRole.REVIEWER
                )
            for _ in range(5):
                locked = await client.post(
                    "/staff/api/session", json={"username": username, "password": "wrong-pw-1234"}
                )
            assert locked.status_code == 423

            user = SimulatedUser(callback_crypto(fault_settings), openid=openid)
            timeline = Timeline()
            loop = asyncio.get_running_loop()
            end = loop.time() + 24.0

            async def send_callbacks(words: str) -> None:
                while loop.time() < end:
                    signed = user.sign(user.text(words), mode="safe")
                    started = loop.time()
                    response = await client.post(
                        "/wechat/callback", params=signed.params, content=signed.body
                    )
                    took = loop.time() - started
                    reply = user.read_reply(response.content) if response.is_success else None
                    timeline.answers.append(
                        Answer(
                            "callback",
                            started,
                            took,
                            response.status_code,
                            apology=reply is not None and reply.text == apology,
                        )
                    )
                    await asyncio.sleep(0.05)

            async def call_api() -> None:
                while loop.time() < end:
                    started = loop.time()
                    response = await client.get(
                        "/api/account", headers={"Authorization": f"Bearer {token}"}
                    )
                    timeline.answers.append(
                        Answer("api", started, loop.time() - started, response.status_code)
                    )
                    await asyncio.sleep(0.05)

            async def chaos() -> None:
                await asyncio.sleep(2.0)
                await _restart(timeline, "redis restart", redis.restart)
                await asyncio.sleep(4.0)
                await _restart(timeline, "postgres restart", postgres.restart)
                await asyncio.sleep(4.0)
                began = loop.time()
                redis.pause()
                await asyncio.sleep(6.0)
                redis.resume()
                timeline.disruptions.append(("redis paused", began, loop.time()))

            await asyncio.gather(
                send_callbacks("帮助"),
                send_callbacks("余额"),
                call_api(),
                call_api(),
                chaos(),
            )
            # The lock was set before Redis restarted: still there (append-only file).
            after = await client.post(
                "/staff/api/session", json={"username": username, "password": STAFF_PASSWORD}
            )
    await store.close()
    await engine.dispose()

    callbacks = [a for a in timeline.answers if a.kind == "callback"]
    api = [a for a in timeline.answers if a.kind == "api"]
    # Shown with `pytest -s`: the figures behind the assertions below.
    print(
        f"fault test: {len(callbacks)} callbacks (slowest {max(a.took for a in callbacks):.2f} s,"
        f" {sum(a.apology for a in callbacks)} apologies, all during disruptions),"
        f" {len(api)} API calls ({sum(a.status == 503 for a in api)} x 503 during disruptions,"
        f" 0 x 500); disruptions: "
        + ", ".join(f"{name} {back - began:.2f} s" for name, began, back in timeline.disruptions)
    )
    assert len(callbacks) > 100
    assert len(api) > 50
    assert max(a.took for a in callbacks) < CALLBACK_DEADLINE_S
    assert [a.status for a in timeline.answers if a.status == 500] == []
    assert 401 not in {a.status for a in api}, "sessions did not survive the Redis restart"
    unsettled = [
        (a.kind, round(a.started - timeline.disruptions[0][1], 2), a.status, a.apology)
        for a in timeline.answers
        if timeline.settled(a) and (a.status >= 500 or a.apology)
    ]
    assert unsettled == []
    assert all(a.status == 200 for a in callbacks)
    assert after.status_code == 423
