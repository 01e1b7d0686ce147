"""Read-only PostgreSQL connections for the hottest reads, without the ORM session.

A 账户查询 click is two short SELECTs. Through the async ORM session each costs ~1 ms of
CPU on top of the unit of work (pool pre-ping, BEGIN, COMMIT); on asyncpg's own pool with
its prepared-statement cache the pair costs ~0.2 ms (bench/README.md, issue #18). The
connections are read-only (`default_transaction_read_only`) and in autocommit: every
statement reads the latest committed rows, so nothing read here is ever staler than
the ORM path would read it. Only repositories pass SQL to it.

SQLite has no such path (`open_read_only` returns None) and reads through the session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from wxbackend.config import DatabaseSettings

# A connection that died with its server (a restart) is replaced and the read retried
# once: these are reads, so a retry can never apply anything twice.
_LOST = (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError, ConnectionError)


class ReadOnlyDatabase:
    """A small asyncpg pool of read-only, autocommit connections."""

    def __init__(self, pool: asyncpg.Pool, *, acquire_timeout_s: float) -> None:
        self._pool = pool
        self._acquire_timeout_s = acquire_timeout_s

    async def fetchrow(self, query: str, *args: Any) -> Mapping[str, Any] | None:
        """One row (or None); asyncpg prepares `query` once per connection and reuses it."""
        for attempt in (1, 2):
            try:
                async with self._pool.acquire(timeout=self._acquire_timeout_s) as conn:
                    row: Mapping[str, Any] | None = await conn.fetchrow(query, *args)
                    return row
            except _LOST:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self._pool.close()


async def _keep_as_is(_conn: asyncpg.Connection) -> None:
    """The pool's reset on release. asyncpg's default runs a round trip on every release
    (advisory unlocks, CLOSE ALL, UNLISTEN, RESET ALL): as dear as the read itself.
    These connections only ever run single SELECTs in autocommit, set nothing, listen
    to nothing and lock nothing, so there is nothing to reset. (asyncpg still rolls back
    a transaction left open and waits out a cancelled query before reuse.)"""


async def open_read_only(settings: DatabaseSettings) -> ReadOnlyDatabase | None:
    """The read-only pool for a PostgreSQL database; None for any other."""
    url = make_url(settings.url)
    if url.get_backend_name() != "postgresql":
        return None
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    pool = await asyncpg.create_pool(
        dsn,
        min_size=0,  # connect on first use: start-up does not wait for it
        max_size=settings.read_pool_size,
        max_inactive_connection_lifetime=300,
        server_settings={"default_transaction_read_only": "on"},
        reset=_keep_as_is,
    )
    return ReadOnlyDatabase(pool, acquire_timeout_s=settings.pool_timeout_s)
