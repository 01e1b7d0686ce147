"""`wxbackend worker`: the background worker (withdrawal payouts, notices to users)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from wxbackend.cli.runtime import load_settings
from wxbackend.logs import configure_logging
from wxbackend.worker import install_stop_signals, run_worker


def worker(
    once: Annotated[bool, typer.Option(help="Run one pass and exit (cron, tests).")] = False,
) -> None:
    """Pay approved withdrawals and deliver notices; run several on several machines safely."""
    settings = load_settings()
    configure_logging(level=settings.server.log_level, json=settings.server.log_json)

    async def _main() -> None:
        stop = asyncio.Event()
        install_stop_signals(stop)
        report = await run_worker(settings, once=once, stop=stop)
        if once:
            typer.echo(
                f"paid {len(report.paid)}, failed {len(report.failed)}, "
                f"awaiting the bank {len(report.unknown)}"
            )

    asyncio.run(_main())
