"""Payouts that need more than a retry: waiting for a new card, parked for an operator.

- awaiting_card: the bank refused the card. The money stays debited; once the holder's
  active card is another one, the same withdrawal goes back to `approved` with a new
  bank reference (`payout_round`) and is paid once.
- parked: the outcome stayed unknown after every attempt. An operator (the CLI
  `wxbackend payouts`, the staff API) asks the bank again: paid, refused, never received
  (paid again), or still unknown (stays parked).
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend import clock, metrics
from wxbackend.cards import service as cards
from wxbackend.db import session_scope
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.service import SYSTEM, record

log = structlog.get_logger(__name__)
S = WithdrawalStatus
PARKED_NOTE = "多次查询仍未获得银行结果，已转人工核实"


async def resume_with_new_cards(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    """Withdrawals waiting for a card whose holder has bound another: back to be paid."""
    resumed = []
    async with session_scope(sessionmaker) as session:
        for withdrawal in await repo.withdrawals_in(session, S.AWAITING_CARD):
            card = await cards.active_card(session, withdrawal.account_id)
            if card is None or card.id == withdrawal.card_id:
                continue
            moved = await repo.move(
                session,
                withdrawal.id,
                from_statuses=(S.AWAITING_CARD,),
                to=S.APPROVED,
                card_id=card.id,
                payout_round=withdrawal.payout_round + 1,
                payout_attempts=0,
                payout_lease_until=None,
                last_payout_error=None,
                reason=None,
            )
            if moved:
                await record(
                    session,
                    withdrawal.id,
                    from_status=S.AWAITING_CARD,
                    to=S.APPROVED,
                    actor=SYSTEM,
                    note=f"已更换收款卡{card.masked}，重新支付",
                )
                resumed.append(withdrawal.id)
    return resumed


async def park(session: AsyncSession, withdrawal_id: int, *, attempts: int) -> None:
    """Stop asking: an operator decides. Logged as an error and counted (the alert)."""
    if not await repo.move(
        session,
        withdrawal_id,
        from_statuses=(S.PAYING,),
        to=S.PARKED,
        last_payout_error=PARKED_NOTE,
    ):
        return
    await record(
        session, withdrawal_id, from_status=S.PAYING, to=S.PARKED, actor=SYSTEM, note=PARKED_NOTE
    )
    metrics.PAYOUTS_PARKED.inc()
    log.error("payout.parked", withdrawal_id=withdrawal_id, attempts=attempts)


async def parked_payouts(session: AsyncSession) -> list[Withdrawal]:
    """Every parked withdrawal, oldest first (the operators' list)."""
    return list(await repo.withdrawals_in(session, S.PARKED))


async def unpark(session: AsyncSession, withdrawal_id: int, *, actor: str) -> bool:
    """Take a parked withdrawal back for one more query of the bank, now."""
    moved = await repo.move(
        session,
        withdrawal_id,
        from_statuses=(S.PARKED,),
        to=S.PAYING,
        payout_lease_until=clock.now(),  # due at the worker's next pass
    )
    if moved:
        await record(
            session,
            withdrawal_id,
            from_status=S.PARKED,
            to=S.PAYING,
            actor=actor,
            note="人工发起重新查询",
        )
    return moved
