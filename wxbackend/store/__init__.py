"""Shared state between processes: Redis when configured, in-process otherwise."""

from __future__ import annotations

import multiprocessing

import structlog

from wxbackend.config import StoreSettings
from wxbackend.store.base import LockNotAcquired, Store, hold_lock
from wxbackend.store.durable import DurableMemoryStore
from wxbackend.store.memory import MemoryStore
from wxbackend.store.redis import RedisStore

__all__ = [
    "DurableMemoryStore",
    "LockNotAcquired",
    "MemoryStore",
    "RedisStore",
    "Store",
    "create_store",
    "hold_lock",
    "warn_if_unshared",
]

log = structlog.get_logger(__name__)


def create_store(settings: StoreSettings, *, durable_path: str | None = None) -> Store:
    """Redis when a URL is configured; otherwise an in-process store (one process only),
    kept in the file `durable_path` across restarts when one is given."""
    if settings.redis_url:
        return RedisStore.from_settings(settings)
    if durable_path:
        return DurableMemoryStore(durable_path, prefix=settings.key_prefix)
    return MemoryStore(prefix=settings.key_prefix)


def warn_if_unshared(store: Store, *, env: str) -> bool:
    """Warn (and say so) when an in-process store serves where it cannot be right.

    That is production, or one of several worker processes (uvicorn --workers starts
    them with multiprocessing). A single development server or a CLI command is fine.
    """
    if not isinstance(store, MemoryStore):
        return False
    if env != "production" and multiprocessing.parent_process() is None:
        return False
    log.warning(
        "store.in_process",
        detail="no Redis URL configured: shared state lives in this process only; "
        "run a single worker or set WXB_STORE__REDIS_URL",
    )
    return True
