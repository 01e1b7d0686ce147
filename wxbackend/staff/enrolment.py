"""Enrolling a second factor: a TOTP secret shown once, confirmed by its first code."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import clock
from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.security.pii import Vault
from wxbackend.staff import repository as repo
from wxbackend.staff import totp
from wxbackend.staff.auth import Staff
from wxbackend.staff.errors import StaffOtpWrong, StaffUnauthenticated
from wxbackend.staff.models import StaffUser


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A fresh TOTP secret, shown once: as a QR code and as a key to type."""

    qr_svg: str
    manual_key: str
    uri: str


async def begin_enrolment(
    session: AsyncSession, *, vault: Vault, audit: AuditTrail, staff: Staff
) -> Enrolment:
    """A new secret for someone not enrolled yet; each call replaces the last one shown.

    The QR code of a secret is therefore shown once: reloading the page shows a new one,
    and once a code has confirmed it no page can show it again.
    """
    user = await _enrolling_user(session, staff)
    secret = totp.new_secret()
    sealed = vault.seal(secret)
    user.totp_secret_enc, user.totp_key_id = sealed.blob, sealed.key_id
    await session.flush()
    audit.record("staff.totp_enrolment", AuditOutcome.OK, staff_actor=staff.actor, reason="shown")
    uri = totp.provisioning_uri(secret, username=user.username)
    return Enrolment(qr_svg=totp.qr_svg(uri), manual_key=totp.manual_key(secret), uri=uri)


async def confirm_enrolment(
    session: AsyncSession, *, vault: Vault, audit: AuditTrail, staff: Staff, code: str
) -> Staff:
    """A code from the new secret proves the phone holds it; the step is spent."""
    user = await _enrolling_user(session, staff)
    step = None
    if user.totp_secret_enc is not None and user.totp_key_id is not None:
        step = totp.matching_step(vault.open(user.totp_key_id, user.totp_secret_enc), code)
    if step is None or not await repo.spend_totp_step(session, user.id, step):
        audit.record(
            "staff.totp_enrolment", AuditOutcome.REFUSED, staff_actor=staff.actor, reason="wrong"
        )
        raise StaffOtpWrong(field="code")
    user.totp_enrolled_at = clock.now()
    await session.flush()
    audit.record("staff.totp_enrolment", AuditOutcome.OK, staff_actor=staff.actor, reason="done")
    return Staff(user.id, user.username, user.role)


async def _enrolling_user(session: AsyncSession, staff: Staff) -> StaffUser:
    user = await repo.get_staff(session, staff.id)
    if user is None or not user.active or user.totp_enrolled_at is not None:
        raise StaffUnauthenticated()
    return user
