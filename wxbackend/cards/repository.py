"""SQL for bank cards."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards.models import BankCard, CardStatus


async def active_card(session: AsyncSession, account_id: int) -> BankCard | None:
    result = await session.scalars(
        select(BankCard).where(
            BankCard.account_id == account_id, BankCard.status == CardStatus.ACTIVE
        )
    )
    return result.first()


async def latest_card(session: AsyncSession, account_id: int) -> BankCard | None:
    """The active card if there is one, else the most recently bound card."""
    active_first = case((BankCard.status == CardStatus.ACTIVE, 0), else_=1)
    result = await session.scalars(
        select(BankCard)
        .where(BankCard.account_id == account_id)
        .order_by(active_first, BankCard.id.desc())
        .limit(1)
    )
    return result.first()


async def cards_with_hash(
    session: AsyncSession, *, account_id: int, card_no_hash: bytes
) -> list[BankCard]:
    result = await session.scalars(
        select(BankCard).where(
            BankCard.account_id == account_id, BankCard.card_no_hash == card_no_hash
        )
    )
    return list(result)


async def add_card(session: AsyncSession, card: BankCard) -> BankCard:
    session.add(card)
    await session.flush()
    return card


async def get_card(session: AsyncSession, card_id: int) -> BankCard | None:
    return await session.get(BankCard, card_id)


async def cards_of_account(session: AsyncSession, account_id: int) -> Sequence[BankCard]:
    result = await session.scalars(
        select(BankCard).where(BankCard.account_id == account_id).order_by(BankCard.id.desc())
    )
    return result.all()
