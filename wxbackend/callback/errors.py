"""Why a callback request was refused. Each is logged and answered with a 4xx, never a 500."""

from __future__ import annotations

from wxbackend.errors import DomainError


class CallbackRefused(DomainError):
    code = "wechat_callback_refused"
    status = 403
    default_message = "请求未通过校验。"


class SignatureRejected(CallbackRefused):
    code = "wechat_bad_signature"


class MsgSignatureRejected(CallbackRefused):
    code = "wechat_bad_msg_signature"


class StaleTimestamp(CallbackRefused):
    code = "wechat_stale_timestamp"


class ReplayedNonce(CallbackRefused):
    code = "wechat_replayed_nonce"


class EncryptionRequired(CallbackRefused):
    code = "wechat_encryption_required"


class WrongAppIdRejected(CallbackRefused):
    code = "wechat_wrong_app_id"


class BodyTooLarge(CallbackRefused):
    code = "wechat_body_too_large"
    status = 413
    default_message = "请求内容过大。"


class MalformedMessage(CallbackRefused):
    code = "wechat_malformed_message"
    status = 400
    default_message = "消息格式不正确。"
