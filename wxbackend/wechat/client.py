"""wechatpy-backed adapters of OfficialAccountApi and MiniProgramApi.

Every request goes to `settings.wechat.api_base_url` (api.weixin.qq.com or the sandbox),
with the token from the shared AccessTokenBroker.
"""

from __future__ import annotations

from typing import Any

from wxbackend.wechat.gateway import MiniProgramSession, OAuthIdentity, WeChatApiError
from wxbackend.wechat.tokens import AccessTokenBroker
from wxbackend.wechat.transport import WeChatHttp

# menu/get answers 46003 when no menu has been created.
_NO_MENU = 46003


def _required(result: dict[str, Any], name: str) -> str:
    value = result.get(name)
    if not value:
        raise WeChatApiError(-1, f"WeChat answer without {name}")
    return str(value)


def _values(data: dict[str, str]) -> dict[str, dict[str, str]]:
    """WeChat's template data shape: {"key": {"value": "..."}}."""
    return {key: {"value": value} for key, value in data.items()}


class WeChatPyOfficialAccount:
    """The official account's API over wechatpy, tokens from the shared broker."""

    def __init__(
        self, *, http: WeChatHttp, tokens: AccessTokenBroker, app_id: str, app_secret: str
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._app_id = app_id
        self._app_secret = app_secret

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async def request(token: str) -> dict[str, Any]:
            return await self._http.call("post", path, access_token=token, json=body)

        return await self._tokens.call(request)

    async def _get(self, path: str) -> dict[str, Any]:
        async def request(token: str) -> dict[str, Any]:
            return await self._http.call("get", path, access_token=token)

        return await self._tokens.call(request)

    async def send_text(self, openid: str, text: str) -> None:
        # https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
        await self._post(
            "/cgi-bin/message/custom/send",
            {"touser": openid, "msgtype": "text", "text": {"content": text}},
        )

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
        # Posted by hand: wechatpy 1.8's message.send_template has no client_msg_id, the
        # field that makes a resend after a timeout safe.
        # https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "client_msg_id": client_msg_id,
            "data": _values(data),
        }
        if url is not None:
            body["url"] = url
        if miniprogram is not None:
            body["miniprogram"] = miniprogram
        result = await self._post("/cgi-bin/message/template/send", body)
        return int(result.get("msgid", 0))

    async def get_menu(self) -> dict[str, Any] | None:
        # menu/get rather than get_current_selfmenu_info: it returns the menu in the same
        # shape menu/create takes, so what we publish and what is live compare directly.
        # https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Getting_Custom_Menu_Configurations.html
        try:
            result = await self._get("/cgi-bin/menu/get")
        except WeChatApiError as exc:
            if exc.errcode == _NO_MENU:
                return None
            raise
        menu = result.get("menu")
        return menu if isinstance(menu, dict) else None

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self._post("/cgi-bin/menu/create", menu)

    async def delete_menu(self) -> None:
        await self._get("/cgi-bin/menu/delete")

    async def oauth_identity(self, code: str) -> OAuthIdentity:
        # https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
        result = await self._http.call(
            "get",
            "/sns/oauth2/access_token",
            access_token=None,
            params={
                "appid": self._app_id,
                "secret": self._app_secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
        return OAuthIdentity(openid=_required(result, "openid"), unionid=result.get("unionid"))


class WeChatPyMiniProgram:
    """The mini-program's API over wechatpy, tokens from the shared broker."""

    def __init__(
        self, *, http: WeChatHttp, tokens: AccessTokenBroker, app_id: str, app_secret: str
    ) -> None:
        self._http = http
        self._tokens = tokens
        self._app_id = app_id
        self._app_secret = app_secret

    @property
    def tokens(self) -> AccessTokenBroker:
        """The mini-program's shared token broker (WeChat face verification needs it)."""
        return self._tokens

    @property
    def http(self) -> WeChatHttp:
        """The mini-program's WeChat transport (WeChat face verification calls through it)."""
        return self._http

    async def code_to_session(self, js_code: str) -> MiniProgramSession:
        # https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
        result = await self._http.call(
            "get",
            "/sns/jscode2session",
            access_token=None,
            params={
                "appid": self._app_id,
                "secret": self._app_secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
            },
        )
        return MiniProgramSession(
            openid=_required(result, "openid"),
            session_key=_required(result, "session_key"),
            unionid=result.get("unionid"),
        )

    async def send_subscribe(
        self,
        *,
        openid: str,
        template_id: str,
        data: dict[str, str],
        page: str | None = None,
    ) -> None:
        # https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": _values(data)}
        if page is not None:
            body["page"] = page

        async def request(token: str) -> dict[str, Any]:
            return await self._http.call(
                "post", "/cgi-bin/message/subscribe/send", access_token=token, json=body
            )

        await self._tokens.call(request)
