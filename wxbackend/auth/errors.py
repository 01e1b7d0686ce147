"""Login failures, in words the user can act on."""

from __future__ import annotations

from wxbackend.errors import (
    DomainError,
    Forbidden,
    TooManyRequests,
    Unauthenticated,
    UpstreamUnavailable,
)
from wxbackend.wechat.gateway import WeChatApiError


class LoginCodeInvalid(Unauthenticated):
    code = "login.code_invalid"
    default_message = "登录凭证无效或已过期，请重新进入。"


class LoginCodeUsed(Unauthenticated):
    code = "login.code_used"
    default_message = "登录凭证已被使用，请重新进入。"


class LoginTooFrequent(TooManyRequests):
    code = "login.too_frequent"
    default_message = "登录过于频繁，请稍后再试。"


class LoginRiskyUser(Forbidden):
    code = "login.risky_user"
    default_message = "您的微信账号存在安全风险，暂时无法登录，请稍后再试或联系微信客服。"


class LoginUnavailable(UpstreamUnavailable):
    code = "login.unavailable"
    default_message = "微信服务繁忙，请稍后再试。"


class OAuthStateInvalid(Forbidden):
    code = "login.state_invalid"
    default_message = "页面已失效，请从公众号菜单重新进入。"


_BY_ERRCODE: dict[int, type[DomainError]] = {
    40029: LoginCodeInvalid,
    40163: LoginCodeUsed,
    45011: LoginTooFrequent,
    40226: LoginRiskyUser,
}


def login_error(exc: WeChatApiError) -> DomainError:
    """The user-facing error for a failed code exchange (jscode2session / OAuth)."""
    return _BY_ERRCODE.get(exc.errcode, LoginUnavailable)()
