"""/healthz and /readyz."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from wxbackend import schema

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Database and store reachable, migrations current")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    checks: dict[str, Any] = {}
    try:
        async with state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current = await schema.current_revision(state.engine)
        checks["migrations"] = "ok" if current == schema.head_revision() else f"behind ({current})"
    except Exception as exc:  # a probe reports failures, it must not raise them
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        await state.store.ping()
        checks["store"] = "ok"
    except Exception as exc:
        checks["store"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
