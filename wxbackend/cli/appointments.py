"""`wxbackend appointments`: the calendar check and one pass of the clock-driven jobs."""

from __future__ import annotations

from datetime import timedelta

import typer

from wxbackend import clock
from wxbackend.appointments import jobs
from wxbackend.appointments.schedule import load_book_for
from wxbackend.cli.errors import CliFailure
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run

app = typer.Typer(
    help="Hall appointments: calendar check, reminders, no-shows.", no_args_is_help=True
)


@app.command("calendar")
def calendar() -> None:
    """The calendar's years and whether each was confirmed; fails when the booking window
    reaches a year the calendar does not cover (its holidays would be bookable)."""
    settings = load_cli_settings().appointments
    book = load_book_for(settings.halls_file, settings.calendar_file)
    cal = book.calendar
    for year in cal.years:
        days = sorted(d for d in cal.holidays if d.year == year)
        makeup = sorted(d for d in cal.makeup_days if d.year == year)
        state = (
            "UNCONFIRMED: check against the State Council notice"
            if year in cal.unconfirmed_years
            else "confirmed"
        )
        typer.echo(f"{year}: {len(days)} holiday days, {len(makeup)} make-up days, {state}")
    last = clock.today_in_china() + timedelta(days=settings.days_ahead)
    if last.year not in cal.years:
        raise CliFailure(
            f"the booking window reaches {last.year}, which the calendar does not cover",
            "add its holidays and make-up days to the calendar file (docs/appointments.md)",
        )


@app.command("run")
def run_once() -> None:
    """Mark past no-shows and write tomorrow's reminders to the outbox (cron, or the worker)."""
    settings = load_cli_settings()
    book = load_book_for(settings.appointments.halls_file, settings.appointments.calendar_file)

    async def _run() -> jobs.JobReport:
        async with open_runtime(settings) as rt:
            return await jobs.run_jobs(
                rt.sessionmaker,
                book,
                now=clock.now(),
                today=clock.today_in_china(),
                reminder_hour=0,  # asked for now: remind whatever the hour
                china_hour=clock.china_now().hour,
            )

    report = run(_run())
    typer.echo(f"reminders written {report.reminded}, no-shows marked {report.no_shows}")
