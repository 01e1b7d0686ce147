"""SQL for the outbox and the subscribe consents. Every state change is conditional."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.notify.models import NoticeStatus, OutboxNotice, SmsPreference, SubscribeConsent

S = NoticeStatus


def _due(now: datetime) -> ColumnElement[bool]:
    """Pending and due, or held by a worker (or queue) whose lease ran out."""
    return or_(
        and_(OutboxNotice.status == S.PENDING, OutboxNotice.next_attempt_at <= now),
        and_(
            OutboxNotice.status.in_((S.QUEUED, S.SENDING)),
            OutboxNotice.lease_until < now,
        ),
    )


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0) == 1)


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def add_once(session: AsyncSession, notice: OutboxNotice, *, dedup_key: str) -> OutboxNotice:
    """Insert the notice unless one with its dedup key exists (then that one is returned).

    The unique key settles a race: the second insert waits for the first transaction and
    fails once it commits; only its savepoint is rolled back, the caller's change stands.
    """
    query = select(OutboxNotice).where(OutboxNotice.dedup_key == dedup_key)
    existing = await session.scalar(query)
    if existing is not None:
        return existing
    try:
        async with session.begin_nested():
            session.add(notice)
            await session.flush()
    except IntegrityError:
        existing = await session.scalar(query)
        if existing is None:  # not a duplicate after all: some other constraint
            raise
        return existing
    return notice


async def get(session: AsyncSession, notice_id: int) -> OutboxNotice | None:
    return await session.get(OutboxNotice, notice_id)


async def due_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[int]:
    rows = await session.scalars(
        select(OutboxNotice.id).where(_due(now)).order_by(OutboxNotice.id).limit(limit)
    )
    return list(rows.all())


async def claim(
    session: AsyncSession,
    notice_id: int,
    *,
    now: datetime,
    lease_until: datetime,
    from_queue: bool = False,
) -> bool:
    """Take one notice for one attempt; False when it is not due or another worker has it."""
    condition = _due(now)
    if from_queue:
        condition = or_(condition, OutboxNotice.status == S.QUEUED)
    result = await session.execute(
        update(OutboxNotice)
        .where(OutboxNotice.id == notice_id, condition)
        .values(status=S.SENDING, lease_until=lease_until, attempts=OutboxNotice.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def mark_queued(
    session: AsyncSession, notice_id: int, *, now: datetime, lease_until: datetime
) -> bool:
    """Hand a due notice to the job queue; a lost message makes it due again at lease_until."""
    result = await session.execute(
        update(OutboxNotice)
        .where(OutboxNotice.id == notice_id, _due(now))
        .values(status=S.QUEUED, lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def finish_attempt(
    session: AsyncSession, notice_id: int, *, attempt: int, **values: Any
) -> bool:
    """Record an attempt's outcome, only if this worker still holds that attempt."""
    result = await session.execute(
        update(OutboxNotice)
        .where(
            OutboxNotice.id == notice_id,
            OutboxNotice.status == S.SENDING,
            OutboxNotice.attempts == attempt,
        )
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


async def set_delivery_status(session: AsyncSession, *, msgid: int, status: str) -> bool:
    result = await session.execute(
        update(OutboxNotice)
        .where(OutboxNotice.wechat_msgid == msgid)
        .values(delivery_status=status[:48])
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def notices(
    session: AsyncSession, *, status: NoticeStatus | None, limit: int
) -> Sequence[OutboxNotice]:
    query = select(OutboxNotice).order_by(OutboxNotice.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxNotice.status == status)
    return (await session.scalars(query)).all()


async def revive(session: AsyncSession, *, now: datetime, notice_id: int | None) -> int:
    """Dead → pending, due now, with a fresh attempt budget (one notice or every dead one)."""
    query = update(OutboxNotice).where(OutboxNotice.status == S.DEAD)
    if notice_id is not None:
        query = query.where(OutboxNotice.id == notice_id)
    result = await session.execute(
        query.values(status=S.PENDING, next_attempt_at=now, attempts=0).execution_options(
            synchronize_session=False
        )
    )
    return int(getattr(result, "rowcount", 0))


async def consents_of(session: AsyncSession, openid: str) -> dict[str, int]:
    rows = await session.execute(
        select(SubscribeConsent.template_id, SubscribeConsent.remaining).where(
            SubscribeConsent.openid == openid
        )
    )
    return {str(template_id): int(remaining) for template_id, remaining in rows.all()}


async def add_consent(session: AsyncSession, *, openid: str, template_id: str, cap: int) -> int:
    """One more consent (at most `cap`); returns how many remain."""
    where = (SubscribeConsent.openid == openid, SubscribeConsent.template_id == template_id)
    bump = (
        update(SubscribeConsent)
        .where(*where)
        .values(
            remaining=case(
                (SubscribeConsent.remaining >= cap, cap), else_=SubscribeConsent.remaining + 1
            )
        )
        .execution_options(synchronize_session=False)
    )
    if not _changed(await session.execute(bump)):
        try:
            async with session.begin_nested():
                consent = SubscribeConsent(openid=openid, template_id=template_id, remaining=1)
                await add(session, consent)
        except IntegrityError:  # a concurrent report inserted it first
            await session.execute(bump)
    remaining = await session.scalar(select(SubscribeConsent.remaining).where(*where))
    return int(remaining or 0)


async def use_consent(session: AsyncSession, *, openid: str, template_id: str) -> None:
    await session.execute(
        update(SubscribeConsent)
        .where(
            SubscribeConsent.openid == openid,
            SubscribeConsent.template_id == template_id,
            SubscribeConsent.remaining > 0,
        )
        .values(remaining=SubscribeConsent.remaining - 1)
        .execution_options(synchronize_session=False)
    )


async def exhaust_consent(session: AsyncSession, *, openid: str, template_id: str) -> None:
    await session.execute(
        update(SubscribeConsent)
        .where(SubscribeConsent.openid == openid, SubscribeConsent.template_id == template_id)
        .values(remaining=0)
        .execution_options(synchronize_session=False)
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many notices are in each status (for the operators' metrics)."""
    rows = await session.execute(
        select(OutboxNotice.status, func.count()).group_by(OutboxNotice.status)
    )
    return {str(NoticeStatus(status).value): int(count) for status, count in rows.all()}


async def get_sms_preference(session: AsyncSession, account_id: int) -> SmsPreference | None:
    return await session.get(SmsPreference, account_id)


async def put_sms_preference(
    session: AsyncSession, *, account_id: int, deposit_sms: bool, withdrawal_sms: bool
) -> SmsPreference:
    """Insert or update the row (the row's primary key is the account)."""
    row = await session.get(SmsPreference, account_id)
    if row is None:
        row = SmsPreference(account_id=account_id)
        session.add(row)
    row.deposit_sms = deposit_sms
    row.withdrawal_sms = withdrawal_sms
    await session.flush()
    return row
