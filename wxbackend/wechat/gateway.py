"""What the rest of the code may ask of WeChat. Adapters: wechatpy (real) and fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class WeChatApiError(Exception):
    """WeChat answered with a non-zero errcode (or could not be reached: errcode -1)."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")


@dataclass(frozen=True, slots=True)
class MiniProgramSession:
    openid: str
    session_key: str
    unionid: str | None = None


@dataclass(frozen=True, slots=True)
class OAuthIdentity:
    openid: str
    unionid: str | None = None


class OfficialAccountApi(Protocol):
    """The official account's server API (access token handled inside)."""

    async def send_text(self, openid: str, text: str) -> None:
        """Customer-service text message (allowed within 48 h of the user's last message)."""
        ...

    async def send_template(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, str],
        client_msg_id: str,
        url: str | None = None,
        miniprogram: dict[str, str] | None = None,
    ) -> int:
        """Template message; returns WeChat's msgid. `client_msg_id` makes it idempotent."""
        ...

    async def get_menu(self) -> dict[str, Any] | None:
        """The live menu's `menu` object, or None when no menu is set."""
        ...

    async def create_menu(self, menu: dict[str, Any]) -> None: ...

    async def delete_menu(self) -> None: ...

    async def oauth_identity(self, code: str) -> OAuthIdentity:
        """Exchange an OAuth (snsapi_base) code for the user's openid."""
        ...


class MiniProgramApi(Protocol):
    """The mini-program's server API."""

    async def code_to_session(self, js_code: str) -> MiniProgramSession: ...

    async def send_subscribe(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, str],
        page: str | None = None,
    ) -> None: ...
