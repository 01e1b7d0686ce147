"""`wxbackend staff`: centre staff accounts for the withdrawal review desk."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from wxbackend.cli.errors import CliFailure
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.db import session_scope
from wxbackend.errors import DomainError
from wxbackend.staff import auth
from wxbackend.staff.models import StaffRole, StaffUser

T = TypeVar("T")

app = typer.Typer(help="Staff accounts (reviewers, supervisors).", no_args_is_help=True)

# The operator's words for the refusals these commands meet (the desk shows Chinese ones).
_REFUSALS: dict[str, tuple[str, str]] = {
    "staff.exists": ("a staff account with this name already exists", "pick another name"),
    "staff.not_found": ("no staff account with this name", "see `wxbackend staff list`"),
    "staff.username_invalid": (
        "invalid name",
        "use 3-32 of a-z 0-9 . _ -, starting with a letter",
    ),
    "staff.password_weak": (
        "the password is too weak",
        f"use {auth.MIN_PASSWORD}-{auth.MAX_PASSWORD} varied characters, not the name",
    ),
}


@app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: 3-32 of a-z 0-9 . _ -")],
    role: Annotated[
        StaffRole, typer.Option("--role", help="reviewer, supervisor, counter or admin.")
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin (scripts).")
    ] = False,
) -> None:
    """Create a staff account; the password is asked for twice (at least 12 characters)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = load_cli_settings()

    async def _add() -> StaffUser:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await auth.add_staff(session, username=username, password=password, role=role)

    user = _or_exit(lambda: run(_add()))
    typer.echo(f"added {user.role.value} {user.username}")


@app.command("disable")
def disable(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a staff account; its open sessions stop working at once."""
    settings = load_cli_settings()

    async def _disable() -> StaffUser:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await auth.disable_staff(session, username=username)

    user = _or_exit(lambda: run(_disable()))
    typer.echo(f"disabled {user.username}")


@app.command("reset-totp")
def reset_totp(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Forget a lost phone's TOTP secret: the next desk login enrols a new one."""
    settings = load_cli_settings()

    async def _reset() -> StaffUser:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            return await auth.reset_second_factor(session, username=username)

    user = _or_exit(lambda: run(_reset()))
    typer.echo(f"second factor reset for {user.username}; sessions ended")


@app.command("list")
def list_staff() -> None:
    """Every staff account: name, role, active or disabled, created."""
    settings = load_cli_settings()

    async def _list() -> list[tuple[str, str, bool, str]]:
        async with open_runtime(settings) as rt, session_scope(rt.sessionmaker) as session:
            users = await auth.list_staff(session)
            return [
                (u.username, u.role.value, u.active, u.created_at.date().isoformat()) for u in users
            ]

    for username, role, active, created in run(_list()):
        state = "active" if active else "disabled"
        typer.echo(f"{username:<32} {role:<10} {state:<8} {created}")


def _or_exit(call: Callable[[], T]) -> T:
    try:
        return call()
    except DomainError as exc:
        if exc.code not in _REFUSALS:
            raise
        raise CliFailure(*_REFUSALS[exc.code]) from None
