"""Which unexpected errors mean "busy or down, try again" (503) rather than a bug (500)."""

from __future__ import annotations

from typing import Literal

import redis.exceptions
import sqlalchemy.exc

Cause = Literal["database", "store", "network"]

# How long a client should wait before retrying after an outage or overload answer.
RETRY_AFTER_S = 5

BUSY_MESSAGE = "系统繁忙，请稍后再试。"
INTERNAL_MESSAGE = "系统繁忙，请稍后再试。如多次出现，请拨打12329并提供编号。"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def unavailable_cause(exc: BaseException) -> Cause | None:
    """What is overloaded or unreachable when `exc` says so; None for a plain bug."""
    for error in _chain(exc):
        if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
            return "store"
        # Pool timeout (every connection busy), server gone, connection refused, SQLite busy.
        if isinstance(
            error,
            sqlalchemy.exc.TimeoutError
            | sqlalchemy.exc.OperationalError
            | sqlalchemy.exc.InterfaceError,
        ):
            return "database"
        if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
            return "database"
    for error in _chain(exc):
        # PostgreSQL's own word (asyncpg errors carry it): 08 connection exception,
        # 53 insufficient resources, 57 operator intervention (shutting down, starting).
        if str(getattr(error, "sqlstate", "") or "")[:2] in ("08", "53", "57"):
            return "database"
        if isinstance(error, ConnectionError | TimeoutError):
            return "network"  # a socket below some client, or a wait that ran out
    return None
