"""Who works on a case: a reviewer who opens a case holds it, so no two decide it at once.

The hold is a lease on the `review_case` row (taken atomically, see repository.take_case):
it lasts as long as a desk session's idle timeout and is renewed each time the holder
opens the case again. Deciding needs the live hold, checked under a row lock in the
deciding transaction; the decision then frees the row. A reviewer whose case is above
their limit refers it to a supervisor, which frees the hold and marks the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import clock
from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.staff import repository as repo
from wxbackend.staff import roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.errors import CaseHeld, CaseNotHeld
from wxbackend.staff.models import ReviewCase
from wxbackend.staff.roles import Capability
from wxbackend.staff.sessions import IDLE_S

HOLD_S = IDLE_S


@dataclass(frozen=True, slots=True)
class CaseState:
    """Who holds a case now (None: nobody) and who referred it to a supervisor."""

    holder: str | None
    held_until: datetime | None
    escalated_by: str | None
    mine: bool


async def take(
    session: AsyncSession, *, staff: Staff, withdrawal_id: int, hold_s: int = HOLD_S
) -> None:
    """Hold the case for `staff`, or refuse with who holds it."""
    roles.ensure(staff.role, Capability.REVIEW)
    now = clock.now()
    until = now + timedelta(seconds=hold_s)
    if await repo.take_case(
        session, withdrawal_id=withdrawal_id, staff_id=staff.id, now=now, until=until
    ):
        return
    holder = await state(session, staff=staff, withdrawal_id=withdrawal_id)
    who = holder.holder or "其他审核人员"
    raise CaseHeld(f"该申请正由 {who} 处理，请稍后再试或另选一件。")


async def ensure_held(session: AsyncSession, *, staff: Staff, withdrawal_id: int) -> ReviewCase:
    """The case row, locked for this transaction, if `staff` holds it now."""
    found = await repo.held_case(
        session, withdrawal_id=withdrawal_id, staff_id=staff.id, now=clock.now()
    )
    if found is None:
        raise CaseNotHeld()
    return found


async def take_for_decision(session: AsyncSession, *, staff: Staff, withdrawal_id: int) -> None:
    """Take (or renew) the hold and lock it: the API decides without opening a page first."""
    await take(session, staff=staff, withdrawal_id=withdrawal_id)
    await ensure_held(session, staff=staff, withdrawal_id=withdrawal_id)


async def release(session: AsyncSession, *, staff: Staff, withdrawal_id: int) -> None:
    await repo.release_case(session, withdrawal_id=withdrawal_id, staff_id=staff.id)


async def close(session: AsyncSession, *, withdrawal_id: int) -> None:
    """The case is decided: nobody holds it any more."""
    await repo.close_case(session, withdrawal_id)


async def escalate(
    session: AsyncSession, *, audit: AuditTrail, staff: Staff, withdrawal_id: int, account_id: int
) -> None:
    """A reviewer refers a case above their limit to a supervisor (and lets go of it)."""
    case = await ensure_held(session, staff=staff, withdrawal_id=withdrawal_id)
    case.escalated_by, case.escalated_at = staff.actor, clock.now()
    case.holder_id = case.held_until = None
    await session.flush()
    audit.record(
        "staff.escalate",
        AuditOutcome.OK,
        staff_actor=staff.actor,
        account_id=account_id,
        reason=f"withdrawal:{withdrawal_id}",
    )


async def state(session: AsyncSession, *, staff: Staff, withdrawal_id: int) -> CaseState:
    states = await states_of(session, staff=staff, withdrawal_ids=[withdrawal_id])
    return states[withdrawal_id]


async def states_of(
    session: AsyncSession, *, staff: Staff, withdrawal_ids: list[int]
) -> dict[int, CaseState]:
    rows = await repo.cases(session, withdrawal_ids)
    now = clock.now()
    names: dict[int, str] = {}
    out: dict[int, CaseState] = {}
    for withdrawal_id in withdrawal_ids:
        row = rows.get(withdrawal_id)
        live = row is not None and row.holder_id is not None and (row.held_until or now) > now
        holder = None
        if live and row is not None and row.holder_id is not None:
            if row.holder_id not in names:
                user = await repo.get_staff(session, row.holder_id)
                names[row.holder_id] = user.username if user else "?"
            holder = names[row.holder_id]
        out[withdrawal_id] = CaseState(
            holder=holder,
            held_until=row.held_until if live and row else None,
            escalated_by=row.escalated_by if row else None,
            mine=live and row is not None and row.holder_id == staff.id,
        )
    return out
