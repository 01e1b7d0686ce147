"""Replies that missed WeChat's deadline: sent as customer-service messages, and when
that fails queued in the outbox for the worker to retry (`wxbackend outbox`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog

from wxbackend import metrics
from wxbackend.callback.deliveries import DeliveryRecords, best_effort
from wxbackend.db import session_scope
from wxbackend.handlers.messages import InboundMessage, Reply, reply_as_text
from wxbackend.handlers.registry import HandlerContext
from wxbackend.notify import service as notify
from wxbackend.wechat.gateway import OfficialAccountApi

log = structlog.get_logger(__name__)

OutboxSource = Callable[[], OfficialAccountApi | None]


async def defer_and_send(
    task: asyncio.Task[Reply | None],
    message: InboundMessage,
    ctx: HandlerContext,
    records: DeliveryRecords,
    outbox: OutboxSource,
    *,
    grace_s: float,
) -> None:
    """Mark the delivery deferred (so a resend is not answered twice), then send later."""
    await best_effort(grace_s, records.defer(message.delivery_key), step="defer")
    await send_later(task, message, ctx, outbox)


async def send_later(
    task: asyncio.Task[Reply | None],
    message: InboundMessage,
    ctx: HandlerContext,
    outbox: OutboxSource,
) -> None:
    reply = await task
    if reply is None:
        return
    text = reply_as_text(reply)
    api = outbox()
    try:
        if api is None:
            raise RuntimeError("no official-account gateway")
        await api.send_text(message.openid, text)
    except Exception as exc:
        log.warning("callback.late_reply_failed", msg_type=message.msg_type, error=repr(exc))
        await queue_late_reply(message, ctx, text)
    else:
        log.info("callback.late_reply_sent", msg_type=message.msg_type)
        metrics.LATE_REPLIES.labels(outcome="sent").inc()


async def queue_late_reply(message: InboundMessage, ctx: HandlerContext, text: str) -> None:
    """Into the outbox: the worker retries it like any notice (`wxbackend outbox`)."""
    if ctx.sessionmaker is None:
        log.error("callback.late_reply_dropped", reason="no database")
        return
    try:
        async with session_scope(ctx.sessionmaker) as session:
            await notify.enqueue_late_reply(session, openid=message.openid, text=text)
    except Exception:
        log.exception("callback.late_reply_dropped", msg_type=message.msg_type)
    else:
        log.info("callback.late_reply_queued", msg_type=message.msg_type)
        metrics.LATE_REPLIES.labels(outcome="queued").inc()
