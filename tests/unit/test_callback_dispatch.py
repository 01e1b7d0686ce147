"""Delivery dedupe and the reply deadline, without HTTP (in-process store, fake gateway)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

import pytest

from wxbackend.callback.crypto import CallbackCrypto
from wxbackend.callback.deliveries import DeliveryRecords
from wxbackend.callback.dispatch import CallbackDispatcher
from wxbackend.callback.errors import ReplayedNonce
from wxbackend.callback.parsing import parse_message, parse_xml
from wxbackend.callback.replies import NO_REPLY
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.callback.verification import CallbackQuery, NonceRecord
from wxbackend.config import Settings
from wxbackend.content import load_content
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import Handler, HandlerContext, HandlerRegistry
from wxbackend.store import MemoryStore
from wxbackend.wechat.fakes import FakeOfficialAccount


@pytest.fixture
def ctx() -> HandlerContext:
    content = load_content(public_base_url="http://127.0.0.1:8000")
    return HandlerContext(store=MemoryStore(), settings=Settings(env="test"), content=content)


CRYPTO = CallbackCrypto(token="t", encoding_aes_key="A" * 43, app_id="wx")


@pytest.fixture
def message() -> InboundMessage:
    user = SimulatedUser(CRYPTO)
    return parse_message(parse_xml(user.text("慢", msg_id=7).encode()))


def slow_registry(delay_s: float, calls: list[int]) -> HandlerRegistry:
    registry = HandlerRegistry()

    @registry.on_keyword("慢")
    async def slow(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        calls.append(1)
        await asyncio.sleep(delay_s)
        return TextReply("办好了")

    return registry


async def test_concurrent_deliveries_share_one_handler_run(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    calls: list[int] = []
    dispatcher = CallbackDispatcher(slow_registry(0.05, calls), budget_s=1.0, keep_s=60)
    outbox = FakeOfficialAccount()
    bodies = await asyncio.gather(
        *(dispatcher.answer(message, ctx, outbox=lambda: outbox) for _ in range(3))
    )
    assert len(calls) == 1
    assert len(set(bodies)) == 1
    assert "办好了" in bodies[0]


async def test_deadline_answers_success_and_sends_the_reply_later(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    calls: list[int] = []
    dispatcher = CallbackDispatcher(slow_registry(0.3, calls), budget_s=0.05, keep_s=60)
    outbox = FakeOfficialAccount()
    assert await dispatcher.answer(message, ctx, outbox=lambda: outbox) == NO_REPLY
    assert await dispatcher.answer(message, ctx, outbox=lambda: outbox) == NO_REPLY
    await dispatcher.drain()
    assert len(calls) == 1
    assert [(s.openid, s.text) for s in outbox.sent_texts] == [(message.openid, "办好了")]


async def test_late_reply_without_a_gateway_is_logged_not_raised(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    dispatcher = CallbackDispatcher(slow_registry(0.1, []), budget_s=0.01, keep_s=60)
    assert await dispatcher.answer(message, ctx, outbox=lambda: None) == NO_REPLY
    await dispatcher.drain()
    assert not dispatcher.pending


async def test_a_lapsed_claim_is_taken_over(ctx: HandlerContext, message: InboundMessage) -> None:
    # A worker claimed the delivery and died: once the lease lapses, a retry runs it.
    records = DeliveryRecords(ctx.store, lease_s=0.05, keep_s=60)
    assert await records.claim(message.delivery_key)
    calls: list[int] = []
    dispatcher = CallbackDispatcher(slow_registry(0, calls), budget_s=1.0, keep_s=60)
    body = await dispatcher.answer(message, ctx, outbox=lambda: None)
    assert calls == [1]
    assert "办好了" in body


def counting_registry(handler: Handler) -> HandlerRegistry:
    registry = HandlerRegistry()
    registry.on_keyword("慢")(handler)
    return registry


async def test_a_handler_that_never_waits_runs_in_the_request_task(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    ran_in: list[asyncio.Task[object] | None] = []

    async def instant(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        ran_in.append(asyncio.current_task())
        return TextReply("马上")

    dispatcher = CallbackDispatcher(counting_registry(instant), budget_s=1.0, keep_s=60)
    body = await dispatcher.answer(message, ctx, outbox=lambda: None)
    assert "马上" in body
    assert ran_in == [asyncio.current_task()]
    assert not dispatcher.pending


async def test_a_handler_resumed_in_a_task_gets_results_and_errors_relayed(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    # Suspends on a bare yield, a future that gets a result, one that fails; then fails.
    async def winding(message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        ok, bad = loop.create_future(), loop.create_future()
        loop.call_soon(ok.set_result, "值")
        loop.call_soon(bad.set_exception, LookupError("gone"))
        got = await ok
        try:
            await bad
        except LookupError:
            got += "+错误"
        if got != "值+错误":
            return TextReply("wrong")
        raise RuntimeError("after resuming")

    dispatcher = CallbackDispatcher(counting_registry(winding), budget_s=1.0, keep_s=60)
    body = await dispatcher.answer(message, ctx, outbox=lambda: None)
    assert ctx.content["apology"][:10] in body


async def test_a_reused_nonce_with_another_body_is_refused_before_claiming(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    calls: list[int] = []
    dispatcher = CallbackDispatcher(slow_registry(0, calls), budget_s=1.0, keep_s=60)
    query = CallbackQuery("sig", "1700000000", "n-1", "", "", "")
    first = NonceRecord.of(query, b"<xml>first</xml>", window_s=300)
    forged = NonceRecord.of(query, b"<xml>forged</xml>", window_s=300)
    other = parse_message(parse_xml(SimulatedUser(CRYPTO).text("慢", msg_id=8).encode()))
    await dispatcher.answer(other, ctx, outbox=lambda: None, nonce=first)
    with pytest.raises(ReplayedNonce):
        await dispatcher.answer(message, ctx, outbox=lambda: None, nonce=forged)
    assert calls == [1]
    records = DeliveryRecords(ctx.store, lease_s=5, keep_s=60)
    assert (await records.outcome(message.delivery_key)).state == "unclaimed"
    # The identical request again is let through (and answered from the record).
    assert "办好了" in await dispatcher.answer(other, ctx, outbox=lambda: None, nonce=first)
    assert calls == [1]


class CountingStore(MemoryStore):
    """The in-process store, counting what would be round trips to Redis."""

    def __init__(self) -> None:
        super().__init__()
        self.trips = 0

    async def get(self, key: str) -> str | None:
        self.trips += 1
        return await super().get(key)

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        self.trips += 1
        await super().set(key, value, ttl=ttl)

    async def set_if_absent_each(
        self, items: Sequence[tuple[str, str, float | None]]
    ) -> list[str | None]:
        self.trips += 1
        return await super().set_if_absent_each(items)


def repeatable_registry(delay_s: float, calls: list[int]) -> HandlerRegistry:
    registry = slow_registry(delay_s, calls)
    handler = registry.resolve(parse_message(parse_xml(SimulatedUser(CRYPTO).text("慢").encode())))
    assert handler is not None
    registry.mark_repeatable(handler)
    return registry


def nonce_of(body: bytes, nonce: str = "n-1") -> NonceRecord:
    query = CallbackQuery("sig", "1700000000", nonce, "", "", "")
    return NonceRecord.of(query, body, window_s=300)


async def test_a_repeatable_answer_costs_one_store_round_trip(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    store = CountingStore()
    ctx = replace(ctx, store=store)
    calls: list[int] = []
    dispatcher = CallbackDispatcher(repeatable_registry(0, calls), budget_s=1.0, keep_s=60)
    nonce = nonce_of(b"<xml>1</xml>")
    body = await dispatcher.answer(message, ctx, outbox=lambda: None, nonce=nonce)
    assert "办好了" in body
    assert store.trips == 1  # nonce, claim and answer in one script
    # WeChat's resend gets the stored answer, byte for byte (reply CreateTime included).
    assert await dispatcher.answer(message, ctx, outbox=lambda: None, nonce=nonce) == body
    records = DeliveryRecords(store, lease_s=5, keep_s=60)
    assert (await records.outcome(message.delivery_key)).body == body


async def test_a_repeatable_handler_never_answers_a_replayed_nonce(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    calls: list[int] = []
    dispatcher = CallbackDispatcher(repeatable_registry(0, calls), budget_s=1.0, keep_s=60)
    other = parse_message(parse_xml(SimulatedUser(CRYPTO).text("慢", msg_id=8).encode()))
    await dispatcher.answer(other, ctx, outbox=lambda: None, nonce=nonce_of(b"<xml>a</xml>"))
    with pytest.raises(ReplayedNonce):
        await dispatcher.answer(
            message, ctx, outbox=lambda: None, nonce=nonce_of(b"<xml>forged</xml>")
        )
    records = DeliveryRecords(ctx.store, lease_s=5, keep_s=60)
    assert (await records.outcome(message.delivery_key)).state == "unclaimed"


async def test_concurrent_resends_of_a_repeatable_delivery_get_one_answer(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    calls: list[int] = []
    dispatcher = CallbackDispatcher(repeatable_registry(0.02, calls), budget_s=1.0, keep_s=60)
    bodies = await asyncio.gather(
        *(dispatcher.answer(message, ctx, outbox=lambda: None) for _ in range(3))
    )
    assert len(set(bodies)) == 1
    assert "办好了" in bodies[0]


async def test_a_slow_repeatable_handler_answers_success_and_sends_once_later(
    ctx: HandlerContext, message: InboundMessage
) -> None:
    calls: list[int] = []
    dispatcher = CallbackDispatcher(repeatable_registry(0.3, calls), budget_s=0.05, keep_s=60)
    outbox = FakeOfficialAccount()
    started = asyncio.get_running_loop().time()
    assert await dispatcher.answer(message, ctx, outbox=lambda: outbox) == NO_REPLY
    assert asyncio.get_running_loop().time() - started < 0.3
    # WeChat's retry: the reply is on its way as a message, so "success" and no second run.
    assert await dispatcher.answer(message, ctx, outbox=lambda: outbox) == NO_REPLY
    await dispatcher.drain()
    assert [(s.openid, s.text) for s in outbox.sent_texts] == [(message.openid, "办好了")]
