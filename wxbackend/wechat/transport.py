"""One seam for HTTP to WeChat: wechatpy's client, tamed, called off the event loop."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from wxbackend.wechat.gateway import WeChatApiError

# Errcodes meaning "this access_token is no good": 40001 invalid credential, 40014 invalid
# access_token, 42001 expired. https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})


class TokenNotManagedHere(AttributeError):
    """wechatpy tried to use its own access_token; the broker owns tokens."""


class _PinnedTokenClient(WeChatClient):  # type: ignore[misc]
    """wechatpy's client with its token handling removed: every call names its token.

    wechatpy 1.8 fetches tokens from a hard-coded https://api.weixin.qq.com/cgi-bin/token
    (which invalidates every other process's token) and, on 40001, fetches again and
    retries recursively without bound (client/base.py `_handle_result`). The shared broker
    (tokens.py) owns tokens instead; anything that would reach wechatpy's own token
    logic is a bug, so it fails loudly - with an AttributeError, because wechatpy's __new__
    reads every attribute through inspect.getmembers, which tolerates only that one.
    wechatpy's session storage goes unused too (its SessionStorage.__getitem__ forgets to
    return).
    """

    def fetch_access_token(self) -> Any:
        raise TokenNotManagedHere("wechatpy must not fetch tokens: use AccessTokenBroker")

    @property
    def access_token(self) -> str:
        raise TokenNotManagedHere("wechatpy must not read its own token: pass access_token")


class WeChatHttp:
    """Blocking wechatpy calls run in a worker thread; every failure is a WeChatApiError."""

    def __init__(
        self,
        *,
        app_id: str,
        base_url: str,
        timeout_s: float,
        adapter: BaseAdapter | None = None,
    ) -> None:
        """`adapter` replaces the network in unit tests, as httpx's MockTransport would."""
        # auto_retry=False: wechatpy never retries on token errcodes by itself.
        self._client = _PinnedTokenClient(app_id, secret=None, timeout=timeout_s, auto_retry=False)
        self._client.API_BASE_URL = base_url.rstrip("/")
        # One connection per worker thread that may call at once (requests keeps 10).
        adapter = adapter or HTTPAdapter(pool_connections=4, pool_maxsize=32)
        self._client._http.mount("http://", adapter)
        self._client._http.mount("https://", adapter)

    async def call(
        self,
        method: Literal["get", "post"],
        path: str,
        *,
        access_token: str | None,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Call `path` (e.g. "/cgi-bin/menu/get") under the base URL; returns the JSON body."""
        # wechatpy adds its own token only when the key is absent; requests leaves out
        # None-valued parameters, so a None token sends no access_token at all.
        query: dict[str, str | None] = {"access_token": access_token, **(params or {})}
        kwargs: dict[str, Any] = {"params": query}
        if json is not None:
            kwargs["data"] = json  # wechatpy encodes dicts as UTF-8 JSON (ensure_ascii=False)
        return await asyncio.to_thread(self._call_blocking, method, path, kwargs)

    def _call_blocking(self, method: str, path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        try:
            result = self._client._request(method=method, url_or_endpoint=path, **kwargs)
        except WeChatClientException as exc:
            if exc.errcode is None:  # an HTTP status error, not a WeChat errcode
                status = getattr(exc.response, "status_code", "?")
                raise WeChatApiError(-1, f"HTTP {status} from WeChat") from None
            raise WeChatApiError(int(exc.errcode), str(exc.errmsg)) from None
        except requests.RequestException as exc:
            # Only the exception's type: requests' messages carry the URL, and with it
            # the app secret for /sns/* and token calls.
            raise WeChatApiError(-1, f"network error: {type(exc).__name__}") from None
        if not isinstance(result, dict):
            raise WeChatApiError(-1, "WeChat answered with something other than JSON")
        return result
