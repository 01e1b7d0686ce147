"""The worker's notice pass: in-process (embedded) or through Dramatiq (Redis configured)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend.config import Settings
from wxbackend.notify.channels import Senders
from wxbackend.notify.delivery import (
    DeliveryReport,
    Notifier,
    deliver_due,
    deliver_one,
    dispatch_due,
)
from wxbackend.notify.jobs import NoticeQueue
from wxbackend.notify.templates import load_templates
from wxbackend.security.pii import Vault
from wxbackend.sms import SmsSender
from wxbackend.wechat.gateway import MiniProgramApi, OfficialAccountApi

log = structlog.get_logger(__name__)


class NoticeGateways(Protocol):
    """The gateways a notice goes out through (`wxbackend.gateways.Gateways` has them)."""

    wechat_oa: OfficialAccountApi
    wechat_mp: MiniProgramApi
    sms: SmsSender


def build_notifier(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    gateways: NoticeGateways,
) -> Notifier:
    return Notifier(
        sessionmaker=sessionmaker,
        senders=Senders(
            oa=gateways.wechat_oa,
            mp=gateways.wechat_mp,
            sms=gateways.sms,
            public_base_url=settings.server.public_base_url.rstrip("/"),
            mp_app_id=settings.wechat.mp.app_id,
        ),
        vault=vault,
        templates=load_templates(settings.notify.templates_file),
        settings=settings.notify,
    )


@dataclass
class NoticePass:
    """One call per worker loop: deliver what is due, or hand it to the queue."""

    notifier: Notifier
    queue: NoticeQueue | None = None

    async def run(self) -> DeliveryReport | list[int]:
        """Never raises: a notice problem must not stop the worker's other duties."""
        try:
            if self.queue is None:
                report = await deliver_due(self.notifier)
                if report.sent or report.retrying or report.dead:
                    log.info(
                        "worker.notices",
                        sent=len(report.sent),
                        retrying=len(report.retrying),
                        dead=len(report.dead),
                    )
                return report
            return await dispatch_due(self.notifier, self.queue.enqueue)
        except Exception:
            log.exception("worker.notices_failed")
            return DeliveryReport()


@asynccontextmanager
async def notice_pass(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    gateways: NoticeGateways,
    use_queue: bool = True,
) -> AsyncIterator[NoticePass]:
    """The notifier and, with Redis and `use_queue`, the Dramatiq queue that delivers."""
    async with AsyncExitStack() as stack:
        notifier = build_notifier(
            settings, sessionmaker=sessionmaker, vault=vault, gateways=gateways
        )
        queue = None
        if use_queue and settings.store.redis_url:
            queue = NoticeQueue(
                redis_url=settings.store.redis_url,
                namespace=f"{settings.store.key_prefix}dramatiq",
                deliver=lambda notice_id: deliver_one(notifier, notice_id, from_queue=True),
                loop=asyncio.get_running_loop(),
                threads=settings.notify.job_threads,
                time_limit_s=settings.notify.lease_s,
            )
            queue.start()
            stack.push_async_callback(queue.stop)
        yield NoticePass(notifier, queue)
