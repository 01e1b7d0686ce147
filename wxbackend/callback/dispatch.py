"""Run a delivery's handler once across workers, within WeChat's reply deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import structlog

from wxbackend.callback.deliveries import DeliveryRecords
from wxbackend.callback.replies import NO_REPLY, render_reply
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply, reply_as_text
from wxbackend.handlers.registry import HandlerContext, HandlerRegistry
from wxbackend.wechat.gateway import OfficialAccountApi

log = structlog.get_logger(__name__)

OutboxSource = Callable[[], OfficialAccountApi | None]


class CallbackDispatcher:
    """Answers deliveries; owns the background tasks of replies that missed the deadline."""

    def __init__(self, registry: HandlerRegistry, *, budget_s: float, keep_s: float) -> None:
        self.registry = registry
        self.budget_s = budget_s
        self.keep_s = keep_s
        # Strong references: the event loop keeps only weak ones to running tasks.
        self.pending: set[asyncio.Task[Any]] = set()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)
        return task

    async def drain(self) -> None:
        """Wait for background replies (tests, graceful shutdown)."""
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)

    async def answer(
        self, message: InboundMessage, ctx: HandlerContext, *, outbox: OutboxSource
    ) -> str:
        """The plaintext reply body for this delivery: reply XML or "success"."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.budget_s
        records = DeliveryRecords(ctx.store, lease_s=self.budget_s + 5.0, keep_s=self.keep_s)
        key = message.delivery_key
        while True:
            if await records.claim(key):
                return await self._first_attempt(message, ctx, records, deadline, outbox)
            outcome = await records.wait(key, until=deadline)
            if outcome.state == "unclaimed" and loop.time() < deadline:
                continue  # the first attempt's worker died; take over
            log.info("callback.redelivery", msg_type=message.msg_type, state=outcome.state)
            if outcome.state == "done" and outcome.body is not None:
                return outcome.body
            # Deferred (a customer-service message is on its way) or still running
            # past our own deadline: the first attempt answers, never twice.
            return NO_REPLY

    async def _first_attempt(
        self,
        message: InboundMessage,
        ctx: HandlerContext,
        records: DeliveryRecords,
        deadline: float,
        outbox: OutboxSource,
    ) -> str:
        task = self._spawn(self._run_handler(message, ctx))
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        try:
            reply = await asyncio.wait_for(asyncio.shield(task), timeout=remaining)
        except TimeoutError:
            await records.defer(message.delivery_key)
            self._spawn(self._send_later(task, message, outbox))
            log.info("callback.deferred", msg_type=message.msg_type, budget_s=self.budget_s)
            return NO_REPLY
        except asyncio.CancelledError:
            # The connection went away; the user still gets the answer.
            self._spawn(self._defer_and_send(task, message, records, outbox))
            raise
        body = NO_REPLY if reply is None else render_reply(reply, to=message, now=int(time.time()))
        await records.finish(message.delivery_key, body)
        return body

    async def _run_handler(self, message: InboundMessage, ctx: HandlerContext) -> Reply | None:
        try:
            return await self.registry.dispatch(message, ctx)
        except Exception:
            log.exception(
                "callback.handler_failed", msg_type=message.msg_type, wechat_event=message.event
            )
            return TextReply(ctx.content["apology"])

    async def _defer_and_send(
        self,
        task: asyncio.Task[Reply | None],
        message: InboundMessage,
        records: DeliveryRecords,
        outbox: OutboxSource,
    ) -> None:
        await records.defer(message.delivery_key)
        await self._send_later(task, message, outbox)

    async def _send_later(
        self, task: asyncio.Task[Reply | None], message: InboundMessage, outbox: OutboxSource
    ) -> None:
        reply = await task
        if reply is None:
            return
        api = outbox()
        if api is None:
            log.error("callback.late_reply_dropped", reason="no official-account gateway")
            return
        try:
            await api.send_text(message.openid, reply_as_text(reply))
        except Exception:
            log.exception("callback.late_reply_failed", msg_type=message.msg_type)
        else:
            log.info("callback.late_reply_sent", msg_type=message.msg_type)
