"""Money parsing and formatting: integer fen, never float."""

from __future__ import annotations

import pytest

from wxbackend.money import MoneyFormatError, apply_bp, format_yuan, parse_yuan


@pytest.mark.parametrize(
    ("text", "fen"),
    [("0", 0), ("1234.56", 123456), ("1,234.5", 123450), ("¥0.01", 1), (" 7 ", 700)],
)
def test_parse_yuan_accepts_amounts(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["-1", "1.234", "abc", "", "NaN", "1e400"])
def test_parse_yuan_rejects_bad_amounts(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_yuan(text)


def test_format_yuan_groups_thousands_and_keeps_fen() -> None:
    assert format_yuan(123456789) == "¥1,234,567.89"
    assert format_yuan(5) == "¥0.05"
    assert format_yuan(-150) == "-¥1.50"


def test_apply_bp_rounds_half_up() -> None:
    # 5,000.05 yuan at 12 % = 600.006 yuan -> 600.01
    assert apply_bp(500005, 1200) == 60001
    assert apply_bp(100, 50) == 1  # 0.5 fen rounds up
