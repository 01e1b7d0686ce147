"""A closing withdrawal on PostgreSQL, paid by `wxbackend worker` processes: the worker is
SIGKILLed while the sandbox bank holds its pay request — once after the bank booked the
payment (our side never heard), once before the bank booked anything — and a fresh
`wxbackend worker --once` finishes the job. Seen from outside: the bank booked one payment
of the whole balance with its closing interest, the journal has one interest entry and
one payout, the account is closed, and `wxbackend ledger check` exits 0.

tests/integration/test_closing_withdrawal.py makes the same check with an in-process
cancellation; this one kills a real process, with nothing of ours left to run.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import BACKEND
from tests.integration.test_closing_withdrawal import OPENING, approved_closing
from tests.processes import (
    fresh_services,
    kill_group,
    run_command,
    service_env,
    spawned,
    tail,
)
from tests.sandbox_server import SandboxServer
from wxbackend import clock
from wxbackend.config import DatabaseSettings
from wxbackend.db import create_engine, create_sessionmaker
from wxbackend.fund.models import AccountStatus, EntryType, FundAccount, JournalEntry
from wxbackend.security.pii import Vault
from wxbackend.withdraw.models import Withdrawal, WithdrawalEvent, WithdrawalStatus

pytestmark = pytest.mark.skipif(
    BACKEND != "services",
    reason="the closing payout under a worker kill is checked on PostgreSQL: the services pass",
)
S = WithdrawalStatus
LEASE_S = 2.0  # how long the killed worker's claim keeps others off the withdrawal


@dataclass
class Payers:
    env: dict[str, str]
    home: Path
    sessions: async_sessionmaker[AsyncSession]
    sandbox: SandboxServer


@pytest.fixture(scope="module")
async def payers(
    sandbox_server: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Payers]:
    """A fresh database and Redis prefix, and the environment a worker runs in."""
    home = tmp_path_factory.mktemp("worker-home")
    async with fresh_services() as (database_url, prefix):
        env = service_env(
            home,
            database_url=database_url,
            prefix=prefix,
            sandbox=sandbox_server,
            # Longer than the sandbox holds an answer: the worker waits, and is killed.
            WXB_BANK__TIMEOUT_S="30",
            WXB_WITHDRAW__PAYOUT_POLL_S="0.2",
            WXB_WITHDRAW__PAYOUT_LEASE_S=str(LEASE_S),
        )
        engine = create_engine(DatabaseSettings(url=database_url))
        try:
            yield Payers(env, home, create_sessionmaker(engine), sandbox_server)
        finally:
            await engine.dispose()


async def bank(payers: Payers, method: str, path: str, body: Any = None) -> Any:
    async with httpx.AsyncClient(base_url=payers.sandbox.bank_url, timeout=5) as client:
        response = await client.request(method, "/_sandbox" + path, json=body)
        response.raise_for_status()
        return response.json()


async def held(payers: Payers, reference: str, worker: subprocess.Popen[bytes], log: Path) -> str:
    """Until the bank holds the worker's pay request for `reference`; the fault's kind."""
    deadline = time.monotonic() + 60  # the worker imports the app, on a busy machine too
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited: {await tail(log)}")
        for hold in (await bank(payers, "GET", "/faults"))["holding"]:
            if hold["reference"] == reference:
                return str(hold["kind"])
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker never reached the bank: {await tail(log)}")


async def status_of(payers: Payers, withdrawal_id: int) -> S:
    async with payers.sessions() as session:
        found = await session.get(Withdrawal, withdrawal_id)
        assert found is not None
        return found.status


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param("timeout", id="killed-after-the-bank-booked"),
        pytest.param("drop_before_booking", id="killed-before-the-bank-booked"),
    ],
)
async def test_a_killed_worker_leaves_a_closing_withdrawal_paid_once(
    payers: Payers, vault: Vault, fault: str
) -> None:
    # The fresh database numbers withdrawals from 1: forget earlier tests' WD000000000001.
    await bank(payers, "POST", "/reset")
    withdrawal, interest = await approved_closing(payers.sessions, vault)
    reference = withdrawal.bank_reference
    await bank(payers, "POST", "/faults", {"kind": fault, "reference": reference, "delay_s": 15})

    log = payers.home / f"worker-{fault}.log"
    with spawned(["worker"], payers.env, log) as worker:
        assert await held(payers, reference, worker, log) == fault
        booked = (await bank(payers, "GET", "/payments"))["items"]
        ours = [p for p in booked if p["reference"] == reference]
        assert len(ours) == (1 if fault == "timeout" else 0)
        # Claimed and sent; nothing of the answer recorded on our side.
        assert await status_of(payers, withdrawal.id) is S.PAYING
        kill_group(worker, signal.SIGKILL)
        assert worker.returncode == -signal.SIGKILL

    await asyncio.sleep(LEASE_S)  # the dead worker's claim runs out
    again = await run_command(["worker", "--once"], payers.env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "paid 1, failed 0, awaiting the bank 0" in again.stdout

    # The bank: one booked payment of the whole balance with the closing interest.
    ours = [
        p for p in (await bank(payers, "GET", "/payments"))["items"] if p["reference"] == reference
    ]
    assert [(p["status"], p["amount"], p["requests"]) for p in ours] == [
        ("paid", OPENING + interest, 1)
    ]
    # Our books: interest once, the payout once, the account closed, the ledger clean.
    async with payers.sessions() as session:
        entries = (
            await session.execute(
                select(JournalEntry.entry_type, JournalEntry.amount)
                .where(JournalEntry.account_id == withdrawal.account_id)
                .order_by(JournalEntry.id)
            )
        ).all()
        assert [tuple(e) for e in entries] == [
            (EntryType.OPENING, OPENING),
            *([(EntryType.INTEREST, interest)] if interest else []),
            (EntryType.WITHDRAWAL, -(OPENING + interest)),
        ]
        account = await session.get(FundAccount, withdrawal.account_id)
        assert account is not None
        assert (account.status, account.balance) == (AccountStatus.CLOSED, 0)
        assert account.status_changed_on == clock.today_in_china()  # closed today, China time
        moves = (
            await session.scalars(
                select(WithdrawalEvent.to_status)
                .where(WithdrawalEvent.withdrawal_id == withdrawal.id)
                .order_by(WithdrawalEvent.id)
            )
        ).all()
        assert moves.count("paid") == 1
        assert moves[-1] == "paid"
        paid = await session.scalar(
            select(func.count()).where(
                Withdrawal.account_id == withdrawal.account_id, Withdrawal.status == S.PAID
            )
        )
        assert paid == 1
    checked = await run_command(["ledger", "check"], payers.env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
