"""`wxbackend passwords`: initial query passwords for employer agents."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from wxbackend.bind.initial import SheetRow, issue_initial_passwords
from wxbackend.cli.errors import CliFailure
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope
from wxbackend.errors import NotFound

app = typer.Typer(help="Query passwords.", no_args_is_help=True)


@contextmanager
def _sheet_file(target: Path) -> Iterator[TextIO]:
    """The sheet, opened before any password is reset and in place only once complete."""
    partial = target.with_name(target.name + ".partial")
    try:
        # The sheet holds live passwords: readable by its owner only.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CliFailure(f"cannot write {target} ({exc.strerror})", "pass --out PATH") from None
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as handle:
            yield handle
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


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

    with _sheet_file(target) as handle:
        try:
            sheet = run(_issue())
        except NotFound:
            raise CliFailure(
                f"no employer with code {employer}",
                "check the code, or load employers with `wxbackend import employers FILE.csv`",
            ) from None
        writer = csv.writer(handle)
        writer.writerow(["个人账号", "姓名", "初始查询密码"])
        for row in sheet:
            writer.writerow([row.account_no, row.masked_name, row.password])
    typer.echo(
        f"issued {len(sheet)} initial passwords for employer {employer} -> {target}\n"
        "hand the sheet to the employer agent; holders must change the password before "
        "any query works. Delete the file once delivered."
    )
