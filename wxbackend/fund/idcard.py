"""Mainland 18-digit resident ID numbers (GB 11643): checksum and birth date."""

from __future__ import annotations

from datetime import date

from wxbackend import clock

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_no(text: str) -> str:
    return text.strip().upper()


def is_valid_id_no(text: str) -> bool:
    """18 characters, a real birth date and a correct check character."""
    id_no = normalise_id_no(text)
    if len(id_no) != 18 or not id_no[:17].isdigit():
        return False
    try:
        born = date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > clock.today_in_china():
        return False
    return id_no[17] == check_char(id_no[:17])


def make_id_no(area: str, born: date, sequence: int) -> str:
    """Build a valid ID number (demo data and tests); `sequence` is 0-999."""
    first17 = f"{area}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
