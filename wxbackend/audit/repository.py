"""SQL for reading the audit trail (writes go through AuditTrail)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.models import AuditEvent


async def search(
    session: AsyncSession,
    *,
    staff_actor: str | None,
    account_id: int | None,
    action: str | None,
    since: datetime | None,
    before: datetime | None,
    limit: int,
) -> Sequence[AuditEvent]:
    query = select(AuditEvent)
    if staff_actor:
        query = query.where(AuditEvent.staff_actor == staff_actor)
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.occurred_at >= since)
    if before is not None:
        query = query.where(AuditEvent.occurred_at < before)
    rows = await session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit))
    return rows.all()
