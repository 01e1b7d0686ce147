"""Money is integer fen. Parsing and formatting of yuan amounts, never through float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# Up to a trillion yuan, at most two decimals: nothing a fund account could hold is larger.
_YUAN = re.compile(r"^\d{1,13}(\.\d{1,2})?$")


class MoneyFormatError(ValueError):
    """Text that is not a valid amount of yuan."""


def parse_yuan(text: str) -> int:
    """'1,234.56' -> 123456 fen. Rejects negatives, more than 2 decimals and non-numbers."""
    cleaned = text.strip().replace(",", "").removeprefix("¥").removeprefix("￥")
    if not _YUAN.match(cleaned):
        raise MoneyFormatError(f"not an amount of yuan with at most two decimals: {text!r}")
    return int(Decimal(cleaned) * 100)


def format_yuan(fen: int, *, sign: bool = True) -> str:
    """123456 -> '¥1,234.56'."""
    negative = fen < 0
    whole, cents = divmod(abs(fen), 100)
    text = f"{whole:,}.{cents:02d}"
    if sign:
        text = "¥" + text
    return "-" + text if negative else text


def round_fen(value: Decimal) -> int:
    """Round a fractional fen amount half-up to whole fen."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_bp(amount_fen: int, basis_points: int) -> int:
    """amount × rate, rate in basis points, rounded half-up to fen."""
    return round_fen(Decimal(amount_fen) * basis_points / 10_000)
