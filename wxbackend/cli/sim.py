"""`wxbackend sim`: act as a WeChat user against a running service and print the reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

import httpx
import typer

from wxbackend.callback import CALLBACK_PATH
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.cli.runtime import load_cli_settings

app = typer.Typer(
    help="Send signed (and in safe mode encrypted) callbacks as a WeChat user.",
    no_args_is_help=True,
)

Mode = Literal["plain", "compatible", "safe"]


@dataclass
class _Session:
    url: str
    mode: Mode
    user: SimulatedUser


@app.callback()
def options(
    ctx: typer.Context,
    url: str | None = typer.Option(
        None,
        help="Base URL of the running service [default: the `wxbackend serve` running on "
        "this home, else http://127.0.0.1:WXB_SERVER__PORT].",
    ),
    openid: str = typer.Option("o-sim-user-0001", help="The simulated user's openid."),
    mode: str = typer.Option("safe", help="plain, compatible or safe (AES)."),
) -> None:
    if mode not in ("plain", "compatible", "safe"):
        raise typer.BadParameter("mode must be plain, compatible or safe")
    settings = load_cli_settings()
    user = SimulatedUser(callback_crypto(settings), openid=openid)
    base = url or settings.server.local_url
    ctx.obj = _Session(url=base.rstrip("/"), mode=cast(Mode, mode), user=user)


def _send(ctx: typer.Context, xml: str) -> None:
    session: _Session = ctx.obj
    signed = session.user.sign(xml, mode=session.mode)
    try:
        response = httpx.post(
            session.url + CALLBACK_PATH, params=signed.params, content=signed.body, timeout=10
        )
    except httpx.HTTPError as exc:
        typer.echo(f"cannot reach {session.url}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if response.status_code != 200:
        typer.echo(f"HTTP {response.status_code}: {response.text}", err=True)
        raise typer.Exit(1)
    reply = session.user.read_reply(response.content)
    if reply is None:
        typer.echo("(no reply: the service answered “success”)")
        return
    typer.echo(f"[{reply.msg_type}]")
    typer.echo(reply.text)


@app.command("subscribe")
def subscribe(ctx: typer.Context) -> None:
    """Follow the account."""
    _send(ctx, ctx.obj.user.subscribe())


@app.command("unsubscribe")
def unsubscribe(ctx: typer.Context) -> None:
    """Unfollow the account."""
    _send(ctx, ctx.obj.user.event("unsubscribe", ""))


@app.command("click")
def click(ctx: typer.Context, key: str = typer.Argument(..., help="Menu key, e.g. HELP.")) -> None:
    """Press a click menu button."""
    _send(ctx, ctx.obj.user.click(key))


@app.command("text")
def text(
    ctx: typer.Context, content: str = typer.Argument(..., help="What the user types.")
) -> None:
    """Send a text message."""
    _send(ctx, ctx.obj.user.text(content))


@app.command("location")
def location(
    ctx: typer.Context,
    lat: float = typer.Argument(..., help="Latitude."),
    lng: float = typer.Argument(..., help="Longitude."),
    pick: str | None = typer.Option(
        None, "--pick", help="Send as the location_select menu event with this key instead."
    ),
) -> None:
    """Share a location (a location message, or the 网点查询 picker with --pick KEY)."""
    user: SimulatedUser = ctx.obj.user
    _send(ctx, user.location_select(pick, lat, lng) if pick else user.location(lat, lng))
