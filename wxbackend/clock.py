"""The centre's clock: the one place that reads the host's wall clock.

Every date and time the service uses comes from here — the day a deposit is due, the
interest year, a loan period, a person's age, a password's expiry, a day's cap, a
signature's timestamp. The centre keeps China time (UTC+8 all year, no daylight saving),
whatever zone the host is set to. ``ruff`` refuses ``date.today()``, ``datetime.now()``
and ``time.time()`` anywhere else (``banned-api`` in ``pyproject.toml``), so a test that
freezes this clock (``time-machine``, see ``tests/conftest.py``) freezes the whole service.

Durations (timeouts, TTLs in the in-process store) use ``time.monotonic()``, which is not
a date and is left to the host.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    """The current instant, timezone-aware in UTC (how the database stores it)."""
    return datetime.now(UTC)


def china_now() -> datetime:
    """The current instant on the centre's wall clock (UTC+8)."""
    return datetime.now(CHINA_TZ)


def today_in_china() -> date:
    """The centre's calendar day: the 1st in China is still the 30th/31st in UTC until 08:00."""
    return china_now().date()


def timestamp() -> float:
    """Seconds since the epoch, for wire protocols (WeChat, TC3 and bank signatures)."""
    return time.time()


def china_time_text(moment: datetime) -> str:
    """2026年11月22日 19:30, in the centre's local time."""
    return f"{moment.astimezone(CHINA_TZ):%Y年%m月%d日 %H:%M}"
