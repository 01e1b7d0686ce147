"""What a CLI command needs: settings, a database session scope, the vault, the store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from wxbackend.config import Settings
from wxbackend.db import create_engine, create_sessionmaker
from wxbackend.logs import configure_logging
from wxbackend.security.pii import Vault

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    vault: Vault


def load_cli_settings() -> Settings:
    settings = Settings()
    # Commands print for people; keep log lines short and readable on a terminal.
    configure_logging(level="WARNING", json=False)
    return settings


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
