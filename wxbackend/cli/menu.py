"""`wxbackend menu`: validate, show, diff and publish the official-account menu."""

from __future__ import annotations

import json
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import typer

from wxbackend.cli.errors import CliFailure, wechat_failure
from wxbackend.cli.runtime import load_cli_settings, run
from wxbackend.config import Settings
from wxbackend.menus import (
    DEFAULT_MENU_FILE,
    MenuInvalid,
    diff_menus,
    load_menu,
    normalise_menu,
    push_menu,
    validate_menu,
)
from wxbackend.store import create_store
from wxbackend.wechat import build_wechat_gateways
from wxbackend.wechat.gateway import OfficialAccountApi, WeChatApiError

app = typer.Typer(
    help="The official-account menu (menus/official_account.toml).", no_args_is_help=True
)

MenuFile = typer.Option(DEFAULT_MENU_FILE, "--file", "-f", help="Menu file (TOML).")


@asynccontextmanager
async def official_account(settings: Settings, doing: str) -> AsyncIterator[OfficialAccountApi]:
    """The real gateway, sharing the access token with the running service via the store.

    A WeChat error inside the block fails the command: `doing` failed, errcode and hint.
    """
    store = create_store(settings.store)
    try:
        oa, _mp = build_wechat_gateways(settings, store)
        yield oa
    except WeChatApiError as exc:
        raise wechat_failure(exc, doing) from None
    finally:
        await store.close()


def _load_valid(path: Path, settings: Settings) -> dict[str, Any]:
    try:
        menu = load_menu(path, public_base_url=settings.server.public_base_url)
    except OSError as exc:
        raise CliFailure(f"cannot read {path} ({exc.strerror})", "check --file") from None
    except tomllib.TOMLDecodeError as exc:
        raise CliFailure(f"{path} is not valid TOML ({exc})", "fix the file") from None
    problems = validate_menu(menu)
    if problems:
        for problem in problems:
            typer.echo(f"✗ {problem}", err=True)
        typer.echo(f"{path}: {len(problems)} problem(s); nothing sent", err=True)
        raise typer.Exit(1)
    return menu


@app.command("validate")
def validate(file: Path = MenuFile) -> None:
    """Check the menu against WeChat's limits (reports every problem)."""
    settings = load_cli_settings()
    _load_valid(file, settings)
    typer.echo(f"{file}: valid")


@app.command("show")
def show(file: Path = MenuFile) -> None:
    """Print the menu as it would be sent to WeChat."""
    settings = load_cli_settings()
    menu = _load_valid(file, settings)
    typer.echo(json.dumps(normalise_menu(menu), ensure_ascii=False, indent=2))


@app.command("diff")
def diff(file: Path = MenuFile) -> None:
    """Compare the menu with the live one; exit 1 when they differ."""
    settings = load_cli_settings()
    menu = _load_valid(file, settings)

    async def _diff() -> list[str]:
        async with official_account(settings, "reading the live menu") as oa:
            return diff_menus(await oa.get_menu(), menu)

    changes = run(_diff())
    if not changes:
        typer.echo("live menu is up to date")
        return
    for line in changes:
        typer.echo(line)
    raise typer.Exit(1)


@app.command("push")
def push(file: Path = MenuFile) -> None:
    """Publish the menu; does nothing when the live menu already matches."""
    settings = load_cli_settings()
    menu = _load_valid(file, settings)

    async def _push() -> list[str] | None:
        async with official_account(settings, "publishing the menu") as oa:
            result = await push_menu(oa, menu)
        return result.changes if result.created else None

    try:
        changes = run(_push())
    except MenuInvalid as exc:  # pragma: no cover - _load_valid already refused it
        raise typer.Exit(1) from exc
    if changes is None:
        typer.echo("already up to date")
        return
    for line in changes:
        typer.echo(line)
    typer.echo("menu published (WeChat clients refresh it within a few minutes)")
