"""The embedded store that survives a restart: in-process, written through to SQLite.

Without Redis the service runs as one process, so the in-memory dict stays the truth
and every operation stays atomic (no await between a read and its write). Each write
is also applied, synchronously, to a small SQLite file, and the file is read back at
startup: lockouts, daily caps, sessions and callback nonces outlive a restart. Writes
cost tens of microseconds (WAL, synchronous=NORMAL: a power cut may lose the last
instants, a process crash or restart loses nothing).

Why not the app's database: counters are written outside the request's unit of work
(an attempt must stay counted when the request rolls back), and the store must not
take a pooled connection from the requests it protects.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from wxbackend import clock
from wxbackend.store.memory import _NO_EXPIRY, MemoryStore

# Locks are held by running tasks of this process: a restart must not inherit them.
_TRANSIENT = ("lock:",)


class DurableMemoryStore(MemoryStore):
    """MemoryStore whose state is kept in a SQLite file across restarts."""

    def __init__(self, path: str | Path, prefix: str = "") -> None:
        super().__init__(prefix=prefix)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # One process, one loop thread: sqlite3's own thread check stays on.
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS store_item "
            "(key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at REAL)"
        )
        self._load()

    def _load(self) -> None:
        wall, mono = clock.timestamp(), time.monotonic()
        self._db.execute(
            "DELETE FROM store_item WHERE expires_at IS NOT NULL AND expires_at <= ?", (wall,)
        )
        rows = self._db.execute("SELECT key, value, expires_at FROM store_item").fetchall()
        for key, value, expires_at in rows:
            expiry = _NO_EXPIRY if expires_at is None else mono + (expires_at - wall)
            self._data[key] = (value, expiry)

    def _put(self, key: str, value: str, expiry: float) -> None:
        super()._put(key, value, expiry)
        if key.startswith(_TRANSIENT):
            return
        wall = None if expiry == _NO_EXPIRY else clock.timestamp() + (expiry - time.monotonic())
        self._db.execute(
            "INSERT INTO store_item (key, value, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "expires_at = excluded.expires_at",
            (self._prefix + key, value, wall),
        )

    def _drop(self, key: str) -> None:
        super()._drop(key)
        if not key.startswith(_TRANSIENT):
            self._db.execute("DELETE FROM store_item WHERE key = ?", (self._prefix + key,))

    async def close(self) -> None:
        # Unlike MemoryStore.close, the state stays: that is the point of this store.
        self._db.close()
