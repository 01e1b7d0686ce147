"""SQL for staff users and the review desk's reads (withdrawal rows, documents)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from wxbackend.fund.models import FundAccount
from wxbackend.withdraw.models import (
    StaffUser,
    Withdrawal,
    WithdrawalDocument,
    WithdrawalStatus,
)


@dataclass(frozen=True, slots=True)
class QueueRow:
    withdrawal: Withdrawal
    holder_name: str
    account_no: str
    documents: int


async def staff_by_username(session: AsyncSession, username: str) -> StaffUser | None:
    return await session.scalar(select(StaffUser).where(StaffUser.username == username))


async def get_staff(session: AsyncSession, staff_id: int) -> StaffUser | None:
    return await session.get(StaffUser, staff_id)


async def all_staff(session: AsyncSession) -> Sequence[StaffUser]:
    result = await session.scalars(select(StaffUser).order_by(StaffUser.username))
    return result.all()


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def withdrawals_by_status(
    session: AsyncSession, status: WithdrawalStatus, *, limit: int
) -> list[QueueRow]:
    """Oldest first, with the holder's name and account number and the document count."""
    documents = (
        select(func.count(WithdrawalDocument.id))
        .where(WithdrawalDocument.withdrawal_id == Withdrawal.id)
        .correlate(Withdrawal)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Withdrawal, FundAccount.name, FundAccount.account_no, documents)
        .join(FundAccount, FundAccount.id == Withdrawal.account_id)
        .where(Withdrawal.status == status)
        .order_by(Withdrawal.applied_on, Withdrawal.id)
        .limit(limit)
    )
    return [QueueRow(w, name, account_no, count) for w, name, account_no, count in rows.all()]


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
