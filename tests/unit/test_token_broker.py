"""AccessTokenBroker's refresh rules, with a scripted WeChat and the in-process store."""

from __future__ import annotations

from typing import Any

import pytest

from wxbackend.store import MemoryStore
from wxbackend.wechat.gateway import WeChatApiError
from wxbackend.wechat.tokens import AccessTokenBroker


class ScriptedTokenEndpoint:
    """Stands in for WeChatHttp: answers token fetches from a script."""

    def __init__(self, *answers: dict[str, Any] | WeChatApiError) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, dict[str, Any] | None]] = []

    async def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        self.requests.append((path, kwargs.get("json") or kwargs.get("params")))
        answer = self.answers.pop(0)
        if isinstance(answer, WeChatApiError):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def make_broker(
    http: ScriptedTokenEndpoint, clock: Clock, *, stable: bool = True
) -> AccessTokenBroker:
    return AccessTokenBroker(
        store=MemoryStore(),
        http=http,  # type: ignore[arg-type]
        app_id="wxapp",
        app_secret="secret",
        use_stable_token=stable,
        refresh_margin_s=300,
        clock=clock,
    )


def token(value: str, expires_in: int = 7200) -> dict[str, Any]:
    return {"access_token": value, "expires_in": expires_in}


async def test_token_is_cached_until_the_refresh_margin() -> None:
    http, clock = ScriptedTokenEndpoint(token("t1"), token("t2")), Clock()
    broker = make_broker(http, clock)

    assert await broker.token() == "t1"
    clock.now += 7200 - 301
    assert await broker.token() == "t1"
    clock.now += 2
    assert await broker.token() == "t2"
    assert len(http.requests) == 2


async def test_stable_token_is_requested_without_force_refresh() -> None:
    http = ScriptedTokenEndpoint(token("t1"))
    await make_broker(http, Clock()).token()

    path, body = http.requests[0]
    assert path == "/cgi-bin/stable_token"
    assert body == {
        "grant_type": "client_credential",
        "appid": "wxapp",
        "secret": "secret",
        "force_refresh": False,
    }


async def test_plain_token_endpoint_when_stable_token_is_off() -> None:
    http = ScriptedTokenEndpoint(token("t1"))
    await make_broker(http, Clock(), stable=False).token()
    assert http.requests[0][0] == "/cgi-bin/token"


async def test_short_lived_token_is_rechecked_at_most_once_a_minute() -> None:
    # Near its end stable_token hands back the same token with little time left.
    http, clock = ScriptedTokenEndpoint(token("t1", 200), token("t1", 140)), Clock()
    broker = make_broker(http, clock)

    await broker.token()
    clock.now += 59
    await broker.token()
    assert len(http.requests) == 1
    clock.now += 2
    await broker.token()
    assert len(http.requests) == 2


async def test_failed_refresh_keeps_serving_the_live_token() -> None:
    http, clock = ScriptedTokenEndpoint(token("t1"), WeChatApiError(-1, "busy")), Clock()
    broker = make_broker(http, clock)
    await broker.token()
    clock.now += 7000

    assert await broker.token() == "t1"


async def test_failed_fetch_with_nothing_cached_surfaces() -> None:
    broker = make_broker(ScriptedTokenEndpoint(WeChatApiError(40125, "invalid appsecret")), Clock())
    with pytest.raises(WeChatApiError) as caught:
        await broker.token()
    assert caught.value.errcode == 40125


async def test_drop_forgets_only_the_token_that_failed() -> None:
    http = ScriptedTokenEndpoint(token("t1"), token("t2"))
    broker = make_broker(http, Clock())
    await broker.token()

    await broker.drop("some-older-token")
    assert await broker.token() == "t1"
    await broker.drop("t1")
    assert await broker.token() == "t2"


async def test_call_retries_once_after_a_token_errcode() -> None:
    http = ScriptedTokenEndpoint(token("t1"), token("t2"))
    broker = make_broker(http, Clock())
    seen: list[str] = []

    async def request(access_token: str) -> str:
        seen.append(access_token)
        if access_token == "t1":
            raise WeChatApiError(40014, "invalid access_token")
        return "done"

    assert await broker.call(request) == "done"
    assert seen == ["t1", "t2"]


async def test_call_does_not_retry_other_errcodes() -> None:
    broker = make_broker(ScriptedTokenEndpoint(token("t1")), Clock())
    calls = 0

    async def request(access_token: str) -> None:
        nonlocal calls
        calls += 1
        raise WeChatApiError(45009, "quota")

    with pytest.raises(WeChatApiError):
        await broker.call(request)
    assert calls == 1
