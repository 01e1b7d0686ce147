"""SQL for deposit certificates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.certificates.models import DepositCertificate


async def add(session: AsyncSession, row: DepositCertificate) -> DepositCertificate:
    session.add(row)
    await session.flush()
    return row


async def by_code_hash(session: AsyncSession, code_hash: str) -> DepositCertificate | None:
    return await session.scalar(
        select(DepositCertificate).where(DepositCertificate.code_hash == code_hash)
    )


async def of_account(
    session: AsyncSession, *, account_id: int, certificate_id: int
) -> DepositCertificate | None:
    return await session.scalar(
        select(DepositCertificate).where(
            DepositCertificate.id == certificate_id, DepositCertificate.account_id == account_id
        )
    )


async def issued_on(session: AsyncSession, *, account_id: int, day: date) -> int:
    count = await session.scalar(
        select(func.count()).where(
            DepositCertificate.account_id == account_id, DepositCertificate.issued_on == day
        )
    )
    return int(count or 0)


async def revoke(session: AsyncSession, code_hash: str, *, at: datetime, reason: str) -> bool:
    result = await session.execute(
        update(DepositCertificate)
        .where(DepositCertificate.code_hash == code_hash, DepositCertificate.revoked_at.is_(None))
        .values(revoked_at=at, revoked_reason=reason)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
