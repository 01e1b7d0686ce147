"""`wxbackend outbox list | retry` on a fresh database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from typer.testing import CliRunner, Result

from tests.builders import make_account
from wxbackend.cli.outbox import app
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.logs import configure_logging
from wxbackend.notify import service
from wxbackend.notify.models import NoticeStatus, OutboxNotice
from wxbackend.security.pii import Vault


@pytest.fixture(autouse=True)
def _restore_logging(settings: Settings) -> Iterator[None]:
    """The command binds logging to the runner's stderr, closed afterwards: rebind it."""
    yield
    configure_logging(level=settings.server.log_level, json=settings.server.log_json)


async def _cli(url: str, *args: str) -> Result:
    # The command runs its own event loop (asyncio.run), so it runs in a worker thread.
    runner = CliRunner()
    env: dict[str, str | None] = {"WXB_DATABASE__URL": url, "WXB_ENV": "test"}
    return await asyncio.to_thread(lambda: runner.invoke(app, list(args), env=env))


async def _notices(url: str, vault: Vault) -> tuple[int, int]:
    """One sent and one dead notice."""
    engine = create_engine(DatabaseSettings(url=url))
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            account = await make_account(session, vault)
            ids = []
            for status in (NoticeStatus.SENT, NoticeStatus.DEAD):
                notice = await service.enqueue_notice(
                    session,
                    account_id=account.id,
                    kind="documents_needed",
                    values={"documents": "租房合同"},
                )
                await session.execute(
                    update(OutboxNotice)
                    .where(OutboxNotice.id == notice.id)
                    .values(status=status, attempts=8, last_error="template errcode -1")
                )
                ids.append(notice.id)
            return ids[0], ids[1]
    finally:
        await engine.dispose()


async def test_outbox_list_and_retry_dead(fresh_database_url: str, vault: Vault) -> None:
    url = fresh_database_url
    sent_id, dead_id = await _notices(url, vault)

    listed = await _cli(url, "list", "--status", "dead")
    assert listed.exit_code == 0, listed.output
    [line] = listed.output.strip().splitlines()
    assert line.split()[:3] == [str(dead_id), "dead", "documents_needed"]
    assert "last error: template errcode -1" in line

    assert (await _cli(url, "retry", str(sent_id))).exit_code == 1  # not dead
    retried = await _cli(url, "retry", str(dead_id))
    assert retried.exit_code == 0, retried.output
    assert "1 notice(s) due again" in retried.output
    assert "no notices" in (await _cli(url, "list", "--status", "dead")).output
    pending = (await _cli(url, "list", "--status", "pending")).output
    assert pending.split()[:2] == [str(dead_id), "pending"]


async def test_outbox_retry_needs_an_id_or_all_dead(fresh_database_url: str) -> None:
    assert (await _cli(fresh_database_url, "retry")).exit_code == 2
    assert (await _cli(fresh_database_url, "retry", "1", "--all-dead")).exit_code == 2
    result = await _cli(fresh_database_url, "retry", "--all-dead")
    assert result.exit_code == 0, result.output
    assert "0 notice(s) due again" in result.output
