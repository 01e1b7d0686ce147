"""Staff logins: usernames, scrypt passwords and TOTP, rate limits, lockout, roles.

等保 2.0 level 3 asks for unique identities, two factors, lockout after failed logins
and idle timeouts; staff can approve payments, so their passwords are longer than
depositors' 6-digit ones, a TOTP code is the second factor, and every login, good or
bad, is audited. A wrong code counts against the lockout exactly like a wrong password.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import clock, metrics
from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.bind.passwords import hash_password, password_matches
from wxbackend.clock import china_time_text
from wxbackend.errors import DomainError
from wxbackend.security import ratelimit
from wxbackend.security.pii import Vault
from wxbackend.staff import repository as repo
from wxbackend.staff import totp
from wxbackend.staff.errors import (
    StaffEnrolmentRequired,
    StaffLocked,
    StaffLoginFailed,
    StaffPasswordWeak,
    StaffSessionExpired,
    StaffUnauthenticated,
    StaffUserExists,
    StaffUsernameInvalid,
    StaffUserNotFound,
)
from wxbackend.staff.models import StaffRole, StaffUser
from wxbackend.staff.sessions import StaffSessionStore
from wxbackend.store import Store

USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 128
MAX_FAILURES = 5
LOCK_S = 30 * 60
# Attempts, good or bad: enough for typos, far too few for guessing.
PER_USERNAME = ratelimit.Limit(count=10, window_s=10 * 60)
PER_CLIENT = ratelimit.Limit(count=30, window_s=10 * 60)

# Checked when the username is unknown, so both answers take the same time.
_ZERO_SALT = base64.b64encode(bytes(16)).decode()
_ZERO_DIGEST = base64.b64encode(bytes(32)).decode()
_DUMMY_HASH = f"scrypt$16384$8$1${_ZERO_SALT}${_ZERO_DIGEST}"


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff member, as the database says now (role, still active)."""

    id: int
    username: str
    role: StaffRole
    # Signed in with the password only, to enrol a second factor: good for nothing else.
    enrolment_only: bool = False

    @property
    def actor(self) -> str:
        return f"staff:{self.username}"


