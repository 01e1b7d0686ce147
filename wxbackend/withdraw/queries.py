"""The withdrawals a caller may see, and the reads the staff desk and the metrics ask for.

A depositor's reads are scoped to their account (`own_withdrawal`); the unscoped ones
(`get_withdrawal`, the queue, stuck payouts) are for staff and operators only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards import service as cards
from wxbackend.cards.models import BankCard
from wxbackend.withdraw import queue_repository
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.errors import WithdrawalNotFound
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)


async def own_withdrawal(
    session: AsyncSession, *, withdrawal_id: int, account_id: int
) -> Withdrawal:
    found = await repo.withdrawal_of_account(
        session, withdrawal_id=withdrawal_id, account_id=account_id
    )
    if found is None:
        raise WithdrawalNotFound()
    return found


async def find_own_withdrawal(
    session: AsyncSession, *, withdrawal_id: int, account_id: int
) -> Withdrawal | None:
    """The withdrawal only when it belongs to that account."""
    return await repo.withdrawal_of_account(
        session, withdrawal_id=withdrawal_id, account_id=account_id
    )


async def withdrawals_page(
    session: AsyncSession, *, account_id: int, offset: int, limit: int
) -> tuple[int, list[Withdrawal]]:
    total, rows = await repo.withdrawals_page(
        session, account_id=account_id, offset=offset, limit=limit
    )
    return total, list(rows)


async def history(session: AsyncSession, withdrawal: Withdrawal) -> list[WithdrawalEvent]:
    """Every state change of the withdrawal, oldest first."""
    return list(await repo.events_of(session, withdrawal.id))


async def get_withdrawal(session: AsyncSession, withdrawal_id: int) -> Withdrawal | None:
    """Any withdrawal by id: for the staff desk, never for a depositor's request."""
    return await repo.get_withdrawal(session, withdrawal_id)


async def card_of(session: AsyncSession, withdrawal: Withdrawal) -> BankCard | None:
    """The card paid; None for a loan repayment (冲还贷)."""
    if withdrawal.card_id is None:
        return None
    return await cards.get_card(session, withdrawal.card_id)


async def documents(session: AsyncSession, withdrawal: Withdrawal) -> list[WithdrawalDocument]:
    return list(await repo.documents_of(session, withdrawal.id))


async def document(
    session: AsyncSession, withdrawal: Withdrawal, document_id: int
) -> WithdrawalDocument | None:
    return await repo.document_of(session, withdrawal_id=withdrawal.id, document_id=document_id)


async def withdrawals_of(session: AsyncSession, *, account_id: int) -> list[Withdrawal]:
    return list(await repo.withdrawals_of_account(session, account_id))


async def withdrawals_by_status(session: AsyncSession) -> dict[str, int]:
    """How many withdrawals (payouts) are in each status (the operators' metrics)."""
    return await queue_repository.count_by_status(session)


async def filtered_review_queue(
    session: AsyncSession,
    *,
    status: WithdrawalStatus,
    kind: str | None = None,
    applied_on_or_before: date | None = None,
    min_amount: int | None = None,
    max_amount: int | None = None,
    limit: int = 200,
) -> list[tuple[Withdrawal, int]]:
    """The staff desk's queue with its filters, oldest first, with document counts."""
    return await queue_repository.filtered_queue(
        session,
        status=status,
        kind=kind,
        applied_on_or_before=applied_on_or_before,
        min_amount=min_amount,
        max_amount=max_amount,
        limit=limit,
    )


async def stuck_payouts(
    session: AsyncSession, *, updated_before: datetime, limit: int = 100
) -> list[Withdrawal]:
    """Payouts the bank has not settled: for the operators' "query the bank now"."""
    return list(
        await queue_repository.stuck_payouts(session, updated_before=updated_before, limit=limit)
    )
