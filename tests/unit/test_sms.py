"""SMS sending rules without I/O: phone format, error mapping, the fake, the adapter."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import structlog

from wxbackend.config import TencentCloudSettings
from wxbackend.sms import SmsInvalidPhone, SmsRateLimited, SmsUnavailable, TencentSms, sms_error
from wxbackend.sms.fakes import FakeSms, SentSms
from wxbackend.sms.gateway import e164


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("13800138000", "+8613800138000"),
        (" 138-0013-8000 ", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
    ],
)
def test_e164(phone: str, expected: str) -> None:
    assert e164(phone) == expected


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("LimitExceeded.PhoneNumberDailyLimit", SmsRateLimited),
        ("LimitExceeded.PhoneNumberThirtySecondLimit", SmsRateLimited),
        ("LimitExceeded.SomethingNew", SmsRateLimited),
        ("InvalidParameterValue.IncorrectPhoneNumber", SmsInvalidPhone),
        ("FailedOperation.SignatureIncorrectOrUnapproved", SmsUnavailable),
        ("AuthFailure.SignatureFailure", SmsUnavailable),
    ],
)
def test_provider_codes_become_domain_errors(code: str, error: type[Exception]) -> None:
    mapped = sms_error(code)
    assert isinstance(mapped, error)
    assert mapped.message  # Chinese, shown to the user
    assert mapped.detail == {"provider_code": code}


async def test_fake_records_and_fails_on_request() -> None:
    sms = FakeSms()
    await sms.send(phone="13800138000", params=["123456", "5"])
    sms.fail_next("LimitExceeded.PhoneNumberDailyLimit")

    with pytest.raises(SmsRateLimited):
        await sms.send(phone="13800138000", params=["654321", "5"])

    assert sms.sent_to("13800138000") == [SentSms("+8613800138000", "100001", ("123456", "5"))]


class _SmsClient:
    """Stands in for tencentcloud's SmsClient: answers one SendStatus code."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.requests: list[Any] = []

    def SendSms(self, request: Any) -> SimpleNamespace:
        self.requests.append(request)
        status = SimpleNamespace(Code=self.code, Fee=1)
        return SimpleNamespace(SendStatusSet=[status], RequestId="req-1")


async def test_tencent_sms_fills_the_request_and_logs_no_personal_data() -> None:
    client = _SmsClient("Ok")
    sms = TencentSms(TencentCloudSettings(), sign_name="示范市公积金", client=client)

    with structlog.testing.capture_logs() as logged:
        await sms.send(phone="13800138000", params=["482913", "5"])

    request = client.requests[0]
    assert request.PhoneNumberSet == ["+8613800138000"]
    assert request.TemplateParamSet == ["482913", "5"]
    assert (request.SmsSdkAppId, request.TemplateId) == ("1400000000", "100001")
    assert "13800138000" not in str(logged)
    assert "482913" not in str(logged)


async def test_tencent_sms_refuses_a_number_the_provider_refused() -> None:
    sms = TencentSms(
        TencentCloudSettings(),
        sign_name="示范市公积金",
        client=_SmsClient("LimitExceeded.PhoneNumberOneHourLimit"),
    )
    with pytest.raises(SmsRateLimited, match="一小时"):
        await sms.send(phone="13800138000", params=["1", "5"])
