"""`wxbackend reconcile DATE`: the bank's statement for a day against our withdrawals."""

from __future__ import annotations

from datetime import date

import typer

from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope
from wxbackend.gateways import open_gateways
from wxbackend.money import format_yuan
from wxbackend.withdraw.bank import BankUnreachable
from wxbackend.withdraw.reconcile import Mismatch, MismatchKind, ReconcileReport, reconcile

_LABELS = {
    MismatchKind.IN_BANK_NOT_OURS: "in the bank's statement, not ours",
    MismatchKind.OURS_NOT_IN_BANK: "paid by us, not in the bank's statement",
    MismatchKind.AMOUNT: "amounts differ",
    MismatchKind.STATUS: "NEEDS ATTENTION: outcomes differ",
}


def reconcile_day(
    day: str = typer.Argument(..., metavar="DATE", help="The statement day, YYYY-MM-DD."),
) -> None:
    """Compare the bank's statement for DATE with our withdrawals; exit 1 on any mismatch."""
    try:
        statement_day = date.fromisoformat(day)
    except ValueError:
        typer.echo(f"not a date: {day!r} (expected YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from None
    settings = load_cli_settings()

    async def _reconcile() -> ReconcileReport:
        async with open_gateways(settings) as gateways:
            entries = await gateways.bank.statement(statement_day)
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await reconcile(session, entries, day=statement_day)

    try:
        report = run(_reconcile())
    except BankUnreachable as exc:
        typer.echo(f"reconcile {day}: no statement from the bank ({exc})", err=True)
        raise typer.Exit(2) from None
    for mismatch in report.mismatches:
        typer.echo(_line(mismatch), err=True)
    if not report.ok:
        typer.echo(
            f"reconcile {day} FAILED: {len(report.mismatches)} mismatches, "
            f"{report.matched} matched",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"reconcile {day} ok: {report.matched} payments match the bank's statement")


def _line(m: Mismatch) -> str:
    bank = f"bank {_amount(m.bank_amount)} {m.bank_status or '-'}"
    ours = f"ours {_amount(m.our_amount)} {m.our_status or '-'}"
    return f"MISMATCH {m.reference}: {_LABELS[m.kind]} ({bank}; {ours})"


def _amount(fen: int | None) -> str:
    return "-" if fen is None else format_yuan(fen)
