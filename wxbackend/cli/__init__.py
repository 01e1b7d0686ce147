"""The `wxbackend` command."""

from __future__ import annotations

import typer

from wxbackend.cli import (
    appointments,
    certificates,
    data,
    db,
    ledger,
    menu,
    outbox,
    passwords,
    payouts,
    reconcile,
    serve,
    sim,
    staff,
    worker,
)
from wxbackend.cli.errors import FailInOneLine

app = typer.Typer(
    help="住房公积金 WeChat backend: serve, migrate, load data and operate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=FailInOneLine,
)


@app.callback()
def _options(
    traceback: bool = typer.Option(
        False, "--traceback", help="On an unexpected error, show the traceback (bug reports)."
    ),
) -> None:
    # Nothing to do now: FailInOneLine reads the option once a command has failed.
    return


app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(ledger.app, name="ledger")
app.add_typer(menu.app, name="menu")
app.add_typer(sim.app, name="sim")
app.add_typer(passwords.app, name="passwords")
app.add_typer(staff.app, name="staff")
app.add_typer(outbox.app, name="outbox")
app.add_typer(appointments.app, name="appointments")
app.add_typer(certificates.app, name="certificates")
app.add_typer(payouts.app, name="payouts")
app.command("import")(data.import_file)
app.command("demo")(data.demo)
app.command("worker")(worker.worker)
app.command("reconcile")(reconcile.reconcile_day)


def main() -> None:
    app()
