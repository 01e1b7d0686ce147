"""Integration fixtures: a fresh, empty, migrated database for tests that commit."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database
from wxbackend import schema


@pytest.fixture
async def fresh_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """A new empty database at head, dropped afterwards (for code that commits)."""
    if BACKEND == "services":
        name = f"wxb_fresh_{secrets.token_hex(4)}"
        url = await _create_pg_database(name)
        await asyncio.to_thread(schema.upgrade, url)
        yield url
        await _drop_pg_database(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        await asyncio.to_thread(schema.upgrade, url)
        yield url
