"""Template filters: money, months, days, ratios, times and distances as users read them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from wxbackend.account.display import date_text, month_text_of
from wxbackend.clock import CHINA_TZ
from wxbackend.money import format_yuan
from wxbackend.points.display import distance_text


def yuan(fen: int | None) -> str:
    """123456 -> ¥1,234.56 (fen are integers; never a float)."""
    return "—" if fen is None else format_yuan(fen)


def month(value: str | None) -> str:
    """'2026-10' -> 2026年10月."""
    return month_text_of(value) if value else "—"


def day(value: date | None) -> str:
    return date_text(value) if value else "—"


def ratio(basis_points: int) -> str:
    """1200 -> 12%, 750 -> 7.5%."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def moment(value: datetime | None) -> str:
    """A time in China time: 2026-10-15 14:03."""
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def metres(value: float | int | None) -> str:
    return "" if value is None else distance_text(float(value))
