"""Money is integer fen. Parsing and formatting of yuan amounts, never through float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class MoneyFormatError(ValueError):
    """Text that is not a valid amount of yuan."""


def parse_yuan(text: str) -> int:
    """'1,234.56' -> 123456 fen. Rejects negatives, more than 2 decimals and non-numbers."""
    cleaned = text.strip().replace(",", "").removeprefix("¥").removeprefix("￥")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyFormatError(f"not an amount: {text!r}") from exc
    if not value.is_finite() or value < 0:
        raise MoneyFormatError(f"not a non-negative amount: {text!r}")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise MoneyFormatError(f"more than two decimals: {text!r}")
    return int(fen)


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
