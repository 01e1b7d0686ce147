"""What the signing flow may ask of a face verification provider, and what it gets back.

A result passes only on the provider's own server-side answer, read by us, and only when
it is about the identity being bound and the nonce we issued (DOMAIN.md §7). Single use,
expiry and attempt limits are the signing flow's job.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from wxbackend.errors import InvalidInput, UpstreamUnavailable
from wxbackend.fund.idcard import normalise_id_no
from wxbackend.security.masking import mask_id_no, mask_name

FaceChannel = Literal["h5", "miniprogram"]
FaceProvider = Literal["tencent", "wechat", "fake"]


@dataclass(frozen=True, slots=True)
class Identity:
    """The person being bound: name and resident ID number as the user entered them."""

    name: str
    id_no: str

    def __repr__(self) -> str:
        return f"Identity(name={mask_name(self.name)!r}, id_no={mask_id_no(self.id_no)!r})"

    __str__ = __repr__

    def matches(self, *, name: str | None, id_no: str | None) -> bool:
        """Whether a provider's verified name and ID number are this person's."""
        if not name or not id_no:
            return False
        return name.strip() == self.name.strip() and normalise_id_no(id_no) == normalise_id_no(
            self.id_no
        )


@dataclass(frozen=True, slots=True)
class FaceSession:
    """One started verification. `token` is the BizToken (慧眼) or verify_id (WeChat)."""

    provider: FaceProvider
    channel: FaceChannel
    token: str
    expires_at: datetime
    url: str | None = None  # H5: where to send the user's browser

    def __repr__(self) -> str:
        # The token is a bearer credential for the result: keep it out of reprs and logs.
        return (
            f"FaceSession(provider={self.provider!r}, channel={self.channel!r}, "
            f"expires_at={self.expires_at.isoformat()!r})"
        )


class FaceReason(enum.StrEnum):
    PASSED = "passed"
    NOT_FINISHED = "not_finished"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FACE_MISMATCH = "face_mismatch"
    LIVENESS_FAILED = "liveness_failed"
    IDENTITY_MISMATCH = "identity_mismatch"
    NONCE_MISMATCH = "nonce_mismatch"
    REJECTED = "rejected"


USER_MESSAGES: dict[FaceReason, str] = {
    FaceReason.PASSED: "人脸核身通过。",
    FaceReason.NOT_FINISHED: "人脸核身尚未完成，请完成后再试。",
    FaceReason.EXPIRED: "人脸核身已超时，请重新发起。",
    FaceReason.CANCELLED: "人脸核身已取消，请重新发起。",
    FaceReason.FACE_MISMATCH: "人脸比对未通过，请本人重新核身。",
    FaceReason.LIVENESS_FAILED: "活体检测未通过，请在光线充足处由本人重新核身。",
    FaceReason.IDENTITY_MISMATCH: "核身人员与填写的身份信息不一致，请本人办理。",
    FaceReason.NONCE_MISMATCH: "核身结果无效，请重新发起人脸核身。",
    FaceReason.REJECTED: "人脸核身未通过，请稍后重试。",
}


@dataclass(frozen=True, slots=True)
class FaceResult:
    """The server-side verdict. `provider_code` is the provider's raw code, for the audit."""

    passed: bool
    reason: FaceReason
    message: str
    provider_code: str | None = None
    similarity: float | None = None

    @classmethod
    def of(
        cls,
        reason: FaceReason,
        *,
        provider_code: str | None = None,
        similarity: float | None = None,
    ) -> FaceResult:
        return cls(
            passed=reason is FaceReason.PASSED,
            reason=reason,
            message=USER_MESSAGES[reason],
            provider_code=provider_code,
            similarity=similarity,
        )


class FaceVerificationUnavailable(UpstreamUnavailable):
    code = "face_verification_unavailable"
    default_message = "人脸核身服务暂时不可用，请稍后再试。"


class FaceChannelUnsupported(InvalidInput):
    code = "face_channel_unsupported"
    default_message = "当前渠道暂不支持人脸核身，请在公积金小程序中办理。"


class FaceVerifier(Protocol):
    """A face verification provider: start a check, then read its result server-side."""

    provider: FaceProvider

    async def start(
        self,
        *,
        openid: str,
        identity: Identity,
        nonce: str,
        channel: FaceChannel,
        redirect_url: str | None = None,
    ) -> FaceSession:
        """Start a check of `identity`; `nonce` comes back with the result (Extra / out_seq_no)."""
        ...

    async def result(
        self, *, token: str, openid: str, identity: Identity, nonce: str
    ) -> FaceResult:
        """The provider's verdict on `token`, checked against `identity` and `nonce`."""
        ...
