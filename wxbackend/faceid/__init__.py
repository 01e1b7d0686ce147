"""Face verification (人脸核身): one FaceVerifier interface, 慧眼 and WeChat behind it.

Build once at startup with `build_face_verifiers(settings, ...)`, which maps each channel
("h5", "miniprogram") to its provider; unit tests use `wxbackend.faceid.fakes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from wxbackend.config import Settings
from wxbackend.faceid.gateway import (
    FaceChannel,
    FaceChannelUnsupported,
    FaceReason,
    FaceResult,
    FaceSession,
    FaceVerificationUnavailable,
    FaceVerifier,
    Identity,
)
from wxbackend.faceid.tencent import TencentFaceId
from wxbackend.faceid.wechat import AccessTokens, WeChatFaceVerify, cert_hash
from wxbackend.wechat.transport import WeChatHttp

__all__ = [
    "AccessTokens",
    "FaceChannel",
    "FaceChannelUnsupported",
    "FaceReason",
    "FaceResult",
    "FaceSession",
    "FaceVerificationUnavailable",
    "FaceVerifier",
    "Identity",
    "TencentFaceId",
    "WeChatFaceVerify",
    "build_face_verifiers",
    "cert_hash",
]


def build_face_verifiers(
    settings: Settings,
    *,
    miniprogram_tokens: AccessTokens | None = None,
    miniprogram_http: WeChatHttp | None = None,
    h5_provider: Literal["tencent"] = "tencent",
    miniprogram_provider: Literal["tencent", "wechat"] = "tencent",
    timeout_s: float = 10.0,
) -> Mapping[FaceChannel, FaceVerifier]:
    """The real verifier for each channel; "wechat" needs the mini-program's token broker.

    `miniprogram_http` is the mini-program's WeChat transport (the gateways pass theirs).
    """
    tencent = TencentFaceId(settings.tencent, timeout_s=timeout_s)
    verifiers: dict[FaceChannel, FaceVerifier] = {"h5": tencent}
    if h5_provider != "tencent":
        raise ValueError("H5 face verification is only offered through 慧眼 (tencent)")
    if miniprogram_provider == "wechat":
        if miniprogram_tokens is None:
            raise ValueError("WeChat face verification needs the mini-program's token broker")
        http = miniprogram_http or WeChatHttp(
            app_id=settings.wechat.mp.app_id,
            base_url=settings.wechat.api_base_url,
            timeout_s=settings.wechat.timeout_s,
        )
        verifiers["miniprogram"] = WeChatFaceVerify(tokens=miniprogram_tokens, http=http)
    else:
        verifiers["miniprogram"] = tencent
    return verifiers
