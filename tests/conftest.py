"""Test resources. Two variants of the same suite:

- embedded (default): a fresh SQLite file and the in-process store;
- services (WXB_TEST_BACKEND=services): a fresh PostgreSQL database created on
  127.0.0.1:5432 and a fresh Redis key prefix, both dropped at the end.

WXB_TEST_NOW=2027-03-01T00:30:00+08:00 runs the whole suite on that moment (time-machine,
ticking from there): the service reads its time only through wxbackend.clock, and so do the
tests, so any day and any host time zone (TZ=America/Los_Angeles) must pass.
docs/operations.md shows the runs .ci/run makes.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from wxbackend import schema
from wxbackend.app import create_app
from wxbackend.config import Settings
from wxbackend.db import create_engine
from wxbackend.security.pii import Vault
from wxbackend.store import MemoryStore, RedisStore, Store

pytest_plugins = ["tests.sandbox_server"]

BACKEND = os.environ.get("WXB_TEST_BACKEND", "embedded")
PG_ADMIN_URL = os.environ.get("WXB_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("WXB_TEST_REDIS", "redis://127.0.0.1:6379/0")


TEST_NOW = os.environ.get("WXB_TEST_NOW", "")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_NOW:
        moment = datetime.fromisoformat(TEST_NOW)
        if moment.tzinfo is None:
            raise pytest.UsageError(f"WXB_TEST_NOW needs a UTC offset, e.g. +08:00: {TEST_NOW}")
        time_machine.travel(moment, tick=True).start()  # for the whole run


def pytest_report_header() -> str:
    moved = f", clock moved to {TEST_NOW}" if TEST_NOW else ""
    return f"wxbackend test backend: {BACKEND}{moved}, host TZ={os.environ.get('TZ', '(unset)')}"


async def _create_pg_database(name: str) -> str:
    admin = create_engine(Settings().database.model_copy(update={"url": PG_ADMIN_URL}))
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        from sqlalchemy import text

        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


async def _drop_pg_database(name: str) -> None:
    from sqlalchemy import text

    admin = create_engine(Settings().database.model_copy(update={"url": PG_ADMIN_URL}))
    async with admin.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="session")
def run_id() -> str:
    return secrets.token_hex(4)


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory, run_id: str) -> AsyncIterator[str]:
    """A fresh, migrated database for this test run."""
    if BACKEND == "services":
        name = f"wxb_test_{run_id}"
        url = await _create_pg_database(name)
        await asyncio.to_thread(schema.upgrade, url)
        yield url
        await _drop_pg_database(name)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "test.db"
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(schema.upgrade, url)
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, run_id: str) -> Settings:
    """Settings for tests: the test database, the sandbox on, logs in JSON."""
    overrides: dict[str, object] = {
        "env": "test",
        "database": {"url": database_url},
        "store": {"key_prefix": f"wxbtest:{run_id}:"},
    }
    if BACKEND == "services":
        overrides["store"] = {"redis_url": REDIS_URL, "key_prefix": f"wxbtest:{run_id}:"}
    return Settings(**overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest.fixture(scope="session")
def vault(settings: Settings) -> Vault:
    return Vault.from_settings(settings.security)


def _new_store(settings: Settings, suffix: str = "") -> Store:
    prefix = settings.store.key_prefix + suffix
    if settings.store.redis_url:
        return RedisStore(settings.store.redis_url, prefix=prefix)
    return MemoryStore(prefix=prefix)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """A store under a key prefix of its own, emptied after the test."""
    store = _new_store(settings, secrets.token_hex(4) + ":")
    yield store
    if isinstance(store, RedisStore):
        await store.delete_prefix()
    await store.close()


@pytest.fixture
async def store_factory(settings: Settings) -> AsyncIterator[Callable[[], Store]]:
    """Builds stores that share state, standing in for several processes.

    With Redis these are separate clients on one key prefix; embedded, they are one
    in-process store (all the "processes" live in this one).
    """
    suffix = secrets.token_hex(4) + ":"
    made: list[Store] = []
    shared_memory = MemoryStore(prefix=settings.store.key_prefix + suffix)

    def make() -> Store:
        if not settings.store.redis_url:
            return shared_memory
        store = _new_store(settings, suffix)
        made.append(store)
        return store

    yield make
    for store in made:
        if isinstance(store, RedisStore):
            await store.delete_prefix()
        await store.close()


@pytest.fixture
async def client(settings: Settings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app, lifespan included, behind an in-process HTTP client."""
    app = create_app(settings, store=store)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
