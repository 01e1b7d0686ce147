"""The access_token broker against the sandbox, through the real wechatpy client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import pytest

from wxbackend.config import Settings
from wxbackend.sandbox.wechat.state import Fault
from wxbackend.store import RedisStore, Store
from wxbackend.wechat import build_wechat_gateways
from wxbackend.wechat.gateway import WeChatApiError
from wxbackend.wechat.tokens import AccessTokenBroker
from wxbackend.wechat.transport import WeChatHttp

if TYPE_CHECKING:
    from tests.sandbox_server import SandboxServer


MENU_GET = "/cgi-bin/menu/get"


def _fault(errcode: int, *, count: int = 1) -> Fault:
    return Fault(errcode=errcode, errmsg="injected", delay_s=0.0, remaining=count)


def make_broker(settings: Settings, store: Store) -> AccessTokenBroker:
    oa = settings.wechat.oa
    http = WeChatHttp(
        app_id=oa.app_id, base_url=settings.wechat.api_base_url, timeout_s=settings.wechat.timeout_s
    )
    return AccessTokenBroker(
        store=store, http=http, app_id=oa.app_id, app_secret=oa.app_secret.get_secret_value()
    )


@pytest.fixture
async def shared_stores(
    store_factory: Callable[[], Store],
) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores over the same keys: two processes of one deployment."""
    first, second = store_factory(), store_factory()
    yield first, second
    if isinstance(first, RedisStore):
        await first.delete_prefix()
    await first.close()
    await second.close()


async def test_concurrent_callers_with_empty_cache_fetch_one_token(
    wechat_sandbox: SandboxServer, wechat_settings: Settings, store: Store
) -> None:
    broker = make_broker(wechat_settings, store)
    tokens = await asyncio.gather(*(broker.token() for _ in range(20)))
    assert len(set(tokens)) == 1
    assert wechat_sandbox.wechat.token_requests == 1


async def test_two_processes_sharing_a_store_fetch_one_token(
    wechat_sandbox: SandboxServer,
    wechat_settings: Settings,
    shared_stores: tuple[Store, Store],
) -> None:
    first = make_broker(wechat_settings, shared_stores[0])
    second = make_broker(wechat_settings, shared_stores[1])
    tokens = await asyncio.gather(
        *(broker.token() for broker in (first, second) for _ in range(10))
    )
    assert len(set(tokens)) == 1
    assert wechat_sandbox.wechat.token_requests == 1


async def test_rejected_token_is_refreshed_once_and_call_retried_once(
    wechat_sandbox: SandboxServer, wechat_settings: Settings, store: Store
) -> None:
    oa, _ = build_wechat_gateways(wechat_settings, store)
    await oa.create_menu({"button": [{"type": "click", "name": "查询", "key": "QUERY"}]})
    wechat_sandbox.wechat.calls.clear()
    wechat_sandbox.wechat.add_fault(MENU_GET, _fault(40001))

    menu = await oa.get_menu()

    assert menu == {"button": [{"type": "click", "name": "查询", "key": "QUERY"}]}
    assert wechat_sandbox.wechat.token_requests == 2  # the first fetch and one refresh
    assert wechat_sandbox.wechat.calls[MENU_GET] == 2


async def test_token_rejected_twice_surfaces_without_looping(
    wechat_sandbox: SandboxServer, wechat_settings: Settings, store: Store
) -> None:
    oa, _ = build_wechat_gateways(wechat_settings, store)
    wechat_sandbox.wechat.add_fault(MENU_GET, _fault(40001, count=5))

    with pytest.raises(WeChatApiError) as caught:
        await oa.get_menu()

    assert caught.value.errcode == 40001
    assert wechat_sandbox.wechat.calls[MENU_GET] == 2
    assert wechat_sandbox.wechat.token_requests == 2


async def test_expired_token_is_replaced_transparently(
    wechat_sandbox: SandboxServer, wechat_settings: Settings, store: Store
) -> None:
    oa, _ = build_wechat_gateways(wechat_settings, store)
    await oa.delete_menu()
    wechat_sandbox.wechat.expire_tokens()

    assert await oa.get_menu() is None
    assert wechat_sandbox.wechat.tokens_issued == 2


async def test_token_replaced_by_another_process_is_not_dropped(
    wechat_sandbox: SandboxServer,
    wechat_settings: Settings,
    shared_stores: tuple[Store, Store],
) -> None:
    ours = make_broker(wechat_settings, shared_stores[0])
    other_oa, _ = build_wechat_gateways(wechat_settings, shared_stores[1])
    attempts: list[str] = []

    async def request(token: str) -> str:
        attempts.append(token)
        if len(attempts) == 1:
            # While our call is in flight the token expires, and the other process meets
            # the expiry first and stores a new token.
            wechat_sandbox.wechat.expire_tokens()
            await other_oa.get_menu()
            raise WeChatApiError(42001, "access_token expired")
        return token

    await ours.call(request)

    first, second = attempts
    assert first != second
    assert await ours.token() == second  # the other process's token survived our failure
    assert wechat_sandbox.wechat.token_requests == 2  # ours at first, theirs; none after
