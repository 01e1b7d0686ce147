"""Time in the centre's zone. China keeps UTC+8 all year (no daylight saving)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(UTC)


def today_in_china() -> date:
    return datetime.now(CHINA_TZ).date()


def china_time_text(moment: datetime) -> str:
    """2026年11月22日 19:30, in the centre's local time."""
    return f"{moment.astimezone(CHINA_TZ):%Y年%m月%d日 %H:%M}"