@dataclass(frozen=True, slots=True)
class StaffLogin:
    token: str
    staff: Staff

    @property
    def enrolment_required(self) -> bool:
        return self.staff.enrolment_only


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_new_password(password: str, *, username: str) -> None:
    """Refuse short passwords and ones built from the username."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise StaffPasswordWeak(f"密码须为{MIN_PASSWORD}至{MAX_PASSWORD}位。", field="password")
    if len(set(password)) < 4:
        raise StaffPasswordWeak("密码过于简单，请使用更多不同的字符。", field="password")
    if username and username in password.lower():
        raise StaffPasswordWeak("密码不能包含用户名。", field="password")


class StaffLockout:
    """Password attempts per username, in a key space apart from depositors' lockout.

    Counted before the password is checked (see bind.passwords.Lockout): at most
    `max_failures` guesses are checked per lock period, however many arrive at once.
    """

    def __init__(self, store: Store, *, max_failures: int = MAX_FAILURES, lock_s: int = LOCK_S):
        self._store = store
        self._max = max_failures
        self._lock_s = lock_s

    async def begin_attempt(self, username: str) -> int:
        attempt = await self._store.incr(f"staff:pwfail:{username}", ttl=self._lock_s)
        remaining = await self._store.ttl(f"staff:pwlock:{username}")
        if remaining is not None:
            raise self._locked(remaining)
        if attempt > self._max:
            await self._store.set_if_absent(f"staff:pwlock:{username}", "1", ttl=self._lock_s)
            raise self._locked(self._lock_s)
        return attempt

    async def record_failure(self, username: str, attempt: int) -> StaffLocked | None:
        """The lock error once this failed attempt spent the allowance."""
        if attempt < self._max:
            return None
        if await self._store.set_if_absent(f"staff:pwlock:{username}", "1", ttl=self._lock_s):
            metrics.LOCKOUTS.labels(kind="staff").inc()
        return self._locked(self._lock_s)

    async def record_success(self, username: str) -> None:
        await self._store.delete(f"staff:pwfail:{username}")

    def _locked(self, remaining_s: float) -> StaffLocked:
        unlock_at = clock.now() + timedelta(seconds=remaining_s)
        return StaffLocked(
            f"密码错误次数过多，账号已锁定，请于{china_time_text(unlock_at)}后再试，"
            "或联系系统管理员。",
            unlock_at=unlock_at.isoformat(timespec="seconds"),
        )


async def log_in(
    session: AsyncSession,
    *,
    store: Store,
    sessions: StaffSessionStore,
    audit: AuditTrail,
    vault: Vault,
    username: str,
    password: str,
    otp: str,
    client: str,
    allow_enrolment: bool = False,
) -> StaffLogin:
    """Check password and TOTP code under rate limits and lockout; opens a new session.

    Someone without a second factor yet gets an enrolment-only session where the edge
    can enrol one (the desk), and a refusal where it cannot (the JSON API).
    """
    username = normalise_username(username)
    user = await repo.staff_by_username(session, username) if USERNAME.match(username) else None
    # Only a real staff name goes into the audit trail: a mistyped field could hold a password.
    who = f"staff:{username}" if user else None
    try:
        await ratelimit.hit(store, f"staff:login:client:{client}", PER_CLIENT)
        await ratelimit.hit(store, f"staff:login:user:{username}", PER_USERNAME)
        lockout = StaffLockout(store)
        attempt = await lockout.begin_attempt(username)
    except DomainError as exc:
        audit.record("staff.login", AuditOutcome.REFUSED, staff_actor=who, reason=_code(exc))
        metrics.LOGINS.labels(kind="staff", outcome="refused").inc()
        raise
    matches = await password_matches(password, user.password_hash if user else _DUMMY_HASH)
    reason: str | None = None
    if user is None or not user.active or not matches:
        reason = "unknown_user" if user is None else ("disabled" if matches else "wrong_password")
    elif user.totp_enrolled_at is not None:
        reason = await _second_factor_refusal(session, vault, user, otp)
    if reason is not None:
        locked = await lockout.record_failure(username, attempt)
        audit.record("staff.login", AuditOutcome.REFUSED, staff_actor=who, reason=reason)
        metrics.LOGINS.labels(kind="staff", outcome="failed").inc()
        raise locked or StaffLoginFailed()
    assert user is not None  # noqa: S101 - reason is None only for a real, active user
    await lockout.record_success(username)
    enrolling = user.totp_enrolled_at is None
    if enrolling and not allow_enrolment:
        audit.record("staff.login", AuditOutcome.REFUSED, staff_actor=who, reason="no_totp")
        raise StaffEnrolmentRequired()
    metrics.LOGINS.labels(kind="staff", outcome="ok").inc()
    audit.record(
        "staff.login", AuditOutcome.OK, staff_actor=who, reason="enrolment" if enrolling else None
    )
    token = await sessions.create(
        staff_id=user.id, username=user.username, epoch=user.session_epoch, enrolment_only=enrolling
    )
    return StaffLogin(token=token, staff=Staff(user.id, user.username, user.role, enrolling))


async def _second_factor_refusal(
    session: AsyncSession, vault: Vault, user: StaffUser, otp: str
) -> str | None:
    """None when `otp` is a current code not used before; else why not."""
    if user.totp_secret_enc is None or user.totp_key_id is None:
        return "no_totp"
    step = totp.matching_step(vault.open(user.totp_key_id, user.totp_secret_enc), otp)
    if step is None:
        return "wrong_otp"
    if not await repo.spend_totp_step(session, user.id, step):
        return "replayed_otp"
    return None


def _code(exc: DomainError) -> str:
    return exc.code[:64]


async def current_staff(session: AsyncSession, *, sessions: StaffSessionStore, token: str) -> Staff:
    """The staff member behind a token; a disabled account or a revocation ends it at once."""
    found = await sessions.get(token)
    user = await repo.get_staff(session, found.staff_id)
    if user is None or not user.active or user.username != found.username:
        await sessions.end(token)
        raise StaffUnauthenticated()
    if user.session_epoch != found.epoch:
        await sessions.end(token)
        raise StaffSessionExpired("您的会话已被管理员结束，请重新登录。")
    return Staff(user.id, user.username, user.role, found.enrolment_only)


async def add_staff(
    session: AsyncSession, *, username: str, password: str, role: StaffRole
) -> StaffUser:
    username = normalise_username(username)
    if not USERNAME.match(username):
        raise StaffUsernameInvalid(field="username")
    check_new_password(password, username=username)
    if await repo.staff_by_username(session, username) is not None:
        raise StaffUserExists()
    user = StaffUser(
        username=username, password_hash=await hash_password(password), role=role, active=True
    )
    await repo.add(session, user)
    return user


async def disable_staff(session: AsyncSession, *, username: str) -> StaffUser:
    user = await repo.staff_by_username(session, normalise_username(username))
    if user is None:
        raise StaffUserNotFound()
    user.active = False
    await repo.bump_session_epoch(session, user.id)
    await session.flush()
    return user


async def revoke_sessions(session: AsyncSession, *, username: str) -> StaffUser:
    """End every open session of one staff member (they log in again, with both factors)."""
    user = await repo.staff_by_username(session, normalise_username(username))
    if user is None:
        raise StaffUserNotFound()
    await repo.bump_session_epoch(session, user.id)
    await session.refresh(user)
    return user


async def reset_second_factor(session: AsyncSession, *, username: str) -> StaffUser:
    """A lost phone: the old secret is forgotten and the next login enrols a new one."""
    user = await revoke_sessions(session, username=username)
    user.totp_secret_enc = user.totp_key_id = user.totp_enrolled_at = None
    await session.flush()
    return user


async def list_staff(session: AsyncSession) -> list[StaffUser]:
    return list(await repo.all_staff(session))


async def staff_epoch(session: AsyncSession, *, staff_id: int) -> int | None:
    """The staff member's current session epoch (a new session is opened in it)."""
    user = await repo.get_staff(session, staff_id)
    return user.session_epoch if user else None
