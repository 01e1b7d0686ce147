"""Which notices exist and the values each producer supplies (the templates may use them)."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Values every notice may carry; `at` defaults to when the notice was written.
COMMON: dict[str, str | None] = {
    "at": None,
    "kind_name": "住房公积金提取",
    "withdrawal_no": "",
}

# Per kind: value name → default (None: the producer must supply it).
KINDS: dict[str, dict[str, str | None]] = {
    "withdrawal_approved": {"amount": None},
    "withdrawal_rejected": {"amount": None, "reason": "不符合提取条件"},
    "withdrawal_paid": {"amount": None, "bank_card": "本人银行卡"},
    "withdrawal_failed": {"amount": None, "reason": "银行退回，款项已退回公积金账户"},
    "documents_needed": {"amount": "", "documents": "申请材料"},
    # The day before a hall appointment (wxbackend/appointments/jobs.py).
    "appointment_reminder": {"hall": None, "business": None, "slot_time": None, "ticket": None},
    # A month's contribution booked (the importer, for recent months only).
    "deposit_posted": {"month": "本月", "amount": None},
    # Too many wrong query passwords: the holder learns of it (someone may be guessing).
    "password_locked": {"unlock_at": "锁定期满"},
    # A callback's reply that missed WeChat's 5 s and could not be sent at once: its text.
    "late_reply": {"text": None},
}
LATE_REPLY = "late_reply"

# The SMS a holder may turn off, by topic (docs/sms-service.md); other kinds always go.
SMS_TOPICS: dict[str, str] = {
    "deposit_posted": "deposit",
    "withdrawal_approved": "withdrawal",
    "withdrawal_rejected": "withdrawal",
    "withdrawal_paid": "withdrawal",
    "withdrawal_failed": "withdrawal",
    "documents_needed": "withdrawal",
}

# What looks like a mobile, card or ID number is never stored (masked ones pass: ****).
_RAW_NUMBER = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{15,19}|\d{17}[Xx])(?!\d)")


class UnknownNotice(ValueError):
    """A producer asked for a notice kind (or gave values) this code does not know."""


def allowed_values(kind: str) -> dict[str, str | None]:
    if kind not in KINDS:
        raise UnknownNotice(f"unknown notice kind {kind!r}")
    return {**COMMON, **KINDS[kind]}


def complete_values(kind: str, values: Mapping[str, str], *, at: str) -> dict[str, str]:
    """The producer's values with defaults filled; refuses missing or unmasked ones."""
    allowed = allowed_values(kind)
    unknown = set(values) - set(allowed)
    if unknown:
        raise UnknownNotice(f"{kind}: unknown values {sorted(unknown)}")
    complete: dict[str, str] = {"at": at}
    for name, default in allowed.items():
        if name in values:
            complete[name] = str(values[name])
        elif default is not None:
            complete[name] = default
        elif name != "at":
            raise UnknownNotice(f"{kind}: value {name!r} is required")
    for name, value in complete.items():
        if _RAW_NUMBER.search(value.replace(" ", "")):
            raise UnknownNotice(f"{kind}: value {name!r} looks like an unmasked number")
    return complete
