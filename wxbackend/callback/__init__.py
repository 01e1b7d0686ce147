"""The official account's callback endpoint (`/wechat/callback`)."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from wxbackend.callback.api import CALLBACK_PATH, CallbackFrontDoor
from wxbackend.callback.runtime import CallbackRuntime

__all__ = ["CALLBACK_PATH", "CallbackRuntime", "install_callback"]


def install_callback(app: FastAPI) -> None:
    """Mount the endpoint and build its texts, crypto and handlers (fails fast if invalid)."""
    app.state.wechat_callback = CallbackRuntime.build(app.state.settings)
    # Innermost of the app's middleware (add_middleware would make it the outermost):
    # inside the request-id/access-log middleware, ahead of FastAPI's routing.
    app.user_middleware.append(Middleware(CallbackFrontDoor))
