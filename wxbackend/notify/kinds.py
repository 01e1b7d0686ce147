"""Which notices exist and the values each producer supplies (the templates may use them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from wxbackend.clock import china_time_text

# Values every notice may carry; `at` defaults to when the notice was written (ISO, for
# WeChat's time fields) and `at_text` is the same moment as an SMS says it.
COMMON: dict[str, str | None] = {
    "at": None,
    "at_text": None,
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
    # Security notices (docs/notifications.md "Security notices"): the holder hears of
    # every change to how the account is reached, protected or paid out.
    # channel_name: 微信公众号 / 微信小程序; wechat_user: the masked openid (o6_b****hXk2).
    "account_bound": {"channel_name": None, "wechat_user": None},
    # by: 自助 (the holder, by password or face) or 柜台 (staff at the service hall).
    "account_unbound": {"channel_name": None, "wechat_user": None, "by": "自助"},
    "password_changed": {},
    # how: 自助 (忘记密码, SMS code + face check) or 在柜台 (a new initial password).
    "password_reset": {"how": "自助"},
    "card_bound": {"bank_card": None},
    "card_replaced": {"bank_card": None, "old_card": "原银行卡"},
    "withdrawal_submitted": {"amount": None, "bank_card": "本人银行卡"},
}
LATE_REPLY = "late_reply"

# Sent whatever the holder chose on 短信服务, each once per event (a dedup key).
SECURITY_KINDS = frozenset(
    {
        "password_locked",
        "account_bound",
        "account_unbound",
        "password_changed",
        "password_reset",
        "card_bound",
        "card_replaced",
        "withdrawal_submitted",
    }
)
# SMS to the account's mobile first, WeChat only without one: the WeChat side is what an
# intruder would hold (a binding of their own, an unbinding of the holder's, a reset
# password), while the mobile on file is the holder's.
MOBILE_FIRST = frozenset({"account_bound", "account_unbound", "password_reset"})

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
        elif name not in ("at", "at_text"):
            raise UnknownNotice(f"{kind}: value {name!r} is required")
    if "at_text" not in complete:
        complete["at_text"] = china_time_text(datetime.fromisoformat(complete["at"]))
    for name, value in complete.items():
        if _RAW_NUMBER.search(value.replace(" ", "")):
            raise UnknownNotice(f"{kind}: value {name!r} looks like an unmasked number")
    return complete
