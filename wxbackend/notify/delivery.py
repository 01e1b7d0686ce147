"""Delivering due notices exactly once per attempt, with several workers at once.

Each attempt claims the row (status sending, attempts + 1, a lease) in a transaction
committed before anything is sent, so no other worker can take it; the outcome is then
recorded only if this worker still holds that attempt. A worker that dies mid-send
leaves the row `sending` until its lease runs out; the next attempt re-sends with the
same client_msg_id, which WeChat answers with the first msgid instead of a second message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend import clock
from wxbackend.bind import binding as bindings
from wxbackend.config_features import NotifySettings
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.notify import repository as repo
from wxbackend.notify.channels import (
    NO_CONSENT,
    ChannelResult,
    Notice,
    Outcome,
    Recipient,
    Senders,
    send_best,
)
from wxbackend.notify.models import NoticeChannel, NoticeStatus
from wxbackend.notify.templates import TemplateBook
from wxbackend.security.pii import Vault

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Notifier:
    """Everything a delivery needs, built once per worker."""

    sessionmaker: async_sessionmaker[AsyncSession]
    senders: Senders
    vault: Vault
    templates: TemplateBook
    settings: NotifySettings

    def retry_delay(self, attempt: int) -> timedelta:
        schedule = self.settings.retry_schedule_s or [60.0]
        return timedelta(seconds=schedule[min(attempt, len(schedule)) - 1])


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.dead += other.dead


async def _recipient(
    session: AsyncSession, vault: Vault, account_id: int | None, openid: str | None
) -> Recipient:
    if account_id is None:
        # A late callback reply: to the follower who wrote, on the official account.
        return Recipient(oa_openid=openid)
    oa_openid = mp_openid = None
    for binding in await bindings.bindings_of_account(session, account_id):
        if binding.channel is Channel.OFFICIAL_ACCOUNT:
            oa_openid = binding.openid
        elif binding.channel is Channel.MINI_PROGRAM:
            mp_openid = binding.openid
    account = await fund.get_account(session, account_id)
    preference = await repo.get_sms_preference(session, account_id)
    sms_off: set[str] = set()
    if preference is not None:
        if not preference.deposit_sms:
            sms_off.add("deposit")
        if not preference.withdrawal_sms:
            sms_off.add("withdrawal")
    return Recipient(
        oa_openid=oa_openid,
        mp_openid=mp_openid,
        consents=await repo.consents_of(session, mp_openid) if mp_openid else {},
        mobile=fund.reveal_mobile(vault, account) if account is not None else None,
        sms_off=frozenset(sms_off),
    )


async def deliver_one(
    notifier: Notifier, notice_id: int, *, now: datetime | None = None, from_queue: bool = False
) -> NoticeStatus | None:
    """One attempt at one notice; None when it is not due or another worker holds it."""
    now = now or clock.now()
    lease_until = now + timedelta(seconds=notifier.settings.lease_s)
    async with session_scope(notifier.sessionmaker) as session:
        if not await repo.claim(
            session, notice_id, now=now, lease_until=lease_until, from_queue=from_queue
        ):
            return None
        row = await repo.get(session, notice_id)
        assert row is not None  # noqa: S101 - just claimed in this transaction
        notice = Notice(row.id, row.kind, dict(row.payload), row.link_path, row.attempts)
        recipient = await _recipient(session, notifier.vault, row.account_id, row.openid)
    results = await send_best(
        notifier.senders, notice, notifier.templates.for_kind(notice.kind), recipient
    )
    async with session_scope(notifier.sessionmaker) as session:
        return await _record(session, notifier, notice, recipient, results, now=now)


async def _record(
    session: AsyncSession,
    notifier: Notifier,
    notice: Notice,
    recipient: Recipient,
    results: list[ChannelResult],
    *,
    now: datetime,
) -> NoticeStatus | None:
    last = results[-1] if results else None
    status = _next_status(notifier, notice, last)
    values: dict[str, object] = {"status": status}
    if last is not None:
        values["channel"] = last.channel
    if last is not None and last.outcome is Outcome.SENT:
        values.update(sent_at=clock.now(), last_error=None, wechat_msgid=last.msgid)
    else:
        errors = (
            "; ".join(r.detail for r in results) or "没有可用的通知渠道（未绑定、未订阅且无手机号）"
        )
        values["last_error"] = errors[:300]
        if status is NoticeStatus.PENDING:
            values["next_attempt_at"] = now + notifier.retry_delay(notice.attempt)
    if not await repo.finish_attempt(session, notice.id, attempt=notice.attempt, **values):
        # Our lease ran out and another worker took the notice over: its record wins.
        log.warning("notify.lease_lost", notice_id=notice.id, attempt=notice.attempt)
        return None
    for result in results:
        if result.channel is not NoticeChannel.SUBSCRIBE or not recipient.mp_openid:
            continue
        template_id = result.consent_template or ""
        if result.outcome is Outcome.SENT:
            await repo.use_consent(session, openid=recipient.mp_openid, template_id=template_id)
        elif result.errcode == NO_CONSENT:
            await repo.exhaust_consent(session, openid=recipient.mp_openid, template_id=template_id)
    log.info("notify.attempt", notice_id=notice.id, attempt=notice.attempt, status=status.value)
    return status


def _next_status(notifier: Notifier, notice: Notice, last: ChannelResult | None) -> NoticeStatus:
    if last is not None and last.outcome is Outcome.SENT:
        return NoticeStatus.SENT
    if last is None or last.outcome is Outcome.SKIPPED:
        return NoticeStatus.DEAD  # every channel refused for good: retrying changes nothing
    if notice.attempt >= notifier.settings.max_attempts:
        return NoticeStatus.DEAD
    return NoticeStatus.PENDING


async def due_notices(notifier: Notifier, *, now: datetime) -> list[int]:
    async with session_scope(notifier.sessionmaker) as session:
        return await repo.due_ids(session, now=now, limit=notifier.settings.batch)


async def deliver_due(notifier: Notifier, *, now: datetime | None = None) -> DeliveryReport:
    """One pass over what is due, delivered in this process."""
    now = now or clock.now()
    report = DeliveryReport()
    for notice_id in await due_notices(notifier, now=now):
        status = await deliver_one(notifier, notice_id, now=now)
        if status is NoticeStatus.SENT:
            report.sent.append(notice_id)
        elif status is NoticeStatus.PENDING:
            report.retrying.append(notice_id)
        elif status is NoticeStatus.DEAD:
            report.dead.append(notice_id)
    return report


async def dispatch_due(
    notifier: Notifier,
    enqueue: Callable[[int], Awaitable[None]],
    *,
    now: datetime | None = None,
) -> list[int]:
    """Hand what is due to the job queue (Redis mode); the actor claims each one."""
    now = now or clock.now()
    lease_until = now + timedelta(seconds=notifier.settings.lease_s)
    queued: list[int] = []
    for notice_id in await due_notices(notifier, now=now):
        async with session_scope(notifier.sessionmaker) as session:
            if not await repo.mark_queued(session, notice_id, now=now, lease_until=lease_until):
                continue
        await enqueue(notice_id)
        queued.append(notice_id)
    return queued
