"""`wxbackend serve`: run the HTTP service with uvicorn."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from typing import Annotated, Any

import typer
import uvicorn
from pydantic import ValidationError

from wxbackend import home
from wxbackend.cli.errors import CliFailure
from wxbackend.cli.runtime import check_schema, run
from wxbackend.config import Settings

# How `serve` runs uvicorn (tests/api/test_hardening_edge.py serves the same way).
UVICORN_OPTIONS: dict[str, Any] = {
    "access_log": False,
    "log_config": None,
    # Who the client is comes from WXB_SERVER__TRUSTED_PROXIES (middleware.py), never from
    # uvicorn's own X-Forwarded-For handling (which believes any peer on 127.0.0.1).
    "proxy_headers": False,
}


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on [default: WXB_SERVER__HOST].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [default: WXB_SERVER__PORT, 8000].")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (more than 1 needs Redis).")] = 1,
) -> None:
    """Serve the API, the WeChat callback and (when enabled) the sandbox."""
    # The workers build their own Settings from the environment: --host/--port reach them
    # (and every URL that follows the port, see config_urls.py) this way.
    if host is not None:
        os.environ["WXB_SERVER__HOST"] = host
    if port is not None:
        os.environ["WXB_SERVER__PORT"] = str(port)
    try:
        settings = Settings()
    except ValidationError as exc:
        # The production profile lists every unsafe setting: one line each, not one for all.
        typer.echo("wxbackend serve failed: invalid settings", err=True)
        for error in exc.errors():
            for line in str(error["msg"]).removeprefix("Value error, ").splitlines():
                typer.echo(line, err=True)
        raise typer.Exit(2) from None
    if workers > 1 and not settings.store.redis_url:
        raise CliFailure(
            "more than one worker needs a shared store", "set WXB_STORE__REDIS_URL", exit_code=2
        )
    if workers > 1 and settings.sandbox.enabled:
        raise CliFailure(
            "the sandbox keeps its state (sent messages, bank bookings) in one process",
            "serve it with --workers 1, or set WXB_SANDBOX__ENABLED=false",
            exit_code=2,
        )
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # prometheus-client's own switch, read at import in each worker: every worker
        # counts into files here and a scrape of any of them adds them all up.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wxbackend-metrics-")
    run(check_schema(settings))
    _banner(settings)
    home.record_server(settings.server.host, settings.server.port)
    # uvicorn re-raises the SIGTERM it handled once it has shut down: end through the
    # `finally` below then, so the record goes with the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        uvicorn.run(
            "wxbackend.asgi:app",
            host=settings.server.host,
            port=settings.server.port,
            workers=workers,
            **UVICORN_OPTIONS,
        )
    finally:
        home.forget_server()


def _banner(settings: Settings) -> None:
    local = settings.server.local_url
    public = settings.server.public_base_url.rstrip("/")
    typer.echo(f"wxbackend on {local}  (home: {home.home_dir()})")
    if public != local:
        typer.echo(f"  public base URL: {public}")
    typer.echo(f"  API docs:  {local}/docs")
    typer.echo(f"  readiness: {local}/readyz")
    typer.echo(f"  H5 pages:  {local}/h5/")
    if settings.sandbox.enabled:
        typer.echo(f"  sandbox:   {local}/sandbox/")
