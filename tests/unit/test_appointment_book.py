"""The appointment book as data: the shipped files load, bad edits are refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from wxbackend.appointments.schedule import Half, ScheduleError, load_book, parse_book
from wxbackend.certificates import codes
from wxbackend.points.hours import parse_hours

HOURS = parse_hours("mon-fri 09:00-12:00,13:30-17:00; sat 09:00-11:30")


def _halls(**hall: Any) -> dict[str, Any]:
    return {
        "businesses": {"withdrawal": {"name": "提取", "letter": "t", "documents": ["身份证"]}},
        "defaults": {"capacity": {"withdrawal": 5}},
        "halls": [{"point": "SP01", **hall}],
    }


def test_shipped_book_loads_and_marks_its_years_unconfirmed() -> None:
    book = load_book()
    assert set(book.businesses) == {"withdrawal", "loan", "transfer", "general"}
    assert {b.letter for b in book.businesses.values()} == {"T", "D", "Z", "H"}
    assert book.calendar.years == (2026, 2027)
    assert book.calendar.unconfirmed_years == (2026, 2027)  # until the centre confirms
    assert book.calendar.holidays[date(2026, 10, 1)] == "国庆节"
    assert date(2026, 10, 10) in book.calendar.makeup_days


def test_half_days_follow_hours_holidays_and_make_up_days() -> None:
    calendar = {
        "years": {
            "2026": {
                "holidays": [{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}],
                "makeup_days": ["2026-10-10"],
            }
        }
    }
    book = parse_book(_halls(), calendar)
    texts = {
        d: [h.text for h in book.half_days(HOURS, date(2026, 10, d))] for d in (7, 9, 10, 11, 17)
    }
    assert texts[7] == []  # holiday
    assert texts[9] == ["上午 09:00-12:00", "下午 13:30-17:00"]  # a Friday
    assert texts[10] == ["上午 09:00-12:00", "下午 13:30-17:00"]  # make-up Saturday: Monday's
    assert texts[11] == []  # an ordinary Sunday
    assert texts[17] == ["上午 09:00-11:30"]  # an ordinary Saturday
    assert book.half_days(None, date(2026, 10, 9)) == []  # unreadable hours: not bookable


def test_closures_close_a_half_or_the_day() -> None:
    closures = [{"from": "2026-12-31", "to": "2026-12-31", "half": "pm", "reason": "年终结算"}]
    hall = parse_book(_halls(closures=closures), {}).halls["SP01"]
    assert hall.closure(date(2026, 12, 31), Half.AM) is None
    closed = hall.closure(date(2026, 12, 31), Half.PM)
    assert closed is not None
    assert closed.reason == "年终结算"


@pytest.mark.parametrize(
    ("hall", "calendar", "message"),
    [
        ({"businesses": ["loan"]}, {}, "unknown businesses"),
        ({"capacity": {"withdrawal": 0}}, {}, "no capacity"),
        (
            {"closures": [{"from": "2026-01-01", "to": "2026-01-01", "half": "noon"}]},
            {},
            "am or pm",
        ),
        (
            {},
            {
                "years": {
                    "2026": {"holidays": [{"from": "2026-02-30", "to": "2026-03-01", "name": "x"}]}
                }
            },
            "not a date",
        ),
        (
            {},
            {
                "years": {
                    "2026": {
                        "holidays": [{"from": "2026-10-01", "to": "2026-10-07", "name": "国庆节"}],
                        "makeup_days": ["2026-10-03"],
                    }
                }
            },
            "also holidays",
        ),
    ],
)
def test_bad_edits_are_refused(
    hall: dict[str, Any], calendar: dict[str, Any], message: str
) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_book(_halls(**hall), calendar)


def test_codes_carry_100_bits_and_read_back_from_paper() -> None:
    code = codes.new_code()
    assert len(code) == 20
    assert set(code) <= set(codes.ALPHABET)
    assert len({codes.new_code() for _ in range(1000)}) == 1000
    printed = codes.grouped(code)
    assert codes.normalise(printed.lower().replace("-", " ")) == code
    assert codes.normalise("O1IL" + code[4:]) == "0111" + code[4:]
    assert codes.normalise(code[:-1]) is None
    assert codes.normalise(code[:-1] + "U") is None  # not in the alphabet
