"""SQL of the staff side's reads: the desk's review queue, stuck payouts, counts by status."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.withdraw.models import Withdrawal, WithdrawalDocument, WithdrawalStatus


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many withdrawals are in each status (for the operators' metrics)."""
    rows = await session.execute(
        select(Withdrawal.status, func.count()).group_by(Withdrawal.status)
    )
    return {str(WithdrawalStatus(status).value): int(count) for status, count in rows.all()}


async def filtered_queue(
    session: AsyncSession,
    *,
    status: WithdrawalStatus,
    kind: str | None,
    applied_on_or_before: date | None,
    min_amount: int | None,
    max_amount: int | None,
    limit: int,
) -> list[tuple[Withdrawal, int]]:
    """The desk's queue: one state, optional kind / waiting / amount bounds, oldest first."""
    documents = (
        select(func.count(WithdrawalDocument.id))
        .where(WithdrawalDocument.withdrawal_id == Withdrawal.id)
        .correlate(Withdrawal)
        .scalar_subquery()
    )
    query = select(Withdrawal, documents).where(Withdrawal.status == status)
    if kind:
        query = query.where(Withdrawal.kind == kind)
    if applied_on_or_before is not None:
        query = query.where(Withdrawal.applied_on <= applied_on_or_before)
    if min_amount is not None:
        query = query.where(Withdrawal.amount >= min_amount)
    if max_amount is not None:
        query = query.where(Withdrawal.amount <= max_amount)
    rows = await session.execute(query.order_by(Withdrawal.applied_on, Withdrawal.id).limit(limit))
    return [(w, int(count)) for w, count in rows.all()]


async def stuck_payouts(
    session: AsyncSession, *, updated_before: datetime, limit: int
) -> Sequence[Withdrawal]:
    """Handed to the bank and not settled: paying with an error, or untouched for long."""
    result = await session.scalars(
        select(Withdrawal)
        .where(
            Withdrawal.status == WithdrawalStatus.PAYING,
            or_(Withdrawal.last_payout_error.is_not(None), Withdrawal.updated_at < updated_before),
        )
        .order_by(Withdrawal.updated_at)
        .limit(limit)
    )
    return result.all()
