"""Notices: written by producers in their own transaction; consents; delivery reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import clock
from wxbackend.notify import repository as repo
from wxbackend.notify.kinds import LATE_REPLY, SECURITY_KINDS, UnknownNotice, complete_values
from wxbackend.notify.models import NoticeStatus, OutboxNotice

log = structlog.get_logger(__name__)


def _pending(kind: str, values: Mapping[str, str], **where: object) -> OutboxNotice:
    now = clock.now()
    return OutboxNotice(
        kind=kind,
        payload=complete_values(kind, values, at=now.isoformat()),
        status=NoticeStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        **where,
    )


async def enqueue_notice(
    session: AsyncSession,
    *,
    account_id: int,
    kind: str,
    values: Mapping[str, str],
    link_path: str | None = None,
    dedup_key: str | None = None,
) -> OutboxNotice:
    """Write a notice in the caller's transaction (only flushed): sent iff that commits.

    `values` are display values (see notify/kinds.py); masked numbers only. `link_path`
    is an H5 path such as "/h5/withdrawals/42", linked from the template message.
    `dedup_key` names the event (kind + the changed row and its version): when a notice
    with that key exists (a retried or replayed producer), it is returned and nothing is
    written.
    """
    notice = _pending(kind, values, account_id=account_id, link_path=link_path, dedup_key=dedup_key)
    if dedup_key is None:
        await repo.add(session, notice)
        return notice
    return await repo.add_once(session, notice, dedup_key=dedup_key)


async def enqueue_security_notice(
    session: AsyncSession,
    *,
    account_id: int,
    kind: str,
    values: Mapping[str, str],
    dedup_key: str,
    link_path: str | None = None,
) -> OutboxNotice:
    """A security notice (kinds.SECURITY_KINDS): once per event, SMS opt-out ignored.

    bind hands this to its context (bind may not import notify); cards, withdraw and the
    counter call it directly, each in the transaction of the change it reports.
    """
    if kind not in SECURITY_KINDS:
        raise UnknownNotice(f"{kind!r} is not a security notice")
    return await enqueue_notice(
        session,
        account_id=account_id,
        kind=kind,
        values=values,
        link_path=link_path,
        dedup_key=f"{kind}:{dedup_key}",
    )


async def enqueue_late_reply(session: AsyncSession, *, openid: str, text: str) -> OutboxNotice:
    """A customer-service text reply the callback could not send in time: retried here."""
    notice = _pending(LATE_REPLY, {"text": text}, account_id=None, openid=openid)
    await repo.add(session, notice)
    return notice


async def record_consents(
    session: AsyncSession,
    *,
    openid: str,
    template_ids: Iterable[str],
    known: frozenset[str],
    cap: int,
) -> dict[str, int]:
    """Each accepted one-time subscription adds one send; unknown template ids are ignored."""
    remaining: dict[str, int] = {}
    for template_id in dict.fromkeys(template_ids):
        if template_id in known:
            remaining[template_id] = await repo.add_consent(
                session, openid=openid, template_id=template_id, cap=cap
            )
    return remaining


async def record_delivery_status(session: AsyncSession, *, msgid: int, status: str) -> bool:
    """TEMPLATESENDJOBFINISH: success, failed:user block or failed: system failed."""
    found = await repo.set_delivery_status(session, msgid=msgid, status=status)
    log.info("notify.delivery_report", msgid=msgid, status=status, found=found)
    return found


async def list_notices(
    session: AsyncSession, *, status: NoticeStatus | None = None, limit: int = 50
) -> Sequence[OutboxNotice]:
    return await repo.notices(session, status=status, limit=limit)


async def retry_dead(
    session: AsyncSession, *, notice_id: int | None = None, now: datetime | None = None
) -> int:
    """Give dead notices (one, or all when notice_id is None) a fresh round of attempts."""
    return await repo.revive(session, now=now or clock.now(), notice_id=notice_id)


async def notices_by_status(session: AsyncSession) -> dict[str, int]:
    """How many notices are in each status (the operators' metrics)."""
    return await repo.count_by_status(session)


@dataclass(frozen=True, slots=True)
class SmsChoices:
    """Which notice SMS the holder takes (verification codes and security notices always)."""

    deposit: bool
    withdrawal: bool


async def sms_choices(session: AsyncSession, *, account_id: int) -> SmsChoices:
    row = await repo.get_sms_preference(session, account_id)
    if row is None:
        return SmsChoices(deposit=True, withdrawal=True)
    return SmsChoices(deposit=row.deposit_sms, withdrawal=row.withdrawal_sms)


async def set_sms_choices(
    session: AsyncSession, *, account_id: int, deposit: bool, withdrawal: bool
) -> SmsChoices:
    """Turn the holder's deposit and withdrawal SMS on or off (the worker reads it per send)."""
    await repo.put_sms_preference(
        session, account_id=account_id, deposit_sms=deposit, withdrawal_sms=withdrawal
    )
    return SmsChoices(deposit=deposit, withdrawal=withdrawal)


async def enqueue_password_locked(
    session: AsyncSession, *, account_id: int, unlock_at: str
) -> OutboxNotice:
    """Tell the holder their query password was locked (bind calls it through the app)."""
    return await enqueue_notice(
        session,
        account_id=account_id,
        kind="password_locked",
        values={"unlock_at": unlock_at},
        link_path="/h5/password/forgot",
    )
