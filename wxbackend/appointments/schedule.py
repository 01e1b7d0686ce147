"""The appointment book as data: businesses, halls, capacities, the working calendar.

Loaded from halls.toml and calendar.toml (or the files the settings name) and validated
when loaded; `half_days` says which half days of a hall are bookable on a day.
"""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from wxbackend.points.hours import OpeningHours

HERE = Path(__file__).parent
NOON = 12 * 60


class Half(enum.StrEnum):
    AM = "am"
    PM = "pm"


HALF_NAMES = {Half.AM: "上午", Half.PM: "下午"}


class ScheduleError(ValueError):
    """The halls or calendar file does not follow its documented format."""


@dataclass(frozen=True, slots=True)
class Business:
    key: str
    name: str
    letter: str
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Closure:
    start: date
    end: date
    half: Half | None
    reason: str

    def covers(self, day: date, half: Half) -> bool:
        return self.start <= day <= self.end and self.half in (None, half)


@dataclass(frozen=True, slots=True)
class Hall:
    point_code: str
    businesses: tuple[str, ...]
    capacity: dict[str, int]
    closures: tuple[Closure, ...]

    def closure(self, day: date, half: Half) -> Closure | None:
        return next((c for c in self.closures if c.covers(day, half)), None)


@dataclass(frozen=True, slots=True)
class Calendar:
    holidays: dict[date, str]  # day -> holiday name
    makeup_days: frozenset[date]
    unconfirmed_years: tuple[int, ...]
    years: tuple[int, ...]

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays


@dataclass(frozen=True, slots=True)
class HalfDay:
    half: Half
    start: int  # minutes after midnight, China time
    end: int

    @property
    def text(self) -> str:
        return f"{HALF_NAMES[self.half]} {_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class AppointmentBook:
    businesses: dict[str, Business]
    halls: dict[str, Hall]  # by service point code
    calendar: Calendar

    def business(self, key: str) -> Business | None:
        return self.businesses.get(key)

    def half_days(self, opening: OpeningHours | None, day: date) -> list[HalfDay]:
        """The bookable half days of a hall with these hours on `day` (closures aside)."""
        if opening is None or self.calendar.is_holiday(day):
            return []
        weekday = day.weekday()
        if day in self.calendar.makeup_days and weekday >= 5:
            weekday = 0  # a make-up working day keeps the Monday hours
        spans = opening.spans[weekday]
        found = []
        for half in Half:
            mine = [s for s in spans if (s[0] < NOON) == (half is Half.AM)]
            if mine:
                found.append(HalfDay(half, min(s[0] for s in mine), max(s[1] for s in mine)))
        return found


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _calendar(data: dict[str, Any]) -> Calendar:
    holidays: dict[date, str] = {}
    makeup: set[date] = set()
    unconfirmed = []
    years = data.get("years", {})
    for year_text, year in years.items():
        if not bool(year.get("confirmed", False)):
            unconfirmed.append(int(year_text))
        for h in year.get("holidays", []):
            start, end = _day(h["from"], year_text), _day(h["to"], year_text)
            if end < start:
                raise ScheduleError(f"{year_text}: holiday {h['name']} ends before it starts")
            for ordinal in range(start.toordinal(), end.toordinal() + 1):
                holidays[date.fromordinal(ordinal)] = str(h["name"])
        makeup.update(_day(d, year_text) for d in year.get("makeup_days", []))
    clash = makeup & holidays.keys()
    if clash:
        raise ScheduleError(f"make-up days that are also holidays: {sorted(clash)}")
    return Calendar(
        holidays=holidays,
        makeup_days=frozenset(makeup),
        unconfirmed_years=tuple(sorted(unconfirmed)),
        years=tuple(sorted(int(y) for y in years)),
    )


def _closures(hall: dict[str, Any], code: str) -> tuple[Closure, ...]:
    closures = []
    for c in hall.get("closures", []):
        half = c.get("half")
        if half not in (None, "am", "pm"):
            raise ScheduleError(f"hall {code}: closure half must be am or pm")
        closures.append(
            Closure(
                start=_day(c["from"], code),
                end=_day(c["to"], code),
                half=Half(half) if half else None,
                reason=str(c.get("reason", "临时闭厅")),
            )
        )
    return tuple(closures)


def parse_book(halls: dict[str, Any], calendar: dict[str, Any]) -> AppointmentBook:
    """Validate both files' contents; raises ScheduleError."""
    businesses = {}
    for key, b in halls.get("businesses", {}).items():
        documents = tuple(str(d) for d in b.get("documents", []))
        if not documents:
            raise ScheduleError(f"business {key}: list the documents to bring")
        businesses[key] = Business(key, str(b["name"]), str(b["letter"])[:1].upper(), documents)
    default_capacity = {k: int(v) for k, v in halls.get("defaults", {}).get("capacity", {}).items()}
    parsed: dict[str, Hall] = {}
    for h in halls.get("halls", []):
        code = str(h["point"])
        offered = tuple(h.get("businesses", businesses))
        unknown = set(offered) - businesses.keys()
        if unknown:
            raise ScheduleError(f"hall {code}: unknown businesses {sorted(unknown)}")
        capacity = {**default_capacity, **{k: int(v) for k, v in h.get("capacity", {}).items()}}
        missing = [b for b in offered if capacity.get(b, 0) <= 0]
        if missing:
            raise ScheduleError(f"hall {code}: no capacity for {missing}")
        if code in parsed:
            raise ScheduleError(f"hall {code} is listed twice")
        parsed[code] = Hall(code, offered, capacity, _closures(h, code))
    return AppointmentBook(businesses, parsed, _calendar(calendar))


def load_book(halls_file: str = "", calendar_file: str = "") -> AppointmentBook:
    """The book from the given files, or the ones shipped beside this module."""
    halls_path = Path(halls_file) if halls_file else HERE / "halls.toml"
    calendar_path = Path(calendar_file) if calendar_file else HERE / "calendar.toml"
    try:
        halls = tomllib.loads(halls_path.read_text("utf-8"))
        calendar = tomllib.loads(calendar_path.read_text("utf-8"))
        return parse_book(halls, calendar)
    except (KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleError(f"{halls_path} / {calendar_path}: {exc}") from exc


def load_book_for(halls_file: str, calendar_file: str) -> AppointmentBook:
    """The configured files (relative to the home), or the demo centre's."""
    from wxbackend.home import resolve

    return load_book(
        str(resolve(halls_file)) if halls_file else "",
        str(resolve(calendar_file)) if calendar_file else "",
    )
