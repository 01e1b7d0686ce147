"""`wxbackend serve`: run the HTTP service with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from wxbackend.config import Settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (more than 1 needs Redis).")] = 1,
) -> None:
    """Serve the API, the WeChat callback and (when enabled) the sandbox."""
    settings = Settings()
    if workers > 1 and not settings.store.redis_url:
        typer.echo("more than one worker needs a shared store: set WXB_STORE__REDIS_URL", err=True)
        raise typer.Exit(2)
    typer.echo(f"wxbackend on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    if settings.sandbox.enabled:
        typer.echo(f"sandbox: http://{host}:{port}/sandbox/")
    uvicorn.run(
        "wxbackend.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=None,
        proxy_headers=True,
    )
