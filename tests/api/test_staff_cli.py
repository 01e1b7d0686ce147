"""`wxbackend staff add|disable|list` against the test database, then logging in."""

from __future__ import annotations

import asyncio
import secrets

from typer.testing import CliRunner, Result

from tests import staff_otp
from tests.api.signing_world import World
from wxbackend.cli import app

PASSWORD = "correct horse battery"


async def _cli(url: str, *args: str, stdin: str | None = None) -> Result:
    # The command runs its own event loop (asyncio.run), so it runs in a worker thread.
    runner = CliRunner()
    env: dict[str, str | None] = {"WXB_DATABASE__URL": url, "WXB_ENV": "test"}
    return await asyncio.to_thread(
        lambda: runner.invoke(app, ["staff", *args], input=stdin, env=env)
    )


def _listed(result: Result, username: str) -> list[str]:
    """Role and state of one name in `staff list`'s output."""
    for line in result.output.splitlines():
        name, role, state, _created = line.split()
        if name == username:
            return [role, state]
    return []


async def _login(world: World, username: str) -> int:
    """Log in with password and a TOTP code (enrolled here as the desk would)."""
    if username not in staff_otp.SECRETS:
        await staff_otp.enrol(world.sessionmaker, world.vault, username)
    response = await world.client.post(
        "/staff/api/session",
        json={"username": username, "password": PASSWORD, "otp": staff_otp.next_code(username)},
    )
    return response.status_code


async def test_staff_added_by_the_cli_can_log_in_until_disabled(
    world: World, database_url: str
) -> None:
    username = f"cli{secrets.token_hex(4)}"
    added = await _cli(
        database_url, "add", username, "--role", "supervisor", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    assert await _login(world, username) == 200

    listed = await _cli(database_url, "list")
    assert any(
        line.split()[:3] == [username, "supervisor", "active"]
        for line in listed.output.splitlines()
    )

    disabled = await _cli(database_url, "disable", username)
    assert disabled.exit_code == 0, disabled.output
    assert await _login(world, username) == 401
    listed = await _cli(database_url, "list")
    assert any(
        line.split()[:3] == [username, "supervisor", "disabled"]
        for line in listed.output.splitlines()
    )


async def test_add_reads_the_password_from_stdin_for_scripts(
    world: World, database_url: str
) -> None:
    username = f"cli{secrets.token_hex(4)}"
    added = await _cli(
        database_url,
        "add",
        username,
        "--role",
        "reviewer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert await _login(world, username) == 200


async def test_add_refuses_short_passwords_and_taken_names(database_url: str) -> None:
    username = f"cli{secrets.token_hex(4)}"
    short = await _cli(
        database_url, "add", username, "--role", "reviewer", "--password-stdin", stdin="258369\n"
    )
    assert short.exit_code == 1
    assert "12" in short.output
    args = ("add", username, "--role", "reviewer", "--password-stdin")
    assert (await _cli(database_url, *args, stdin=PASSWORD + "\n")).exit_code == 0
    taken = await _cli(database_url, *args, stdin=PASSWORD + "\n")
    assert taken.exit_code == 1
    assert "already exists" in taken.output


async def test_disable_of_an_unknown_name_fails(database_url: str) -> None:
    result = await _cli(database_url, "disable", f"nobody{secrets.token_hex(4)}")
    assert result.exit_code == 1


async def test_reset_totp_makes_the_next_login_enrol_again(world: World, database_url: str) -> None:
    username = f"cli{secrets.token_hex(4)}"
    added = await _cli(
        database_url, "add", username, "--role", "counter", "--password-stdin", stdin=PASSWORD
    )
    assert added.exit_code == 0, added.output
    assert await _login(world, username) == 200
    reset = await _cli(database_url, "reset-totp", username)
    assert reset.exit_code == 0, reset.output
    response = await world.client.post(
        "/staff/api/session",
        json={"username": username, "password": PASSWORD, "otp": staff_otp.next_code(username)},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "staff.totp_enrolment_required"
