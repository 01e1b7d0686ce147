"""The centre's desk: server-rendered pages for reviewers, supervisors, the counter and
admins under /desk (docs/staff.md). `install_desk(app)` adds the routers and serves the
desk's static files (the vendored Pico CSS and desk.css) at /desk/static."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from wxbackend.desk import admin, counter, login, operations, review
from wxbackend.desk.web import STATIC_DIR

__all__ = ["ROUTERS", "install_desk"]

ROUTERS = tuple(m.router for m in (login, review, counter, operations, admin))


def install_desk(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/desk/static", StaticFiles(directory=STATIC_DIR), name="desk-static")
