"""`wxbackend passwords`: initial query passwords for employer agents."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Annotated

import typer

from wxbackend.bind.initial import SheetRow, issue_initial_passwords
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope

app = typer.Typer(help="Query passwords.", no_args_is_help=True)


@app.command("issue")
def issue(
    employer: Annotated[str, typer.Option("--employer", help="Employer code.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Sheet to write (default: CODE-...csv).")
    ] = None,
    reissue: Annotated[
        bool, typer.Option(help="Also reset accounts that already have a password.")
    ] = False,
) -> None:
    """Write the initial-password sheet for an employer's agent."""
    settings = load_cli_settings()
    target = out or Path(f"{employer}-initial-passwords.csv")

    async def _issue() -> list[SheetRow]:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await issue_initial_passwords(session, employer_code=employer, reissue=reissue)

    sheet = run(_issue())
    # The sheet holds live passwords: readable by its owner only.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["个人账号", "姓名", "初始查询密码"])
        for row in sheet:
            writer.writerow([row.account_no, row.masked_name, row.password])
    typer.echo(
        f"issued {len(sheet)} initial passwords for employer {employer} -> {target}\n"
        "hand the sheet to the employer agent; holders must change the password before "
        "any query works. Delete the file once delivered."
    )
