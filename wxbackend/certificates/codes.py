"""Verification codes: 100 random bits as 20 Crockford base32 characters, in groups of 4.

Crockford's alphabet has no I, L, O or U, and reading tolerates the look-alikes
(O → 0, I/L → 1), lower case, spaces and dashes, so a code typed from paper works.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BITS = 100
LENGTH = BITS // 5
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    value = secrets.randbits(BITS)
    chars = [ALPHABET[(value >> (5 * i)) & 31] for i in range(LENGTH)]
    return "".join(chars)


def normalise(text: str) -> str | None:
    """The canonical code from what a person typed, or None when it cannot be one."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_LOOK_ALIKES)
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def grouped(code: str) -> str:
    """ABCD-EFGH-… as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
