"""Migrations: they build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from wxbackend import schema
from wxbackend.app import SchemaBehind, create_app
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.db import create_engine
from wxbackend.migrations.models import Base


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_diff)
    assert differences == []
    assert await schema.is_current(engine)


async def test_service_refuses_to_start_on_a_schema_that_is_behind(
    settings: Settings, tmp_path: Path
) -> None:
    # A new empty SQLite file stands for "behind" on either backend: the check is the same.
    url = f"sqlite+aiosqlite:///{tmp_path / f'{secrets.token_hex(3)}.db'}"
    stale = settings.model_copy(update={"database": DatabaseSettings(url=url)})
    app = create_app(stale)
    with pytest.raises(SchemaBehind, match="wxbackend db upgrade"):
        async with app.router.lifespan_context(app):
            pass
    await asyncio.to_thread(schema.upgrade, url)
    engine = create_engine(stale.database)
    try:
        assert await schema.current_revision(engine) == schema.head_revision()
    finally:
        await engine.dispose()
