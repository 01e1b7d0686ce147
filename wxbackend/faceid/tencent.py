"""慧眼 (Tencent Cloud FaceID) behind FaceVerifier: DetectAuth, then GetDetectInfoEnhanced.

https://cloud.tencent.com/document/api/1007/31816 (DetectAuth),
https://cloud.tencent.com/document/api/1007/41957 (GetDetectInfoEnhanced),
result codes: https://cloud.tencent.com/document/product/1007/31082
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

import structlog
from tencentcloud.faceid.v20180301 import faceid_client, models

from wxbackend import clock
from wxbackend.config import TencentCloudSettings
from wxbackend.faceid.gateway import (
    FaceChannel,
    FaceProvider,
    FaceReason,
    FaceResult,
    FaceSession,
    FaceVerificationUnavailable,
    Identity,
)
from wxbackend.tencent.client import TencentCloudError, build_sdk_client, call_sdk

log = structlog.get_logger(__name__)

# A BizToken can be used to do the check for 7200 s; its result stays readable 3 days.
BIZ_TOKEN_TTL = timedelta(seconds=7200)

# Text.ErrCode values that are not a plain "no": 17 the flow is not finished, 15 the token
# expired, 14 done already; 1xxx liveness, 2xxx comparison with the authority's photo.
_NOT_FINISHED = {17}
_EXPIRED = {15}
_IDENTITY_CODES = {301, 2002, 2003, 2005, 2006}


def _reason_for(err_code: int | None) -> FaceReason:
    if err_code is None or err_code in _NOT_FINISHED:
        # Before the user finishes, the result's fields may be null.
        return FaceReason.NOT_FINISHED
    if err_code == 0:
        return FaceReason.PASSED
    if err_code in _EXPIRED:
        return FaceReason.EXPIRED
    if err_code in _IDENTITY_CODES:
        return FaceReason.IDENTITY_MISMATCH
    if 1000 <= err_code < 2000:
        return FaceReason.LIVENESS_FAILED
    if 2000 <= err_code < 3000:
        return FaceReason.FACE_MISMATCH
    return FaceReason.REJECTED


def _similarity(text: Any) -> float | None:
    try:
        return float(text.Sim) if text.Sim not in (None, "") else None
    except (TypeError, ValueError):
        return None


class TencentFaceId:
    """Face verification through 慧眼; H5 opens `url`, mini-programs pass the BizToken."""

    provider: FaceProvider = "tencent"

    def __init__(
        self,
        settings: TencentCloudSettings,
        *,
        rule_id: str | None = None,
        timeout_s: float = 10.0,
        client: Any | None = None,
    ) -> None:
        self._client = client or build_sdk_client(
            faceid_client.FaceidClient, settings, timeout_s=timeout_s
        )
        self._rule_id = rule_id or settings.faceid_rule_id
        # DetectAuth is what Tencent bills; counted here and logged as faceid.started.
        self.costed_calls = 0

    async def start(
        self,
        *,
        openid: str,
        identity: Identity,
        nonce: str,
        channel: FaceChannel,
        redirect_url: str | None = None,
    ) -> FaceSession:
        request = models.DetectAuthRequest()
        request.RuleId = self._rule_id
        request.IdCard = identity.id_no
        request.Name = identity.name
        request.Extra = nonce
        if channel == "h5" and redirect_url:
            request.RedirectUrl = redirect_url
        try:
            response = await call_sdk(self._client.DetectAuth, request)
        except TencentCloudError as exc:
            log.warning("faceid.start_failed", provider=self.provider, sdk_code=exc.sdk_code)
            raise FaceVerificationUnavailable(sdk_code=exc.sdk_code) from exc
        self.costed_calls += 1
        log.info(
            "faceid.started",
            provider=self.provider,
            channel=channel,
            request_id=response.RequestId,
            costed_calls=self.costed_calls,
        )
        return FaceSession(
            provider=self.provider,
            channel=channel,
            token=str(response.BizToken),
            expires_at=clock.now() + BIZ_TOKEN_TTL,
            url=str(response.Url) if channel == "h5" and response.Url else None,
        )

    async def result(
        self, *, token: str, openid: str, identity: Identity, nonce: str
    ) -> FaceResult:
        request = models.GetDetectInfoEnhancedRequest()
        request.BizToken = token
        request.RuleId = self._rule_id
        request.InfoType = "0"
        try:
            response = await call_sdk(self._client.GetDetectInfoEnhanced, request)
        except TencentCloudError as exc:
            if exc.sdk_code == "InvalidParameterValue.BizTokenExpired":
                return FaceResult.of(FaceReason.EXPIRED, provider_code=exc.sdk_code)
            if exc.sdk_code == "InvalidParameterValue.BizTokenIllegal":
                return FaceResult.of(FaceReason.REJECTED, provider_code=exc.sdk_code)
            log.warning("faceid.result_failed", provider=self.provider, sdk_code=exc.sdk_code)
            raise FaceVerificationUnavailable(sdk_code=exc.sdk_code) from exc
        return self._verdict(response.Text, identity=identity, nonce=nonce)

    @staticmethod
    def _verdict(text: Any, *, identity: Identity, nonce: str) -> FaceResult:
        if text is None:
            return FaceResult.of(FaceReason.NOT_FINISHED)
        err_code = None if text.ErrCode is None else int(text.ErrCode)
        code = None if err_code is None else str(err_code)
        similarity = _similarity(text)
        reason = _reason_for(err_code)
        if reason is FaceReason.PASSED:
            # ErrCode 0 says *someone* passed; it must be this person, in this session.
            if not identity.matches(name=text.Name, id_no=text.IdCard):
                reason = FaceReason.IDENTITY_MISMATCH
            elif not hmac.compare_digest(str(text.Extra or "").encode(), nonce.encode()):
                reason = FaceReason.NONCE_MISMATCH
        log.info("faceid.result", provider="tencent", reason=reason.value, provider_code=code)
        return FaceResult.of(reason, provider_code=code, similarity=similarity)
