"""The official account's H5 pages: server-rendered, WeUI-styled, behind WeChat OAuth.

See docs/h5.md. `install_h5(app)` adds the page routers and serves the package's static
files (the vendored WeUI stylesheet and app.css) at /h5/static.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from wxbackend.h5 import (
    bindpw,
    queries,
    services,
    settings,
    sms,
    steps,
    withdrawal_case,
    withdrawals,
)
from wxbackend.h5.web import STATIC_DIR

__all__ = ["install_h5"]


def install_h5(app: FastAPI) -> None:
    """Routers for every /h5/ page (the OAuth login itself is in wxbackend.auth)."""
    # withdrawals before withdrawal_case: /h5/withdrawals/new is not a withdrawal id.
    for module in (queries, steps, bindpw, withdrawals, withdrawal_case, settings, services, sms):
        app.include_router(module.router)
    app.mount("/h5/static", StaticFiles(directory=STATIC_DIR), name="h5-static")
