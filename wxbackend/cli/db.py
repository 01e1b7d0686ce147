"""`wxbackend db`: schema migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from wxbackend import schema
from wxbackend.cli.runtime import load_cli_settings, open_runtime, run
from wxbackend.config import Settings

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


def ensure_sqlite_dir(settings: Settings) -> None:
    """Create the folder of a file-based SQLite database."""
    from pathlib import Path

    url = settings.database.url
    if url.startswith("sqlite") and ":///" in url and ":memory:" not in url:
        Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


@app.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = load_cli_settings()
    ensure_sqlite_dir(settings)
    schema.upgrade(settings.database.url, revision)
    typer.echo(f"database at revision {schema.head_revision() if revision == 'head' else revision}")


@app.command("current")
def current() -> None:
    """Show the database's revision and whether it is current."""
    settings = load_cli_settings()

    async def _current() -> str | None:
        async with open_runtime(settings) as rt:
            return await schema.current_revision(rt.engine)

    revision = run(_current())
    head = schema.head_revision()
    typer.echo(f"database: {revision}  code: {head}  {'current' if revision == head else 'BEHIND'}")
    if revision != head:
        raise typer.Exit(1)
