"""The official account's callback endpoint (`/wechat/callback`)."""

from __future__ import annotations

from fastapi import FastAPI

from wxbackend.callback.api import CALLBACK_PATH, router
from wxbackend.callback.runtime import CallbackRuntime

__all__ = ["CALLBACK_PATH", "CallbackRuntime", "install_callback"]


def install_callback(app: FastAPI) -> None:
    """Mount the endpoint and build its texts, crypto and handlers (fails fast if invalid)."""
    app.state.wechat_callback = CallbackRuntime.build(app.state.settings)
    app.include_router(router)
