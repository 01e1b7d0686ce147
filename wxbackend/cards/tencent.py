"""Bank card checks through Tencent Cloud faceid: CheckBankCardInformation, BankCard4EVerification.

The SDK is synchronous; `call_sdk` runs every call in a worker thread.
"""

from __future__ import annotations

from typing import Any

import structlog
from tencentcloud.faceid.v20180301 import faceid_client, models

from wxbackend.cards.codes import describe
from wxbackend.cards.gateway import CardInfo, CardVerificationUnavailable, VerifyResult
from wxbackend.config import TencentCloudSettings
from wxbackend.tencent.client import TencentCloudError, build_sdk_client, call_sdk

log = structlog.get_logger(__name__)


def _account_type(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class TencentBankCardVerifier:
    """The real adapter; never logs the card, name, ID number or mobile."""

    def __init__(
        self,
        settings: TencentCloudSettings,
        *,
        timeout_s: float = 10.0,
        client: Any | None = None,
    ) -> None:
        self._client = client or build_sdk_client(
            faceid_client.FaceidClient, settings, timeout_s=timeout_s
        )

    async def check_card_info(self, card_no: str) -> CardInfo:
        request = models.CheckBankCardInformationRequest()
        request.BankCard = card_no
        response = await self._call("CheckBankCardInformation", request)
        code = str(response.Result)
        found = code == "0"
        return CardInfo(
            code=code,
            bank=str(response.AccountBank) if found and response.AccountBank else None,
            account_type=_account_type(response.AccountType) if found else None,
            charged=describe("check_card_info", code).charged,
        )

    async def verify_4e(self, *, name: str, id_no: str, card_no: str, mobile: str) -> VerifyResult:
        request = models.BankCard4EVerificationRequest()
        request.Name = name
        request.IdCard = id_no
        request.BankCard = card_no
        request.Phone = mobile
        request.CertType = 0  # 0 = 居民身份证
        response = await self._call("BankCard4EVerification", request)
        code = str(response.Result)
        return VerifyResult(
            code=code, matched=code == "0", charged=describe("verify_4e", code).charged
        )

    async def _call(self, action: str, request: Any) -> Any:
        try:
            response = await call_sdk(getattr(self._client, action), request)
        except TencentCloudError as exc:
            log.warning("cards.verifier_failed", action=action, sdk_code=exc.sdk_code)
            raise CardVerificationUnavailable(sdk_code=exc.sdk_code) from exc
        log.info(
            "cards.verifier_answered",
            action=action,
            result=str(response.Result),
            request_id=response.RequestId,
        )
        return response
