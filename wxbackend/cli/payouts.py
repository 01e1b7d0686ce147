"""`wxbackend payouts`: payouts parked for an operator, and asking the bank again."""

from __future__ import annotations

from typing import Annotated

import typer

from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.clock import china_time_text
from wxbackend.db import session_scope
from wxbackend.money import format_yuan
from wxbackend.withdraw import recovery

app = typer.Typer(
    help="Payouts whose outcome stayed unknown (parked): list, query again.",
    no_args_is_help=True,
)


@app.command("parked")
def parked() -> None:
    """Every parked payout: id, bank reference, amount, attempts, since when, last error."""
    settings = load_cli_settings()

    async def _list() -> list[str]:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return [
                f"{w.id:>8}  {w.bank_reference:<18} {format_yuan(w.amount):>14}  "
                f"attempts {w.payout_attempts:<2} {china_time_text(w.updated_at)}  "
                f"{w.last_payout_error or ''}"
                for w in await recovery.parked_payouts(session)
            ]

    lines = run(_list())
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no parked payouts")


@app.command("requery")
def requery(
    withdrawal_id: Annotated[int, typer.Argument(help="The parked withdrawal.")],
) -> None:
    """Hand a parked payout back to the worker, which asks the bank once more first."""
    settings = load_cli_settings()

    async def _requery() -> bool:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await recovery.unpark(session, withdrawal_id, actor="operator:cli")

    if not run(_requery()):
        typer.echo(f"withdrawal {withdrawal_id} is not parked (or does not exist)", err=True)
        raise typer.Exit(1)
    typer.echo(f"withdrawal {withdrawal_id}: the worker asks the bank again at its next pass")
