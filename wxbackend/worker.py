"""The background worker: pays approved withdrawals, reminds tomorrow's hall
appointments (and marks no-shows), and delivers notices to users.

Several workers on several machines may run at once: each withdrawal is claimed with a
conditional update and a lease before the bank is called (see withdraw/payout.py), and
so is each notice (see notify/delivery.py; with Redis, notices go through Dramatiq).
"""

from __future__ import annotations

import asyncio
import signal
from contextlib import AsyncExitStack

import structlog

from wxbackend import clock
from wxbackend.appointments.jobs import run_jobs
from wxbackend.appointments.schedule import load_book_for
from wxbackend.config import Settings
from wxbackend.db import create_engine, create_sessionmaker
from wxbackend.gateways import Gateways, open_gateways
from wxbackend.notify.runner import notice_pass
from wxbackend.security.pii import Vault
from wxbackend.withdraw.payout import PayoutReport, run_payouts

log = structlog.get_logger(__name__)


async def run_worker(
    settings: Settings,
    *,
    once: bool = False,
    stop: asyncio.Event | None = None,
    gateways: Gateways | None = None,
) -> PayoutReport:
    """Pay and notify what is due every `payout_poll_s` seconds until stopped (or once).

    `once` delivers notices in this process; a long-running worker with Redis configured
    hands them to Dramatiq (several threads, several machines). Without `gateways` (tests
    pass fakes) the real ones are built, the bank among them.
    """
    engine = create_engine(settings.database)
    sessionmaker = create_sessionmaker(engine)
    vault = Vault.from_settings(settings.security)
    stop = stop or asyncio.Event()
    total = PayoutReport()
    book = load_book_for(settings.appointments.halls_file, settings.appointments.calendar_file)
    log.info("worker.started", once=once)
    resources = AsyncExitStack()
    try:
        if gateways is None:
            gateways = await resources.enter_async_context(open_gateways(settings))
        bank = gateways.bank
        notices = await resources.enter_async_context(
            notice_pass(
                settings,
                sessionmaker=sessionmaker,
                vault=vault,
                gateways=gateways,
                use_queue=not once,
            )
        )
        while True:
            try:
                report = await run_payouts(
                    sessionmaker,
                    bank=bank,
                    vault=vault,
                    limit=settings.withdraw.payout_batch,
                    lease_s=settings.withdraw.payout_lease_s,
                    max_attempts=settings.withdraw.payout_max_attempts,
                )
            except Exception:
                # A database or bank hiccup must not end the worker; what was claimed
                # stays leased and is picked up again once the lease runs out.
                log.exception("worker.payout_pass_failed")
                report = PayoutReport()
            total.paid += report.paid
            total.failed += report.failed
            total.unknown += report.unknown
            if report.paid or report.failed or report.unknown:
                log.info(
                    "worker.payouts",
                    paid=len(report.paid),
                    failed=len(report.failed),
                    unknown=len(report.unknown),
                )
            try:
                # Before the notices: tomorrow's reminders go out in this same pass.
                await run_jobs(
                    sessionmaker,
                    book,
                    now=clock.now(),
                    today=clock.today_in_china(),
                    reminder_hour=settings.appointments.reminder_hour,
                    china_hour=clock.china_now().hour,
                )
            except Exception:
                log.exception("worker.appointment_jobs_failed")
            await notices.run()
            if once or stop.is_set():
                return total
            try:
                await asyncio.wait_for(stop.wait(), timeout=settings.withdraw.payout_poll_s)
            except TimeoutError:
                continue
            return total
    finally:
        await resources.aclose()
        await engine.dispose()
        log.info("worker.stopped")


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGTERM/SIGINT finish the current pass, then stop (no payment is cut in half)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
