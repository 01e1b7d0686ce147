"""Dramatiq on Redis: the dispatcher enqueues due notice ids, actor threads deliver them.

The outbox row stays the source of truth: the actor `deliver_notice(outbox_id)` claims
the row with its lease before sending, so a duplicate or redelivered message is
harmless, and a lost one makes the row due again when the queue lease runs out.
Dramatiq's own retries are off: the outbox schedules retries with its backoff.

Actors run in Dramatiq's worker threads; each hands the delivery to the worker
process's event loop (where the database engine and the gateways live) and waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import dramatiq
import structlog
from dramatiq.brokers.redis import RedisBroker

log = structlog.get_logger(__name__)

QUEUE = "notify"
ACTOR = "deliver_notice"


class NoticeQueue:
    """A Redis-backed queue of notice ids and the worker threads that deliver them."""

    def __init__(
        self,
        *,
        redis_url: str,
        namespace: str,
        deliver: Callable[[int], Coroutine[Any, Any, object]],
        loop: asyncio.AbstractEventLoop,
        threads: int,
        time_limit_s: float,
    ) -> None:
        self._deliver = deliver
        self._loop = loop
        self._threads = threads
        self._time_limit_s = time_limit_s
        self.broker = RedisBroker(url=redis_url, namespace=namespace)  # type: ignore[no-untyped-call]
        self._actor: dramatiq.Actor[[int], None] = dramatiq.Actor(
            self._run,
            broker=self.broker,
            actor_name=ACTOR,
            queue_name=QUEUE,
            priority=0,
            options={"max_retries": 0, "time_limit": int(time_limit_s * 1000)},
        )
        self._worker: dramatiq.Worker | None = None

    def _run(self, outbox_id: int) -> None:
        future = asyncio.run_coroutine_threadsafe(self._deliver(outbox_id), self._loop)
        future.result(timeout=self._time_limit_s)

    async def enqueue(self, outbox_id: int) -> None:
        # The Redis client is synchronous: keep it off the event loop.
        await asyncio.to_thread(self._actor.send, outbox_id)

    def start(self) -> None:
        self._worker = dramatiq.Worker(
            self.broker, queues={QUEUE}, worker_threads=self._threads, worker_timeout=200
        )
        self._worker.start()
        log.info("notify.queue_started", threads=self._threads)

    async def stop(self) -> None:
        """Finish the deliveries in hand (they need this event loop running), then close."""
        if self._worker is not None:
            await asyncio.to_thread(self._worker.stop, int(self._time_limit_s * 1000))
            self._worker = None
        await asyncio.to_thread(self.broker.close)
