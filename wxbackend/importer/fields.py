"""Parsers for CSV cells: each returns a domain value or raises RowInvalid with a reason."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from wxbackend.fund.idcard import is_valid_id_no, normalise_id_no
from wxbackend.fund.models import AccountStatus, RepaymentMethod
from wxbackend.money import MoneyFormatError, parse_yuan
from wxbackend.security.masking import mask_id_no, mask_mobile


class RowInvalid(ValueError):
    """A row that cannot be imported; the message is safe to show (no personal data)."""


MIN_RATIO_BP = 500
MAX_RATIO_BP = 1200

_STATUS_NAMES = {
    **{s.value: s for s in AccountStatus},
    "正常": AccountStatus.NORMAL,
    "封存": AccountStatus.SEALED,
    "冻结": AccountStatus.FROZEN,
    "销户": AccountStatus.CLOSED,
}
_METHOD_NAMES = {
    **{m.value: m for m in RepaymentMethod},
    "等额本息": RepaymentMethod.EQUAL_INSTALMENT,
    "等额本金": RepaymentMethod.EQUAL_PRINCIPAL,
}
_MOBILE = re.compile(r"1\d{10}")
_ACCOUNT_NO = re.compile(r"\d{6,20}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def required(value: str, column: str) -> str:
    text = value.strip()
    if not text:
        raise RowInvalid(f"{column} is empty")
    return text


def optional(value: str) -> str | None:
    text = value.strip()
    return text or None


def money(value: str, column: str) -> int:
    """Yuan with at most 2 decimals -> fen."""
    text = required(value, column)
    try:
        return parse_yuan(text)
    except MoneyFormatError:
        raise RowInvalid(f"{column} {text!r} is not an amount in yuan (e.g. 1234.56)") from None


def percent_bp(value: str, column: str, *, low: int, high: int) -> int:
    """'12', '7.5' or '7.5%' percent -> basis points within [low, high]."""
    text = required(value, column).removesuffix("%").strip()
    try:
        bp = Decimal(text) * 100
    except InvalidOperation:
        raise RowInvalid(f"{column} {text!r} is not a percentage (e.g. 12 or 7.5)") from None
    if not bp.is_finite() or bp != bp.to_integral_value():
        raise RowInvalid(f"{column} {text!r} has more than 2 decimals")
    if not low <= bp <= high:
        raise RowInvalid(f"{column} {text}% is outside {low / 100:g}%-{high / 100:g}%")
    return int(bp)


def deposit_ratio_bp(value: str, column: str) -> int:
    return percent_bp(value, column, low=MIN_RATIO_BP, high=MAX_RATIO_BP)


def integer(value: str, column: str, *, low: int, high: int) -> int:
    text = required(value, column)
    if not text.isdigit():
        raise RowInvalid(f"{column} {text!r} is not a whole number")
    number = int(text)
    if not low <= number <= high:
        raise RowInvalid(f"{column} {number} is outside {low}-{high}")
    return number


def decimal_degrees(value: str, column: str, *, low: float, high: float) -> float:
    text = required(value, column)
    try:
        number = float(text)  # a coordinate, not money
    except ValueError:
        raise RowInvalid(f"{column} {text!r} is not a number") from None
    if not low <= number <= high:
        raise RowInvalid(f"{column} {text} is outside {low:g}-{high:g}")
    return number


def iso_date(value: str, column: str) -> date:
    text = required(value, column)
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad_date(column, text)
    except ValueError:
        return _bad_date(column, text)


def _bad_date(column: str, text: str) -> date:
    raise RowInvalid(f"{column} {text!r} is not a date YYYY-MM-DD")


def month(value: str, column: str) -> date:
    """'2025-07' -> date(2025, 7, 1)."""
    text = required(value, column)
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise RowInvalid(f"{column} {text!r} is not a month YYYY-MM")
    return date(int(match.group(1)), int(match.group(2)), 1)


def id_no(value: str, column: str = "id_no") -> str:
    text = normalise_id_no(required(value, column))
    if not is_valid_id_no(text):
        raise RowInvalid(f"{column} {mask_id_no(text)} is not a valid 18-digit ID number")
    return text


def mobile(value: str, column: str = "mobile") -> str:
    text = required(value, column).replace(" ", "").replace("-", "")
    if not _MOBILE.fullmatch(text):
        raise RowInvalid(f"{column} {mask_mobile(text)} is not an 11-digit mobile number")
    return text


def account_no(value: str, column: str = "account_no") -> str:
    text = required(value, column)
    if not _ACCOUNT_NO.fullmatch(text):
        raise RowInvalid(f"{column} must be 6-20 digits")
    return text


def status(value: str, column: str = "status") -> AccountStatus:
    text = required(value, column)
    found = _STATUS_NAMES.get(text.lower())
    if found is None:
        raise RowInvalid(f"{column} {text!r} is not one of normal/sealed/frozen/closed")
    return found


def method(value: str, column: str = "method") -> RepaymentMethod:
    text = required(value, column)
    found = _METHOD_NAMES.get(text.lower())
    if found is None:
        raise RowInvalid(f"{column} {text!r} is not equal_instalment/equal_principal")
    return found


def text_max(value: str, column: str, max_len: int, *, allow_empty: bool = False) -> str:
    text = value.strip() if allow_empty else required(value, column)
    if len(text) > max_len:
        raise RowInvalid(f"{column} is longer than {max_len} characters")
    return text
