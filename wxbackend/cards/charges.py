"""Counts the card checks Tencent Cloud bills the centre for, per action and China day."""

from __future__ import annotations

from datetime import date

import structlog

from wxbackend.cards.codes import Action
from wxbackend.clock import today_in_china
from wxbackend.store import Store

log = structlog.get_logger(__name__)

# Kept long enough to reconcile a month's bill against Tencent Cloud's.
COUNTER_TTL_S = 40 * 24 * 3600


def _key(action: Action, day: date) -> str:
    return f"cards:charged:{action}:{day.isoformat()}"


async def count_charge(store: Store, *, action: Action, code: str) -> int:
    """Add one billed call to today's counter; returns today's total for the action."""
    total = await store.incr(_key(action, today_in_china()), ttl=COUNTER_TTL_S)
    log.info("cards.verification_charged", action=action, result=code, charged_today=total)
    return total


async def charged_on(store: Store, *, action: Action, day: date | None = None) -> int:
    value = await store.get(_key(action, day or today_in_china()))
    return int(value) if value else 0
