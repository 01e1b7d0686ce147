"""SQL for signings, bindings, credentials and the audit trail."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.bind.models import AuditEvent, Binding, Channel, Credential, Purpose, Signing


async def open_signing(
    session: AsyncSession, *, purpose: Purpose, channel: Channel, openid: str
) -> Signing | None:
    """The newest unfinished procedure of this purpose for this WeChat user."""
    return await session.scalar(
        select(Signing)
        .where(
            Signing.purpose == purpose,
            Signing.channel == channel,
            Signing.openid == openid,
            Signing.completed_at.is_(None),
        )
        .order_by(Signing.id.desc())
        .limit(1)
    )


async def add(session: AsyncSession, row: object) -> None:
    session.add(row)
    await session.flush()


async def binding_for_openid(
    session: AsyncSession, *, channel: Channel, openid: str
) -> Binding | None:
    return await session.scalar(
        select(Binding).where(Binding.channel == channel, Binding.openid == openid)
    )


async def bindings_for_account(session: AsyncSession, account_id: int) -> Sequence[Binding]:
    result = await session.scalars(select(Binding).where(Binding.account_id == account_id))
    return result.all()


async def remove_binding(session: AsyncSession, binding_id: int) -> None:
    await session.execute(delete(Binding).where(Binding.id == binding_id))
    await session.flush()


async def get_credential(session: AsyncSession, account_id: int) -> Credential | None:
    return await session.get(Credential, account_id)


async def credentials_for(
    session: AsyncSession, account_ids: Sequence[int]
) -> dict[int, Credential]:
    if not account_ids:
        return {}
    rows = await session.scalars(select(Credential).where(Credential.account_id.in_(account_ids)))
    return {c.account_id: c for c in rows}


async def audit_events(
    session: AsyncSession, *, openid: str | None = None, account_id: int | None = None
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if openid is not None:
        query = query.where(AuditEvent.openid == openid)
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    return (await session.scalars(query)).all()
