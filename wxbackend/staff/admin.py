"""What an admin does to staff accounts: end their sessions, reset their second factor,
disable them. Adding staff stays on the command line (`wxbackend staff add`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.errors import NotFound
from wxbackend.staff import auth, roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.errors import StaffForbidden
from wxbackend.staff.models import StaffUser
from wxbackend.staff.roles import Capability

ACTIONS = {"revoke": "revoked", "reset-totp": "totp_reset", "disable": "disabled"}


async def staff_overview(session: AsyncSession, *, staff: Staff) -> list[StaffUser]:
    roles.ensure(staff.role, Capability.ADMIN)
    return await auth.list_staff(session)


async def act_on_staff(
    session: AsyncSession, *, audit: AuditTrail, staff: Staff, username: str, action: str
) -> str:
    """One admin action on one staff member; answers what was done (for the page)."""
    roles.ensure(staff.role, Capability.ADMIN)
    if action not in ACTIONS:
        raise NotFound("没有该操作。")
    if auth.normalise_username(username) == staff.username and action != "revoke":
        raise StaffForbidden("不能停用自己或重置自己的动态码，请由另一位管理员办理。")
    if action == "revoke":
        target = await auth.revoke_sessions(session, username=username)
    elif action == "reset-totp":
        target = await auth.reset_second_factor(session, username=username)
    else:
        target = await auth.disable_staff(session, username=username)
    audit.record(
        f"staff.admin_{ACTIONS[action]}",
        AuditOutcome.OK,
        staff_actor=staff.actor,
        reason=f"staff:{target.username}"[:64],
    )
    return ACTIONS[action]
