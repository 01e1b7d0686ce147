"""SQL for withdrawals, their events and documents, and idempotency records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from wxbackend.clock import CHINA_TZ
from wxbackend.withdraw.models import (
    OPEN_STATUSES,
    IdempotencyRecord,
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)

# A closing withdrawal in one of these was never filed as far as "once ever" goes.
_NOT_FILED = (WithdrawalStatus.REJECTED, WithdrawalStatus.CANCELLED, WithdrawalStatus.FAILED)


async def get_withdrawal(session: AsyncSession, withdrawal_id: int) -> Withdrawal | None:
    return await session.get(Withdrawal, withdrawal_id)


async def withdrawal_of_account(
    session: AsyncSession, *, withdrawal_id: int, account_id: int
) -> Withdrawal | None:
    """Only when it belongs to that account: the ownership check is part of the query."""
    return await session.scalar(
        select(Withdrawal).where(
            Withdrawal.id == withdrawal_id, Withdrawal.account_id == account_id
        )
    )


async def withdrawals_of_account(
    session: AsyncSession, account_id: int, *, limit: int = 20
) -> Sequence[Withdrawal]:
    result = await session.scalars(
        select(Withdrawal)
        .where(Withdrawal.account_id == account_id)
        .order_by(Withdrawal.id.desc())
        .limit(limit)
    )
    return result.all()


async def withdrawals_page(
    session: AsyncSession, *, account_id: int, offset: int, limit: int
) -> tuple[int, Sequence[Withdrawal]]:
    """(how many the account has, one page of them newest first)."""
    total = await session.scalar(
        select(func.count()).select_from(Withdrawal).where(Withdrawal.account_id == account_id)
    )
    result = await session.scalars(
        select(Withdrawal)
        .where(Withdrawal.account_id == account_id)
        .order_by(Withdrawal.applied_on.desc(), Withdrawal.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return int(total or 0), result.all()


async def open_kinds(session: AsyncSession, account_id: int) -> frozenset[str]:
    """Kinds of the account's applications still open."""
    rows = await session.scalars(
        select(Withdrawal.kind)
        .where(Withdrawal.account_id == account_id, Withdrawal.status.in_(OPEN_STATUSES))
        .distinct()
    )
    return frozenset(rows.all())


async def last_paid_by_kind(session: AsyncSession, account_id: int) -> dict[str, date]:
    """kind -> the day (China time) its latest paid withdrawal was paid."""
    rows = await session.execute(
        select(Withdrawal.kind, func.max(Withdrawal.paid_at))
        .where(Withdrawal.account_id == account_id, Withdrawal.status == WithdrawalStatus.PAID)
        .group_by(Withdrawal.kind)
    )
    return {
        kind: paid.astimezone(CHINA_TZ).date()
        for kind, paid in rows.all()
        if isinstance(paid, datetime)
    }


async def closing_filed(session: AsyncSession, account_id: int) -> bool:
    found = await session.scalar(
        select(Withdrawal.id)
        .where(
            Withdrawal.account_id == account_id,
            Withdrawal.closes_account.is_(True),
            Withdrawal.status.not_in(_NOT_FILED),
        )
        .limit(1)
    )
    return found is not None


async def move(
    session: AsyncSession,
    withdrawal_id: int,
    *,
    from_statuses: Sequence[WithdrawalStatus],
    to: WithdrawalStatus,
    **values: Any,
) -> bool:
    """Conditional state change: only from one of `from_statuses`. True when it happened."""
    result = await session.execute(
        update(Withdrawal)
        .where(Withdrawal.id == withdrawal_id, Withdrawal.status.in_(from_statuses))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def claim_for_payout(
    session: AsyncSession, withdrawal_id: int, *, now: datetime, lease_until: datetime
) -> bool:
    """Take an approved withdrawal (or a paying one whose worker died) for one attempt."""
    result = await session.execute(
        update(Withdrawal)
        .where(
            Withdrawal.id == withdrawal_id,
            or_(
                Withdrawal.status == WithdrawalStatus.APPROVED,
                and_(
                    Withdrawal.status == WithdrawalStatus.PAYING,
                    Withdrawal.payout_lease_until < now,
                ),
            ),
        )
        .values(
            status=WithdrawalStatus.PAYING,
            payout_lease_until=lease_until,
            payout_attempts=Withdrawal.payout_attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def payout_candidates(session: AsyncSession, *, now: datetime, limit: int) -> list[int]:
    rows = await session.scalars(
        select(Withdrawal.id)
        .where(
            or_(
                Withdrawal.status == WithdrawalStatus.APPROVED,
                and_(
                    Withdrawal.status == WithdrawalStatus.PAYING,
                    Withdrawal.payout_lease_until < now,
                ),
            )
        )
        .order_by(Withdrawal.id)
        .limit(limit)
    )
    return list(rows.all())


async def withdrawals_in(
    session: AsyncSession, status: WithdrawalStatus, *, limit: int = 200
) -> Sequence[Withdrawal]:
    result = await session.scalars(
        select(Withdrawal).where(Withdrawal.status == status).order_by(Withdrawal.id).limit(limit)
    )
    return result.all()


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def delete(session: AsyncSession, row: object) -> None:
    await session.delete(row)
    await session.flush()


async def events_of(session: AsyncSession, withdrawal_id: int) -> Sequence[WithdrawalEvent]:
    result = await session.scalars(
        select(WithdrawalEvent)
        .where(WithdrawalEvent.withdrawal_id == withdrawal_id)
        .order_by(WithdrawalEvent.at, WithdrawalEvent.id)
    )
    return result.all()


async def document_kinds(session: AsyncSession, withdrawal_id: int) -> set[str]:
    rows = await session.scalars(
        select(WithdrawalDocument.kind).where(WithdrawalDocument.withdrawal_id == withdrawal_id)
    )
    return set(rows.all())


async def documents_of(session: AsyncSession, withdrawal_id: int) -> Sequence[WithdrawalDocument]:
    """The document list without the files' bytes."""
    result = await session.scalars(
        select(WithdrawalDocument)
        .options(defer(WithdrawalDocument.content, raiseload=True))
        .where(WithdrawalDocument.withdrawal_id == withdrawal_id)
        .order_by(WithdrawalDocument.id)
    )
    return result.all()


async def document_of(
    session: AsyncSession, *, withdrawal_id: int, document_id: int
) -> WithdrawalDocument | None:
    """Only when it belongs to that withdrawal: the ownership check is part of the query."""
    return await session.scalar(
        select(WithdrawalDocument).where(
            WithdrawalDocument.id == document_id,
            WithdrawalDocument.withdrawal_id == withdrawal_id,
        )
    )


async def idempotency_record(
    session: AsyncSession, *, scope: str, key: str
) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )


async def withdrawals_to_reconcile(
    session: AsyncSession, *, paid_from: datetime, paid_to: datetime, ids: set[int]
) -> Sequence[Withdrawal]:
    """Paid in [paid_from, paid_to), or named by the bank's statement (whatever their state)."""
    paid_in_window = and_(
        Withdrawal.status == WithdrawalStatus.PAID,
        Withdrawal.paid_at >= paid_from,
        Withdrawal.paid_at < paid_to,
    )
    condition = or_(paid_in_window, Withdrawal.id.in_(ids)) if ids else paid_in_window
    result = await session.scalars(select(Withdrawal).where(condition).order_by(Withdrawal.id))
    return result.all()
