"""Opening hours: 'mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00' (the importer's format).

Times are China local time (UTC+8). Public holidays are not in the format: a hall shown
as 营业中 on a holiday may be closed, so the Chinese text says "法定节假日除外".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from wxbackend.clock import CHINA_TZ

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_MINUTES_PER_DAY = 24 * 60


class HoursFormatError(ValueError):
    """Opening hours that do not follow the documented format."""


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Open spans per weekday (0 = Monday), in minutes after midnight, end exclusive."""

    spans: tuple[tuple[tuple[int, int], ...], ...]
    text: str  # Chinese, e.g. 周一至周五 09:00-12:00、13:30-17:00；周六 09:00-12:00

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(CHINA_TZ)
        minute = local.hour * 60 + local.minute
        weekday = local.weekday()
        if any(start <= minute < end for start, end in self.spans[weekday]):
            return True
        # A span past midnight ("22:00-02:00") was stored on its first day as (1320, 1560).
        yesterday = self.spans[(weekday - 1) % 7]
        return any(minute < end - _MINUTES_PER_DAY for _, end in yesterday)


def _days(text: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursFormatError(f"unknown day {part!r}")
        start, end = DAYS.index(first), DAYS.index(last or first)
        count = (end - start) % 7 + 1  # "sat-mon" wraps over the week's end
        days.extend((start + i) % 7 for i in range(count))
    return days


def _days_text(text: str) -> str:
    parts = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        name = DAY_NAMES[DAYS.index(first)]
        parts.append(f"{name}至{DAY_NAMES[DAYS.index(last)]}" if last else name)
    return "、".join(parts)


def _span(text: str) -> tuple[int, int]:
    match = _SPAN.match(text)
    if match is None:
        raise HoursFormatError(f"bad time span {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        end += _MINUTES_PER_DAY
    return start, end


def parse_hours(value: str) -> OpeningHours:
    """Parse the stored format; raises HoursFormatError."""
    spans: list[list[tuple[int, int]]] = [[] for _ in DAYS]
    texts = []
    for segment in (s.strip().lower() for s in value.split(";")):
        if not segment:
            continue
        days_part, _, spans_part = segment.partition(" ")
        day_spans = [_span(s.strip()) for s in spans_part.split(",") if s.strip()]
        if not day_spans:
            raise HoursFormatError(f"no times in {segment!r}")
        for day in _days(days_part):
            spans[day].extend(day_spans)
        times = "、".join(s.strip() for s in spans_part.split(",") if s.strip())
        texts.append(f"{_days_text(days_part)} {times}")
    if not texts:
        raise HoursFormatError("empty opening hours")
    return OpeningHours(spans=tuple(tuple(sorted(s)) for s in spans), text="；".join(texts))
