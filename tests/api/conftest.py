"""Fixtures for whole-app tests on fake gateways."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.signing_world import World, open_world
from wxbackend.config import Settings
from wxbackend.security.pii import Vault
from wxbackend.store import Store


@pytest.fixture
async def world(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine
) -> AsyncIterator[World]:
    async for world in open_world(settings, store, vault, engine):
        yield world
