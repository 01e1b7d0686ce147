"""TencentSms through the real SDK against the sandbox: sent, recorded, never logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog

from tests.integration.test_tencent_sandbox import serve_tencent_sandbox
from wxbackend.config import CentreSettings, Settings, TencentCloudSettings
from wxbackend.sandbox.tencent import TencentSandboxState
from wxbackend.sms import SmsInvalidPhone, SmsRateLimited, TencentSms, build_sms_sender

Served = tuple[TencentSandboxState, TencentCloudSettings]
SIGN = "某市公积金"  # not the default: the sign sent is the one given


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Served]:
    with serve_tencent_sandbox() as served:
        yield served


async def test_code_is_sent_and_recorded_but_never_logged(
    sandbox: Served, caplog: pytest.LogCaptureFixture
) -> None:
    state, settings = sandbox
    caplog.set_level(logging.DEBUG)
    sms = TencentSms(settings, sign_name=SIGN)

    with structlog.testing.capture_logs() as logged:
        await sms.send(phone="13800138000", params=["482913", "5"])
    everything = str(logged) + caplog.text

    async with httpx.AsyncClient() as http:
        listed = (await http.get(f"{state.public_url}/_sandbox/sms?phone=13800138000")).json()
    assert listed["messages"][-1]["params"] == ["482913", "5"]
    assert listed["messages"][-1]["template_id"] == settings.sms_template_id
    assert listed["messages"][-1]["sign_name"] == SIGN
    assert [entry["event"] for entry in logged] == ["sms.sent"]
    assert "13800138000" not in everything
    assert "482913" not in everything


async def test_the_sender_signs_with_the_centre_profile(sandbox: Served) -> None:
    state, tencent = sandbox
    settings = Settings(tencent=tencent, centre=CentreSettings(sms_sign="江河公积金"))
    await build_sms_sender(settings).send(phone="13700137000", params=["1", "5"])
    async with httpx.AsyncClient() as http:
        listed = (await http.get(f"{state.public_url}/_sandbox/sms?phone=13700137000")).json()
    assert listed["messages"][-1]["sign_name"] == "江河公积金"


async def test_daily_limit_per_phone(sandbox: Served) -> None:
    state, settings = sandbox
    sms = TencentSms(settings, sign_name=SIGN)
    for _ in range(state.sms_daily_limit):
        await sms.send(phone="13900139000", params=["111111", "5"])

    with pytest.raises(SmsRateLimited) as raised:
        await sms.send(phone="13900139000", params=["222222", "5"])

    assert raised.value.message == "该手机号今日接收短信已达上限，请明天再试。"
    assert raised.value.detail == {"provider_code": "LimitExceeded.PhoneNumberDailyLimit"}
    assert [m.params[0] for m in state.sms if m.phone == "+8613900139000"].count("222222") == 0


async def test_malformed_phone_is_refused(sandbox: Served) -> None:
    _, settings = sandbox
    with pytest.raises(SmsInvalidPhone):
        await TencentSms(settings, sign_name=SIGN).send(phone="1380013", params=["333333", "5"])
