"""The whole app in uvicorn on a free local port, in a thread with its own event loop.

For clients that need a real socket (schemathesis, browsers, load while a server
restarts).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from wxbackend.app import create_app
from wxbackend.config import Settings
from wxbackend.gateways import Gateways


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serve_in_thread(app: Any, sock: socket.socket, **options: Any) -> Iterator[None]:
    """Run `app` (lifespan included) on `sock` until the block ends."""
    defaults: dict[str, Any] = {"log_level": "warning", "lifespan": "on"}
    config = uvicorn.Config(app, timeout_graceful_shutdown=2, **(defaults | options))
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-app", daemon=True
    )
    thread.start()
    try:
        for _ in range(1000):
            if server.started or not thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not server.started:
            raise RuntimeError("app server did not start")
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def live_app(
    settings: Settings,
    *,
    gateways: Gateways | None = None,
    store: Any = None,
    uvicorn_options: dict[str, Any] | None = None,
) -> Iterator[tuple[str, Any]]:
    """(base URL, the app) while the server runs; its lifespan runs in the server's loop."""
    sock = free_socket()
    app = create_app(settings, gateways=gateways, store=store)
    options: dict[str, Any] = {"log_config": None, **(uvicorn_options or {})}
    with serve_in_thread(app, sock, **options):
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
