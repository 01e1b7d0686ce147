"""WeChat 人脸核身 2.0 behind FaceVerifier: getverifyid, then queryverifyinfo.

https://developers.weixin.qq.com/miniprogram/dev/server/API/face/api_getverifyid.html
https://developers.weixin.qq.com/miniprogram/dev/server/API/face/api_queryverifyinfo.html
The mini-program calls wx.requestFacialVerify with the verify_id in between. Calls go
through the one WeChat transport (`wechat.transport.WeChatHttp`) with the mini-program's
tokens, like every other WeChat API call.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

import structlog

from wxbackend import clock
from wxbackend.faceid.gateway import (
    FaceChannel,
    FaceChannelUnsupported,
    FaceProvider,
    FaceReason,
    FaceResult,
    FaceSession,
    FaceVerificationUnavailable,
    Identity,
)
from wxbackend.wechat.gateway import WeChatApiError
from wxbackend.wechat.transport import TOKEN_ERRCODES, WeChatHttp

log = structlog.get_logger(__name__)


T = TypeVar("T")

CERT_TYPE = "IDENTITY_CARD"
VERIFY_PASSED = 10000
# verify_ret 10003 身份证号不匹配, 10004 比对人脸信息不匹配, 9xxxx the user never got
# through the check on the phone (cancelled, no camera, network).
_IDENTITY_RETS = {10003}
_FACE_RETS = {10002, 10004}


class AccessTokens(Protocol):
    """The mini-program's access_token broker (wxbackend.wechat.tokens.AccessTokenBroker)."""

    async def call(self, request: Callable[[str], Awaitable[T]]) -> T:
        """Run `request(token)`; on a token errcode refresh once and retry once."""
        ...


def cert_hash(identity: Identity, *, cert_type: str = CERT_TYPE) -> str:
    """queryverifyinfo's cert_hash: SHA-256 over the base64 of each certificate field."""

    def b64(value: str) -> str:
        return base64.b64encode(value.encode("utf-8")).decode("ascii")

    text = (
        f"cert_type={b64(cert_type)}&cert_name={b64(identity.name)}&cert_no={b64(identity.id_no)}"
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _reason_for(verify_ret: int) -> FaceReason:
    if verify_ret == VERIFY_PASSED:
        return FaceReason.PASSED
    if verify_ret in _IDENTITY_RETS:
        return FaceReason.IDENTITY_MISMATCH
    if verify_ret in _FACE_RETS:
        return FaceReason.FACE_MISMATCH
    if verify_ret >= 90000:
        return FaceReason.NOT_FINISHED
    return FaceReason.REJECTED


class WeChatFaceVerify:
    """Face verification through WeChat's own 人脸核身 2.0 (mini-program only)."""

    provider: FaceProvider = "wechat"

    def __init__(self, *, tokens: AccessTokens, http: WeChatHttp) -> None:
        self._tokens = tokens
        self._http = http

    async def start(
        self,
        *,
        openid: str,
        identity: Identity,
        nonce: str,
        channel: FaceChannel,
        redirect_url: str | None = None,
    ) -> FaceSession:
        if channel != "miniprogram":
            raise FaceChannelUnsupported()
        body = {
            "out_seq_no": nonce,
            "cert_info": {
                "cert_type": CERT_TYPE,
                "cert_name": identity.name,
                "cert_no": identity.id_no,
            },
            "openid": openid,
        }
        result = await self._post("/cityservice/face/identify/getverifyid", body)
        if result.get("errcode", 0) != 0 or not result.get("verify_id"):
            errcode = int(result.get("errcode") or -1)
            log.warning("faceid.start_failed", provider=self.provider, errcode=errcode)
            raise FaceVerificationUnavailable(errcode=errcode)
        expires_in = int(result.get("expires_in") or 3600)
        log.info("faceid.started", provider=self.provider, channel=channel)
        return FaceSession(
            provider=self.provider,
            channel=channel,
            token=str(result["verify_id"]),
            expires_at=clock.now() + timedelta(seconds=expires_in),
        )

    async def result(
        self, *, token: str, openid: str, identity: Identity, nonce: str
    ) -> FaceResult:
        # cert_hash is computed here, from the identity being bound: WeChat compares it
        # with the certificate the check was started for.
        body = {
            "verify_id": token,
            "out_seq_no": nonce,
            "cert_hash": cert_hash(identity),
            "openid": openid,
        }
        result = await self._post("/cityservice/face/identify/queryverifyinfo", body)
        errcode = int(result.get("errcode") or 0)
        if errcode != 0:
            reason, code = FaceReason.REJECTED, f"errcode={errcode}"
        else:
            verify_ret = int(result.get("verify_ret") or 0)
            reason, code = _reason_for(verify_ret), f"verify_ret={verify_ret}"
        log.info("faceid.result", provider=self.provider, reason=reason.value, provider_code=code)
        return FaceResult.of(reason, provider_code=code)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async def request(token: str) -> dict[str, Any]:
            try:
                return await self._http.call("post", path, access_token=token, json=body)
            except WeChatApiError as exc:
                if exc.errcode in TOKEN_ERRCODES or exc.errcode < 0:
                    # The broker refreshes a stale token once; no answer is unavailability.
                    raise
                # Any other errcode is WeChat's answer about this check: read it like one.
                return {"errcode": exc.errcode, "errmsg": exc.errmsg}

        try:
            return await self._tokens.call(request)
        except WeChatApiError as exc:
            log.warning("faceid.wechat_failed", path=path, errcode=exc.errcode)
            raise FaceVerificationUnavailable(errcode=exc.errcode) from None
