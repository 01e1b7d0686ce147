"""SMS (验证码 and notices): the SmsSender interface, Tencent Cloud SMS behind it.

Build once at startup with `build_sms_sender(settings)`; unit tests use
`wxbackend.sms.fakes.FakeSms`.
"""

from __future__ import annotations

from wxbackend.config import Settings
from wxbackend.sms.gateway import (
    SmsInvalidPhone,
    SmsRateLimited,
    SmsSender,
    SmsUnavailable,
    sms_error,
)
from wxbackend.sms.tencent import TencentSms

__all__ = [
    "SmsInvalidPhone",
    "SmsRateLimited",
    "SmsSender",
    "SmsUnavailable",
    "TencentSms",
    "build_sms_sender",
    "sms_error",
]


def build_sms_sender(settings: Settings, *, timeout_s: float = 10.0) -> SmsSender:
    """The real sender, talking to `settings.tencent.endpoint`."""
    return TencentSms(settings.tencent, sign_name=settings.centre.sms_sign, timeout_s=timeout_s)
