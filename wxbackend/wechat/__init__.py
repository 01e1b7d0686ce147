"""The WeChat gateway: official-account and mini-program APIs behind small protocols.

Build once at startup with `build_wechat_gateways(settings, store)`; routes get them
through `OfficialAccountDep` / `MiniProgramDep` (wxbackend.deps); unit tests use
`wxbackend.wechat.fakes`.
"""

from __future__ import annotations

from wxbackend.config import Settings
from wxbackend.store import Store
from wxbackend.wechat.client import WeChatPyMiniProgram, WeChatPyOfficialAccount
from wxbackend.wechat.gateway import (
    MiniProgramApi,
    MiniProgramSession,
    OAuthIdentity,
    OfficialAccountApi,
    WeChatApiError,
)
from wxbackend.wechat.tokens import AccessTokenBroker
from wxbackend.wechat.transport import WeChatHttp

__all__ = [
    "AccessTokenBroker",
    "MiniProgramApi",
    "MiniProgramSession",
    "OAuthIdentity",
    "OfficialAccountApi",
    "WeChatApiError",
    "WeChatPyMiniProgram",
    "WeChatPyOfficialAccount",
    "build_wechat_gateways",
]


def build_wechat_gateways(
    settings: Settings, store: Store
) -> tuple[OfficialAccountApi, MiniProgramApi]:
    """The real adapters, talking to `settings.wechat.api_base_url`."""
    wechat = settings.wechat
    # A refresher may hold the token lock for a connect and a read timeout; waiters wait
    # a little longer than that.
    lock_wait_s = max(10.0, 3 * wechat.timeout_s)
    oa_secret = wechat.oa.app_secret.get_secret_value()
    mp_secret = wechat.mp.app_secret.get_secret_value()
    oa_http = WeChatHttp(
        app_id=wechat.oa.app_id, base_url=wechat.api_base_url, timeout_s=wechat.timeout_s
    )
    mp_http = WeChatHttp(
        app_id=wechat.mp.app_id, base_url=wechat.api_base_url, timeout_s=wechat.timeout_s
    )
    oa_tokens = AccessTokenBroker(
        store=store,
        http=oa_http,
        app_id=wechat.oa.app_id,
        app_secret=oa_secret,
        use_stable_token=wechat.use_stable_token,
        refresh_margin_s=wechat.token_refresh_margin_s,
        lock_wait_s=lock_wait_s,
    )
    mp_tokens = AccessTokenBroker(
        store=store,
        http=mp_http,
        app_id=wechat.mp.app_id,
        app_secret=mp_secret,
        use_stable_token=wechat.use_stable_token,
        refresh_margin_s=wechat.token_refresh_margin_s,
        lock_wait_s=lock_wait_s,
    )
    oa = WeChatPyOfficialAccount(
        http=oa_http, tokens=oa_tokens, app_id=wechat.oa.app_id, app_secret=oa_secret
    )
    mp = WeChatPyMiniProgram(
        http=mp_http, tokens=mp_tokens, app_id=wechat.mp.app_id, app_secret=mp_secret
    )
    return oa, mp
