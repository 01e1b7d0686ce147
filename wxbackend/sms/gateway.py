"""What the rest of the code may ask of an SMS provider, and the errors a send can end in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from wxbackend.errors import InvalidInput, TooManyRequests, UpstreamUnavailable


class SmsSender(Protocol):
    """Sends templated text messages (验证码, notices) to mainland mobile numbers."""

    async def send(
        self, *, phone: str, params: Sequence[str], template_id: str | None = None
    ) -> None:
        """Send one message; raises SmsRateLimited, SmsInvalidPhone or SmsUnavailable."""
        ...


class SmsRateLimited(TooManyRequests):
    code = "sms_rate_limited"
    default_message = "短信发送过于频繁，请稍后再试。"


class SmsInvalidPhone(InvalidInput):
    code = "sms_invalid_phone"
    default_message = "手机号码有误，请检查后重试。"


class SmsUnavailable(UpstreamUnavailable):
    code = "sms_unavailable"
    default_message = "短信服务暂时不可用，请稍后再试。"


# Tencent Cloud SMS codes (SendStatus.Code or the call's error code) → what the user reads.
# https://cloud.tencent.com/document/product/382/52075
_LIMITS = {
    "LimitExceeded.PhoneNumberDailyLimit": "该手机号今日接收短信已达上限，请明天再试。",
    "LimitExceeded.PhoneNumberOneHourLimit": "该手机号一小时内接收短信已达上限，请稍后再试。",
    "LimitExceeded.PhoneNumberThirtySecondLimit": "短信发送过于频繁，请30秒后再试。",
    "LimitExceeded.PhoneNumberSameContentDailyLimit": "相同内容的短信今日已达上限，请明天再试。",
    "LimitExceeded.DeliveryFrequencyLimit": "短信发送过于频繁，请稍后再试。",
    "LimitExceeded.DailyLimit": "今日短信发送量已达上限，请明天再试。",
    "LimitExceeded.AppDailyLimit": "今日短信发送量已达上限，请明天再试。",
}
_BAD_PHONE = {
    "InvalidParameterValue.IncorrectPhoneNumber": "手机号码格式有误，请检查后重试。",
    "FailedOperation.PhoneNumberParseFail": "手机号码格式有误，请检查后重试。",
    "FailedOperation.PhoneNumberInBlacklist": "该手机号无法接收短信，请更换号码或联系12329。",
    "UnsupportedOperation.ContainInternationalPhoneNumber": "仅支持中国大陆手机号码。",
}


def sms_error(code: str) -> SmsRateLimited | SmsInvalidPhone | SmsUnavailable:
    """The domain error for a provider code, with a Chinese message the user can act on."""
    if code in _LIMITS:
        return SmsRateLimited(_LIMITS[code], provider_code=code)
    if code in _BAD_PHONE:
        return SmsInvalidPhone(_BAD_PHONE[code], provider_code=code)
    if code.startswith("LimitExceeded."):
        return SmsRateLimited(provider_code=code)
    return SmsUnavailable(provider_code=code)


def e164(phone: str) -> str:
    """+86 form of a mainland mobile number ("13800138000" → "+8613800138000")."""
    digits = phone.strip().replace(" ", "").replace("-", "")
    if digits.startswith("+"):
        return digits
    if digits.startswith("86") and len(digits) == 13:
        return "+" + digits
    return "+86" + digits
