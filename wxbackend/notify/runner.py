"""The worker's notice pass: in-process (embedded) or through Dramatiq (Redis configured)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend.config import Settings
from wxbackend.gateways import Gateways, build_gateways
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
from wxbackend.store import create_store

log = structlog.get_logger(__name__)


def build_notifier(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    vault: Vault,
    gateways: Gateways,
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
    gateways: Gateways | None = None,
    use_queue: bool = True,
) -> AsyncIterator[NoticePass]:
    """Builds the gateways (unless given) and, with Redis and `use_queue`, the Dramatiq queue."""
    async with AsyncExitStack() as stack:
        if gateways is None:
            store = create_store(settings.store)
            stack.push_async_callback(store.close)
            gateways = build_gateways(settings, store)
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
