"""Display masking of personal data, and scrubbing of free text before it is logged."""

from __future__ import annotations

import re


def mask_id_no(id_no: str) -> str:
    """110101********1234: first 6 and last 4 of an ID number."""
    if len(id_no) < 10:
        return "*" * len(id_no)
    return id_no[:6] + "*" * (len(id_no) - 10) + id_no[-4:]


def mask_mobile(mobile: str) -> str:
    """138****5678."""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


def mask_card_no(card_no: str) -> str:
    """622202*********1234: first 6 and last 4 of a card number."""
    if len(card_no) < 10:
        return "*" * len(card_no)
    return card_no[:6] + "*" * (len(card_no) - 10) + card_no[-4:]


def mask_name(name: str) -> str:
    """Keeps the surname: 张*, 欧阳**."""
    if not name:
        return name
    surname_len = 2 if len(name) >= 4 else 1
    return name[:surname_len] + "*" * (len(name) - surname_len)


def mask_account_no(account_no: str) -> str:
    if len(account_no) <= 4:
        return account_no
    return "*" * (len(account_no) - 4) + account_no[-4:]


# Long digit runs that look like an ID number (17 digits + digit/X), a card (16-19
# digits) or a mainland mobile (1[3-9] + 9 digits) are scrubbed from anything logged.
_ID_NO = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CARD_NO = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def scrub(text: str) -> str:
    """Mask every ID number, card number and mobile number found in free text."""
    text = _ID_NO.sub(lambda m: mask_id_no(m.group(0)), text)
    text = _CARD_NO.sub(lambda m: mask_card_no(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group(0)), text)


def mask_openid(openid: str) -> str:
    """o6_b****hXk2: enough for the holder to tell two WeChat users apart, nothing more."""
    if len(openid) <= 8:
        return "*" * len(openid)
    return openid[:4] + "****" + openid[-4:]
