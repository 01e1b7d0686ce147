"""Tencent Cloud SMS (sms v20210111 SendSms) behind SmsSender.

https://cloud.tencent.com/document/api/382/55981 — a call that succeeds may still not
send: each number's own SendStatus.Code must be "Ok".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from tencentcloud.sms.v20210111 import models, sms_client

from wxbackend.config import TencentCloudSettings
from wxbackend.sms.gateway import e164, sms_error
from wxbackend.tencent.client import TencentCloudError, build_sdk_client, call_sdk

log = structlog.get_logger(__name__)


class TencentSms:
    """Sends through Tencent Cloud SMS: the configured app and template, the centre's sign."""

    def __init__(
        self,
        settings: TencentCloudSettings,
        *,
        sign_name: str,
        timeout_s: float = 10.0,
        client: Any | None = None,
    ) -> None:
        self._client = client or build_sdk_client(
            sms_client.SmsClient, settings, timeout_s=timeout_s
        )
        self._app_id = settings.sms_sdk_app_id
        self._sign_name = sign_name
        self._template_id = settings.sms_template_id

    async def send(
        self, *, phone: str, params: Sequence[str], template_id: str | None = None
    ) -> None:
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self._app_id
        request.SignName = self._sign_name
        request.TemplateId = template_id or self._template_id
        request.TemplateParamSet = list(params)
        request.PhoneNumberSet = [e164(phone)]
        # Never log the number or the parameters (they carry the code).
        try:
            response = await call_sdk(self._client.SendSms, request)
        except TencentCloudError as exc:
            log.warning("sms.failed", template_id=request.TemplateId, provider_code=exc.sdk_code)
            raise sms_error(exc.sdk_code) from exc
        statuses = response.SendStatusSet or []
        code = str(statuses[0].Code) if statuses else "EmptySendStatusSet"
        if code != "Ok":
            log.warning("sms.failed", template_id=request.TemplateId, provider_code=code)
            raise sms_error(code)
        log.info(
            "sms.sent",
            template_id=request.TemplateId,
            request_id=response.RequestId,
            fee=statuses[0].Fee,
        )
