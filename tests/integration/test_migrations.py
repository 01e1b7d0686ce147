"""Migrations: they build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from wxbackend import clock, schema
from wxbackend.app import SchemaBehind, create_app
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.db import create_engine
from wxbackend.migrations.models import Base
from wxbackend.security.pii import Vault


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


@pytest.fixture
async def database_at_0004(tmp_path: Path) -> AsyncIterator[str]:
    from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database

    if BACKEND == "services":
        name = f"wxb_0004_{secrets.token_hex(4)}"
        url = await _create_pg_database(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'at-0004.db'}"
    await asyncio.to_thread(schema.upgrade, url, "0004")
    yield url
    if BACKEND == "services":
        await _drop_pg_database(name)


async def test_0005_seals_the_names_already_stored(database_at_0004: str, vault: Vault) -> None:
    # Finding 14: names were the one personal field in plaintext next to balances.
    from datetime import date

    from sqlalchemy import text

    from wxbackend.fund import service as fund
    from wxbackend.fund.models import FundAccount

    engine = create_engine(DatabaseSettings(url=database_at_0004))
    now = clock.now()
    sealed = vault.seal("110101199003077777")
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO employer (id, code, name, created_at) "
                "VALUES (1, 'E1', '示范单位', :now)"
            ),
            {"now": now},
        )
        await connection.execute(
            text(
                "INSERT INTO fund_account (id, account_no, name, id_no_enc, id_no_hash, "
                "pii_key_id, employer_id, status, deposit_base, employer_ratio_bp, "
                "employee_ratio_bp, opened_on, balance, created_at, updated_at) VALUES "
                "(1, '100100000001', '欧阳娜娜', :enc, :hash, :kid, 1, 'normal', 500000, "
                "1200, 1200, :opened, 0, :now, :now)"
            ),
            {
                "enc": sealed.blob,
                "hash": vault.lookup_hash("id_no", "110101199003077777"),
                "kid": sealed.key_id,
                "opened": date(2020, 1, 1),
                "now": now,
            },
        )
    await asyncio.to_thread(schema.upgrade, database_at_0004)
    async with engine.connect() as connection:
        raw = (await connection.execute(text("SELECT * FROM fund_account"))).one()
    assert "欧阳娜娜" not in repr(tuple(raw))
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine) as session:
        account = await session.get(FundAccount, 1)
        assert account is not None
        assert account.name_masked == "欧阳**"
        assert fund.reveal_name(vault, account) == "欧阳娜娜"
    await engine.dispose()


def _alembic_current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def test_the_start_up_schema_check_reads_revisions_as_alembic_does(tmp_path: Path) -> None:
    # The workers' check reads the revision files and alembic_version without Alembic.
    from alembic.script import ScriptDirectory

    assert schema.head_revision() == (
        ScriptDirectory.from_config(schema.alembic_config("")).get_current_head()
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'stepwise.db'}"
    engine = create_engine(DatabaseSettings(url=url))
    try:
        assert await schema.current_revision(engine) is None  # no alembic_version table
        revisions = ScriptDirectory.from_config(schema.alembic_config("")).walk_revisions()
        for step in reversed([r.revision for r in revisions]):
            await asyncio.to_thread(schema.upgrade, url, step)
            async with engine.connect() as connection:
                alembic_says = await connection.run_sync(_alembic_current)
            assert await schema.current_revision(engine) == alembic_says == step
            assert await schema.is_current(engine) == (step == schema.head_revision())
    finally:
        await engine.dispose()


def test_the_workers_import_no_alembic() -> None:
    import subprocess
    import sys

    code = "import sys, wxbackend.app; print('alembic' in sys.modules)"
    command = [sys.executable, "-c", code]
    found = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    assert found.stdout.strip() == "False"
