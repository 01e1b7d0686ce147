"""The review queue: applications waiting for a decision, oldest first, with counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import clock
from wxbackend.fund import service as fund
from wxbackend.staff import claims, roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.claims import CaseState
from wxbackend.staff.roles import Capability
from wxbackend.withdraw import queries as withdrawals
from wxbackend.withdraw import views as withdraw_views
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook


@dataclass(frozen=True, slots=True)
class QueueRow:
    withdrawal: Withdrawal
    status_name: str
    holder_name: str
    account_no: str
    documents: int
    case: CaseState | None = None

    @property
    def waiting_days(self) -> int:
        return (clock.today_in_china() - self.withdrawal.applied_on).days


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: WithdrawalStatus = WithdrawalStatus.UNDER_REVIEW
    kind: str | None = None
    min_waiting_days: int | None = None
    min_amount: int | None = None  # fen
    max_amount: int | None = None  # fen


async def review_queue(
    session: AsyncSession,
    *,
    rules: RuleBook,
    staff: Staff,
    filters: QueueFilter | None = None,
    limit: int = 100,
) -> list[QueueRow]:
    """Oldest application first: the statutory decision deadline runs from applying."""
    roles.ensure(staff.role, Capability.REVIEW)
    f = filters or QueueFilter()
    waited = None
    if f.min_waiting_days:
        waited = clock.today_in_china() - timedelta(days=f.min_waiting_days)
    queue = await withdrawals.filtered_review_queue(
        session,
        status=f.status,
        kind=f.kind,
        applied_on_or_before=waited,
        min_amount=f.min_amount,
        max_amount=f.max_amount,
        limit=limit,
    )
    holders = await fund.accounts_by_ids(session, [w.account_id for w, _ in queue])
    cases = await claims.states_of(session, staff=staff, withdrawal_ids=[w.id for w, _ in queue])
    return [
        QueueRow(
            w,
            await withdraw_views.status_name(session, rules, w),
            holders[w.account_id].name_masked,
            holders[w.account_id].account_no,
            documents,
            cases[w.id],
        )
        for w, documents in queue
    ]


async def queue_counts(session: AsyncSession, *, staff: Staff) -> dict[str, int]:
    """How many applications are in each state (the queue's tabs)."""
    roles.ensure(staff.role, Capability.REVIEW)
    return await withdrawals.withdrawals_by_status(session)
