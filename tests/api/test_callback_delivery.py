"""Retries, dedupe across app instances, and the reply deadline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from wxbackend.app import create_app
from wxbackend.callback.runtime import CallbackRuntime, callback_crypto
from wxbackend.callback.simulator import SignedCallback, SimulatedUser
from wxbackend.config import Settings
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import HandlerContext
from wxbackend.store import MemoryStore, RedisStore, Store
from wxbackend.wechat.fakes import FakeOfficialAccount

URL = "/wechat/callback"


class CountingHandler:
    """Answers after `delay_s`, counting how often it ran (across apps sharing it)."""

    def __init__(self, delay_s: float = 0.0, *, fail: bool = False) -> None:
        self.calls = 0
        self.finished = 0
        self.delay_s = delay_s
        self.fail = fail

    async def __call__(self, message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        self.finished += 1
        if self.fail:
            raise RuntimeError("handler broke")
        return TextReply(f"第{self.calls}次处理")


def with_budget(settings: Settings, budget_s: float) -> Settings:
    oa = settings.wechat.oa.model_copy(update={"reply_budget_s": budget_s})
    return settings.model_copy(update={"wechat": settings.wechat.model_copy(update={"oa": oa})})


@asynccontextmanager
async def running_app(
    settings: Settings, store: Store, handler: CountingHandler
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, FakeOfficialAccount]]:
    app = create_app(settings, store=store)
    runtime: CallbackRuntime = app.state.wechat_callback
    runtime.registry.on_keyword("计数", exact=True)(handler)
    async with app.router.lifespan_context(app):
        # The lifespan builds the real gateway; swap in the fake after it ran.
        outbox = FakeOfficialAccount()
        app.state.wechat_oa = outbox
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield app, client, outbox
        await runtime.dispatcher.drain()


async def post(client: httpx.AsyncClient, signed: SignedCallback) -> httpx.Response:
    return await client.post(URL, params=signed.params, content=signed.body)


@pytest.fixture
def user(settings: Settings) -> SimulatedUser:
    return SimulatedUser(callback_crypto(settings), openid="o-delivery-user")


async def test_duplicate_msgid_runs_the_handler_once_and_replays_its_reply(
    settings: Settings, store: Store, user: SimulatedUser
) -> None:
    handler = CountingHandler(delay_s=0.2)
    async with running_app(settings, store, handler) as (_, client, _outbox):
        xml = user.text("计数", msg_id=900001)
        # WeChat's retries are new requests (new nonce) carrying the same MsgId.
        first, retry = await asyncio.gather(
            post(client, user.sign(xml, mode="safe")), post(client, user.sign(xml, mode="safe"))
        )
        late = await post(client, user.sign(xml, mode="safe"))
    assert handler.calls == 1
    texts = [user.read_reply(r.content) for r in (first, retry, late)]
    assert [t.text if t else None for t in texts] == ["第1次处理"] * 3


async def test_duplicate_handled_once_across_two_app_instances(
    settings: Settings, store_factory: Callable[[], Store], user: SimulatedUser
) -> None:
    store_a, store_b = store_factory(), store_factory()
    if not store_a.shared_between_processes:
        # The in-process store cannot be shared by two clients; two apps on one store
        # still exercise the cross-instance path (each app has its own dispatcher).
        store_b = store_a
    handler = CountingHandler(delay_s=0.2)
    try:
        async with (
            running_app(settings, store_a, handler) as (_, client_a, _oa_a),
            running_app(settings, store_b, handler) as (_, client_b, _oa_b),
        ):
            xml = user.text("计数", msg_id=900002)
            first, retry = await asyncio.gather(
                post(client_a, user.sign(xml, mode="plain")),
                post(client_b, user.sign(xml, mode="plain")),
            )
    finally:
        for made in {id(s): s for s in (store_a, store_b)}.values():
            if isinstance(made, RedisStore):
                await made.delete_prefix()
            await made.close()
    assert handler.calls == 1
    assert first.status_code == retry.status_code == 200
    assert first.text == retry.text
    reply = user.read_reply(first.content)
    assert reply is not None
    assert reply.text == "第1次处理"


async def test_slow_handler_answers_success_then_sends_a_customer_service_message(
    settings: Settings, store: Store, user: SimulatedUser
) -> None:
    handler = CountingHandler(delay_s=1.5)
    async with running_app(with_budget(settings, 0.2), store, handler) as (app, client, outbox):
        xml = user.text("计数", msg_id=900003)
        response = await post(client, user.sign(xml, mode="safe"))
        assert (response.status_code, response.text) == (200, "success")
        # Answered at the budget, while the handler is still at work.
        assert handler.finished == 0
        assert outbox.sent_texts == []
        # WeChat retries while the handler still runs: no second run, no reply.
        retry = await post(client, user.sign(xml, mode="safe"))
        assert retry.text == "success"
        await app.state.wechat_callback.dispatcher.drain()
        after = await post(client, user.sign(xml, mode="safe"))
        assert after.text == "success"
        await app.state.wechat_callback.dispatcher.drain()
    assert handler.calls == 1
    assert [(s.openid, s.text) for s in outbox.sent_texts] == [("o-delivery-user", "第1次处理")]


async def test_failing_handler_gets_an_apology_not_a_500(
    settings: Settings, store: Store, user: SimulatedUser
) -> None:
    handler = CountingHandler(fail=True)
    async with running_app(settings, store, handler) as (app, client, _outbox):
        response = await post(client, user.sign(user.text("计数"), mode="safe"))
        apology = app.state.wechat_callback.content["apology"]
    assert response.status_code == 200
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.text == apology


async def test_require_encryption_refuses_plain_but_opens_compatible(
    settings: Settings, store: Store, user: SimulatedUser
) -> None:
    oa = settings.wechat.oa.model_copy(update={"require_encryption": True})
    strict = settings.model_copy(update={"wechat": settings.wechat.model_copy(update={"oa": oa})})
    async with running_app(strict, store, CountingHandler()) as (_, client, _outbox):
        plain = await post(client, user.sign(user.text("帮助"), mode="plain"))
        compatible = await post(client, user.sign(user.text("帮助"), mode="compatible"))
        safe = await post(client, user.sign(user.text("帮助"), mode="safe"))
    assert (plain.status_code, plain.json()["code"]) == (403, "wechat_encryption_required")
    # Compatible mode's Encrypt is what counts: answered (encrypted) like safe mode.
    assert compatible.status_code == 200
    assert "<Encrypt>" in compatible.text
    assert safe.status_code == 200


class UnreachableStore(MemoryStore):
    """A store whose server went away."""

    async def set_if_absent(self, key: str, value: str, *, ttl: float | None = None) -> bool:
        raise ConnectionError("store down")

    async def get(self, key: str) -> str | None:
        raise ConnectionError("store down")

    async def set_if_absent_each(
        self, items: Sequence[tuple[str, str, float | None]]
    ) -> list[str | None]:
        raise ConnectionError("store down")


async def test_store_outage_still_answers_the_user(settings: Settings, user: SimulatedUser) -> None:
    async with running_app(settings, UnreachableStore(), CountingHandler()) as (app, client, _):
        response = await post(client, user.sign(user.text("计数"), mode="safe"))
        apology = app.state.wechat_callback.content["apology"]
    assert response.status_code == 200
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.text == apology
