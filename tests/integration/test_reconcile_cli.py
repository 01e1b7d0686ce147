"""End to end: the payout worker pays through HttpBank and the sandbox bank (a timeout
included), then `wxbackend reconcile DATE` compares the bank's statement with ours."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import typer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner, Result

from tests.integration.test_reconcile import make_withdrawal
from tests.sandbox_server import SandboxServer
from wxbackend.cli.reconcile import reconcile_day
from wxbackend.clock import today_in_china
from wxbackend.config import Settings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.sandbox.bank_state import BankFault
from wxbackend.security.pii import Vault
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.bank import PaymentOrder
from wxbackend.withdraw.bank_http import HttpBank
from wxbackend.withdraw.models import WithdrawalStatus
from wxbackend.withdraw.payout import run_payouts

CARD = "6222020000000005678"


def _app() -> typer.Typer:
    # The command as cli/__init__.py registers it; a callback keeps "reconcile" a subcommand.
    app = typer.Typer()
    app.callback()(lambda: None)
    app.command("reconcile")(reconcile_day)
    return app


async def _cli(settings: Settings, *args: str) -> Result:
    # The command runs its own event loop (asyncio.run), so it runs in a worker thread.
    env: dict[str, str | None] = {
        "WXB_ENV": "test",
        "WXB_DATABASE__URL": settings.database.url,
        "WXB_BANK__BASE_URL": settings.bank.base_url,
    }
    runner = CliRunner()
    return await asyncio.to_thread(lambda: runner.invoke(_app(), list(args), env=env))


@pytest.fixture
async def sessionmaker(
    fresh_database_url: str, settings: Settings
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.database.model_copy(update={"url": fresh_database_url}))
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_payout_through_a_timeout_then_reconcile(
    sessionmaker: async_sessionmaker[AsyncSession],
    fresh_database_url: str,
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    vault: Vault,
) -> None:
    async with session_scope(sessionmaker) as session:
        timed_out = await make_withdrawal(session, vault, amount=350_000, card_no=CARD)
        plain = await make_withdrawal(session, vault, amount=120_000, card_no=CARD)
    wechat_sandbox.bank.add_fault(BankFault("timeout", "pay", timed_out.bank_reference, 2.0))
    bank = HttpBank(sandbox_settings.bank.model_copy(update={"timeout_s": 0.5}))
    try:
        first = await run_payouts(sessionmaker, bank=bank, vault=vault, lease_s=0)
        assert (first.paid, first.unknown) == ([plain.id], [timed_out.id])
        second = await run_payouts(sessionmaker, bank=bank, vault=vault, lease_s=0)
        assert second.paid == [timed_out.id]  # the query found it paid: not paid again
    finally:
        await bank.aclose()
    assert wechat_sandbox.bank.payments[timed_out.bank_reference].requests == 1
    async with session_scope(sessionmaker) as session:
        for w in (timed_out, plain):
            row = await repo.get_withdrawal(session, w.id)
            assert row is not None
            assert row.status is WithdrawalStatus.PAID

    settings = sandbox_settings.model_copy(
        update={
            "database": sandbox_settings.database.model_copy(update={"url": fresh_database_url})
        }
    )
    today = today_in_china().isoformat()
    result = await _cli(settings, "reconcile", today)
    assert result.exit_code == 0, result.output
    assert "2 payments match" in result.output

    # A payment the bank booked that we know nothing of.
    stray = HttpBank(sandbox_settings.bank)
    try:
        await stray.pay(PaymentOrder("WD999999999999", CARD, "李四", "ICBC", 100))
    finally:
        await stray.aclose()
    result = await _cli(settings, "reconcile", today)
    assert result.exit_code == 1
    assert "MISMATCH WD999999999999: in the bank's statement, not ours" in result.output
    assert CARD not in result.output


async def test_reconcile_refuses_a_bad_date(sandbox_settings: Settings) -> None:
    result = await _cli(sandbox_settings, "reconcile", "2026-02-30")
    assert result.exit_code == 2


async def test_reconcile_without_a_statement_exits_2(sandbox_settings: Settings) -> None:
    bank = sandbox_settings.bank.model_copy(update={"base_url": "http://127.0.0.1:9/bank"})
    result = await _cli(
        sandbox_settings.model_copy(update={"bank": bank}), "reconcile", "2026-03-02"
    )
    assert result.exit_code == 2
    assert "no statement from the bank" in result.output
