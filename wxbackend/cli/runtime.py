"""What a CLI command needs: settings, a database session scope, the vault, the store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from wxbackend import schema
from wxbackend.cli.errors import CliFailure
from wxbackend.config import Settings
from wxbackend.db import create_engine, create_sessionmaker
from wxbackend.home import running_server
from wxbackend.logs import configure_logging
from wxbackend.security.pii import Vault

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    vault: Vault


def load_settings() -> Settings:
    """Settings for a command that works beside a running service.

    In development, when no port is configured, the port of the `wxbackend serve`
    running on this home (var/serve.json) is used, so `sim`, `menu` and `worker` reach
    the server and its sandbox however `scripts/dev.sh --port` started it.
    """
    settings = Settings()
    explicit = settings.server.model_fields_set & {"host", "port"}
    running = running_server()
    if settings.env == "development" and not explicit and running is not None:
        settings = Settings(server={"host": running.host, "port": running.port})
    return settings


def load_cli_settings() -> Settings:
    settings = load_settings()
    # Commands print for people; keep log lines short and readable on a terminal.
    configure_logging(level="WARNING", json=False)
    return settings


async def check_schema(settings: Settings) -> None:
    """Fail in one line unless the database is migrated to this code's revision."""
    engine = create_engine(settings.database)
    try:
        current = await schema.current_revision(engine)
    finally:
        await engine.dispose()
    head = schema.head_revision()
    if current != head:
        state = "not migrated" if current is None else f"at revision {current}"
        raise CliFailure(
            f"the database is {state}, this code needs {head}", "run `wxbackend db upgrade`"
        )


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    engine = create_engine(settings.database)
    try:
        yield Runtime(
            settings=settings,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            vault=Vault.from_settings(settings.security),
        )
    finally:
        await engine.dispose()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)
