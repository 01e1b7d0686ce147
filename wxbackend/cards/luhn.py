"""Card number syntax: digits only, 16–19 long, Luhn check digit (ISO/IEC 7812-1)."""

from __future__ import annotations

import re

MIN_LENGTH = 16
MAX_LENGTH = 19
_SEPARATORS = re.compile(r"[\s-]")


def normalise(card_no: str) -> str:
    """Drop the spaces and dashes people type between digit groups."""
    return _SEPARATORS.sub("", card_no)


def _luhn_sum(digits: str) -> int:
    """Luhn sum of a full number (the last digit being the check digit)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def luhn_valid(card_no: str) -> bool:
    return card_no.isascii() and card_no.isdigit() and _luhn_sum(card_no) % 10 == 0


def check_digit(body: str) -> str:
    """The digit that makes `body + digit` pass the Luhn check."""
    return str((10 - _luhn_sum(body + "0") % 10) % 10)


def well_formed(card_no: str) -> bool:
    """16–19 ASCII digits with a valid check digit."""
    return MIN_LENGTH <= len(card_no) <= MAX_LENGTH and luhn_valid(card_no)


def make_card_no(prefix: str, serial: int, *, length: int = 19) -> str:
    """A well-formed (Luhn-valid) card number for tests and demo data: prefix + serial."""
    body = prefix + f"{serial:0{length - len(prefix) - 1}d}"
    return body + check_digit(body)
