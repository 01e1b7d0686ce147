"""`wxbackend outbox`: list notices to users and revive dead ones."""

from __future__ import annotations

from typing import Annotated

import typer

from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.clock import china_time_text
from wxbackend.db import session_scope
from wxbackend.notify import service
from wxbackend.notify.models import NoticeStatus, OutboxNotice

app = typer.Typer(help="Notices to users (outbox): list and retry.", no_args_is_help=True)


def _line(notice: OutboxNotice) -> str:
    channel = notice.channel.value if notice.channel else "-"
    when = china_time_text(notice.sent_at or notice.next_attempt_at)
    line = (
        f"{notice.id:>8}  {notice.status.value:<8} {notice.kind:<22} {channel:<9} "
        f"attempts {notice.attempts:<2} {when}"
    )
    if notice.delivery_status:
        line += f"  wechat: {notice.delivery_status}"
    if notice.last_error and notice.status is not NoticeStatus.SENT:
        line += f"  last error: {notice.last_error}"
    return line


@app.command("list")
def list_notices(
    status: Annotated[
        NoticeStatus | None, typer.Option(help="Only notices in this state, e.g. dead.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The newest notices (id, state, kind, channel, attempts, time, last error)."""
    settings = load_cli_settings()

    async def _list() -> list[str]:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return [
                _line(n) for n in await service.list_notices(session, status=status, limit=limit)
            ]

    lines = run(_list())
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("no notices")


@app.command("retry")
def retry(
    notice_id: Annotated[int | None, typer.Argument(help="The dead notice to send again.")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Every dead notice.")] = False,
) -> None:
    """Give dead notices a fresh round of attempts (the worker sends them)."""
    if (notice_id is None) == (not all_dead):
        typer.echo("give a notice id or --all-dead (not both)", err=True)
        raise typer.Exit(2)
    settings = load_cli_settings()

    async def _retry() -> int:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await service.retry_dead(session, notice_id=notice_id)

    count = run(_retry())
    if notice_id is not None and count == 0:
        typer.echo(f"notice {notice_id} is not dead (or does not exist)", err=True)
        raise typer.Exit(1)
    typer.echo(f"{count} notice(s) due again")
