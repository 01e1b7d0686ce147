"""Run a delivery's handler once across workers, within WeChat's reply deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

from wxbackend import clock, metrics
from wxbackend.callback import late
from wxbackend.callback.deliveries import DeliveryRecords, best_effort
from wxbackend.callback.eager import Continue
from wxbackend.callback.late import OutboxSource
from wxbackend.callback.replies import NO_REPLY, render_reply
from wxbackend.callback.verification import NonceRecord
from wxbackend.handlers.messages import InboundMessage, Reply, TextReply
from wxbackend.handlers.registry import Handler, HandlerContext, HandlerRegistry

log = structlog.get_logger(__name__)

# After the reply budget, how much longer a store write may hold the answer back.
_STORE_GRACE_S = 0.4


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
        self,
        message: InboundMessage,
        ctx: HandlerContext,
        *,
        outbox: OutboxSource,
        nonce: NonceRecord | None = None,
    ) -> str:
        """The plaintext reply body for this delivery: reply XML or "success".

        `nonce` is recorded and checked with the claim (ReplayedNonce when reused).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.budget_s
        records = DeliveryRecords(ctx.store, lease_s=self.budget_s + 5.0, keep_s=self.keep_s)
        key = message.delivery_key
        handler = self.registry.resolve(message)
        if handler is not None and self.registry.is_repeatable(handler):
            answered = await self._repeatable_attempt(
                message, ctx, handler, records, deadline, outbox, nonce
            )
            if answered is not None:
                return answered
            claimed = False  # another attempt is running it: wait for its answer
        else:
            try:
                # The store's answers count against the reply budget too: a store that
                # does not answer in time gets the user an apology now, not WeChat's
                # retry later.
                async with asyncio.timeout_at(deadline):
                    claimed = await records.claim(key, nonce=nonce)
            except TimeoutError:
                return self._store_timeout(message, ctx)
        while True:
            if claimed:
                return await self._first_attempt(message, ctx, handler, records, deadline, outbox)
            try:
                async with asyncio.timeout_at(deadline + _STORE_GRACE_S):
                    outcome = await records.wait(key, until=deadline)
                    if outcome.state == "unclaimed" and loop.time() < deadline:
                        # The first attempt's worker died; take over.
                        claimed = await records.claim(key)
                        continue
            except TimeoutError:
                log.warning("callback.store_timeout", step="wait", msg_type=message.msg_type)
                return NO_REPLY
            log.info("callback.redelivery", msg_type=message.msg_type, state=outcome.state)
            if outcome.state == "done" and outcome.body is not None:
                return outcome.body
            # Deferred (a customer-service message is on its way) or still running
            # past our own deadline: the first attempt answers, never twice.
            return NO_REPLY

    def _store_timeout(self, message: InboundMessage, ctx: HandlerContext) -> str:
        log.warning("callback.store_timeout", step="claim", msg_type=message.msg_type)
        metrics.dependency_error("store")
        metrics.CALLBACK_APOLOGIES.inc()
        return self._apology(message, ctx)

    async def _repeatable_attempt(
        self,
        message: InboundMessage,
        ctx: HandlerContext,
        handler: Handler,
        records: DeliveryRecords,
        deadline: float,
        outbox: OutboxSource,
        nonce: NonceRecord | None,
    ) -> str | None:
        """A handler that changes nothing runs first; then one store round trip checks the
        nonce and stores its answer as the delivery's, unless another attempt answered
        first (its answer is the one given). None: another attempt is still running.

        So a resent delivery may run such a handler again (the same read, the same
        text); a replayed nonce is still refused before any answer leaves.
        """
        run = self._run_handler(message, ctx, handler)
        try:
            waiting_on = run.send(None)
        except StopIteration as finished:
            reply: Reply | None = finished.value
        else:
            task = self._spawn(Continue(run, waiting_on).result())
            remaining = max(0.0, deadline - asyncio.get_running_loop().time())
            try:
                reply = await asyncio.wait_for(asyncio.shield(task), timeout=remaining)
            except TimeoutError:
                return await self._repeatable_late(task, message, ctx, records, outbox, nonce)
            except asyncio.CancelledError:
                task.cancel()  # the connection went away: WeChat resends, we read again
                raise
        body = (
            NO_REPLY
            if reply is None
            else render_reply(reply, to=message, now=int(clock.timestamp()))
        )
        try:
            async with asyncio.timeout_at(deadline + _STORE_GRACE_S):
                found = await records.settle(message.delivery_key, body, nonce=nonce)
        except TimeoutError:
            return self._store_timeout(message, ctx)
        if found is None:
            return body
        log.info("callback.redelivery", msg_type=message.msg_type, state=found.state)
        if found.state == "done" and found.body is not None:
            return found.body
        return None if found.state == "running" else NO_REPLY

    async def _repeatable_late(
        self,
        task: asyncio.Task[Reply | None],
        message: InboundMessage,
        ctx: HandlerContext,
        records: DeliveryRecords,
        outbox: OutboxSource,
        nonce: NonceRecord | None,
    ) -> str:
        """Past the deadline: claim the delivery as deferred; its reply goes out later."""
        try:
            async with asyncio.timeout(_STORE_GRACE_S):
                claimed = await records.claim(message.delivery_key, nonce=nonce, deferred=True)
        except TimeoutError:
            task.cancel()
            return self._store_timeout(message, ctx)
        except BaseException:  # a replayed nonce, a store error: nothing is sent later
            task.cancel()
            raise
        if not claimed:  # another attempt has it and answers
            task.cancel()
            return NO_REPLY
        self._spawn(late.send_later(task, message, ctx, outbox))
        log.info("callback.deferred", msg_type=message.msg_type, budget_s=self.budget_s)
        metrics.DEADLINE_FALLBACKS.inc()
        return NO_REPLY

    async def _first_attempt(
        self,
        message: InboundMessage,
        ctx: HandlerContext,
        handler: Handler | None,
        records: DeliveryRecords,
        deadline: float,
        outbox: OutboxSource,
    ) -> str:
        run = self._run_handler(message, ctx, handler)
        # Run the handler here up to its first await of something unfinished: most
        # (texts, menus) finish before that and need no task, timer or shield. One that
        # waits goes on in a task, watched against the deadline.
        try:
            waiting_on = run.send(None)
        except StopIteration as finished:
            return await self._finish(message, records, finished.value)
        task = self._spawn(Continue(run, waiting_on).result())
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        try:
            reply = await asyncio.wait_for(asyncio.shield(task), timeout=remaining)
        except TimeoutError:
            await best_effort(_STORE_GRACE_S, records.defer(message.delivery_key), step="defer")
            self._spawn(late.send_later(task, message, ctx, outbox))
            log.info("callback.deferred", msg_type=message.msg_type, budget_s=self.budget_s)
            metrics.DEADLINE_FALLBACKS.inc()
            return NO_REPLY
        except asyncio.CancelledError:
            # The connection went away; the user still gets the answer.
            self._spawn(
                late.defer_and_send(task, message, ctx, records, outbox, grace_s=_STORE_GRACE_S)
            )
            raise
        return await self._finish(message, records, reply)

    @staticmethod
    async def _finish(
        message: InboundMessage, records: DeliveryRecords, reply: Reply | None
    ) -> str:
        body = (
            NO_REPLY
            if reply is None
            else render_reply(reply, to=message, now=int(clock.timestamp()))
        )
        # A slow store must not hold the answer back: the record only dedupes retries.
        await best_effort(_STORE_GRACE_S, records.finish(message.delivery_key, body), step="finish")
        return body

    @staticmethod
    def _apology(message: InboundMessage, ctx: HandlerContext) -> str:
        apology = TextReply(ctx.content["apology"])
        return render_reply(apology, to=message, now=int(clock.timestamp()))

    async def _run_handler(
        self, message: InboundMessage, ctx: HandlerContext, handler: Handler | None = None
    ) -> Reply | None:
        try:
            return await self.registry.dispatch(message, ctx, handler)
        except Exception:
            log.exception(
                "callback.handler_failed", msg_type=message.msg_type, wechat_event=message.event
            )
            metrics.CALLBACK_APOLOGIES.inc()
            return TextReply(ctx.content["apology"])
