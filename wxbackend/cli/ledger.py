"""`wxbackend ledger`: verify the fund ledger."""

from __future__ import annotations

import typer

from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope
from wxbackend.fund import service
from wxbackend.money import format_yuan

app = typer.Typer(help="Fund ledger checks.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Verify every account's balance equals the sum of its journal entries."""
    settings = load_cli_settings()

    async def _check() -> tuple[int, list[service.BalanceMismatch]]:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await service.count_accounts(session), await service.check_ledger(session)

    total, mismatches = run(_check())
    for m in mismatches:
        typer.echo(
            f"MISMATCH account {m.account_no}: balance {format_yuan(m.balance)} "
            f"!= journal {format_yuan(m.journal_sum)} "
            f"(difference {format_yuan(m.balance - m.journal_sum)})",
            err=True,
        )
    if mismatches:
        typer.echo(f"ledger check FAILED: {len(mismatches)} of {total} accounts", err=True)
        raise typer.Exit(1)
    typer.echo(f"ledger check ok: {total} accounts, every balance equals its journal")
