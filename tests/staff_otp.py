"""Staff second factors for tests: enrol a TOTP secret straight into the row (a builder),
then hand out codes the way a phone would, one fresh 30-second step per login.

The server accepts the current step and one either side, each only once, so a test can
log the same person in twice within one step (now, then the next); `next_code` walks those.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend import clock
from wxbackend.db import session_scope
from wxbackend.security.pii import Vault
from wxbackend.staff import totp
from wxbackend.staff.models import StaffUser

SECRETS: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}


async def enrol(sessionmaker: async_sessionmaker[AsyncSession], vault: Vault, username: str) -> str:
    """Give `username` an enrolled TOTP secret; returns it (also kept in SECRETS)."""
    secret = totp.new_secret()
    sealed = vault.seal(secret)
    async with session_scope(sessionmaker) as session:
        await session.execute(
            update(StaffUser)
            .where(StaffUser.username == username)
            .values(
                totp_secret_enc=sealed.blob,
                totp_key_id=sealed.key_id,
                totp_enrolled_at=clock.now(),
                totp_last_step=None,
            )
        )
    SECRETS[username] = secret
    _LAST_STEP.pop(username, None)
    return secret


def next_code(username: str, secret: str | None = None) -> str:
    """A code the server has not seen yet for `username` (one step later each call)."""
    secret = secret or SECRETS[username]
    now = totp.current_step()
    # Never the step before now: the server's clock may cross into the next step between
    # here and there, and that step would then be two behind.
    step = max(now, _LAST_STEP.get(username, now - 1) + 1)
    if step > now + totp.DRIFT_STEPS:
        raise RuntimeError("three logins in one 30-second step: wait for the next step")
    _LAST_STEP[username] = step
    return totp.code_for(secret, step=step)


def spent(username: str, step: int) -> None:
    """Record that the server accepted `step` some other way (an enrolment form)."""
    _LAST_STEP[username] = max(step, _LAST_STEP.get(username, step))
