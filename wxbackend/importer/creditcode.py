"""Unified social credit codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_check_char(first17: str) -> str:
    total = sum(_CHARS.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """18 characters from the GB 32100 alphabet with a correct check character."""
    if len(code) != 18 or any(c not in _CHARS for c in code):
        return False
    return code[17] == credit_check_char(code[:17])


def make_credit_code(*, authority: str, area: str, org_body: str) -> str:
    """Build a code: authority+type (e.g. '91' company), 6-digit area, 8-digit org body.

    The organisation code's own check character (GB 11714) is added, then the overall one.
    """
    total = sum(int(c, 36) * w for c, w in zip(org_body, _ORG_WEIGHTS, strict=True))
    org_check = (11 - total % 11) % 11
    org_code = org_body + ("X" if org_check == 10 else str(org_check))
    first17 = f"{authority}{area}{org_code}"
    return first17 + credit_check_char(first17)
