"""6-digit query passwords: slow salted hashes, trivial-password refusal, lockout."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import secrets
from datetime import datetime, timedelta

from wxbackend import clock, metrics
from wxbackend.clock import china_time_text
from wxbackend.errors import DomainError, InvalidInput
from wxbackend.store import Store

# scrypt, N=2^14 r=8 p=1: ~16 MiB and tens of milliseconds per guess. A 6-digit
# password has only 10^6 values, so the hash buys time after a leak; the lockout below
# is what actually stops online guessing.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


class WrongPassword(DomainError):
    code = "password.wrong"
    status = 400
    default_message = "密码错误。"


class PasswordLocked(DomainError):
    code = "password.locked"
    status = 423
    default_message = "密码错误次数过多，已被锁定。"
    # This very attempt set the lock (the holder is told once, not per refused retry).
    just_locked = False


class InitialPasswordExpired(DomainError):
    code = "password.initial_expired"
    status = 403
    default_message = (
        "您的初始密码已超过有效期，不能再使用。请通过“忘记密码”用短信验证码和人脸识别重新设置，"
        "或请单位经办人重新申领初始密码。"
    )

    @classmethod
    def after(cls, valid_days: int) -> InitialPasswordExpired:
        return cls(
            f"您的初始密码已超过有效期（发放后{valid_days}天内有效），不能再使用。"
            "请通过“忘记密码”用短信验证码和人脸识别重新设置，或请单位经办人重新申领初始密码。",
            field="password",
        )


class SameAsCurrentPassword(InvalidInput):
    code = "password.same_as_current"
    default_message = "新密码不能与原密码相同，请设置一个新的密码。"


class InitialPasswordMustChange(DomainError):
    code = "password.initial"
    status = 403
    default_message = "您仍在使用单位经办人发放的初始密码，请先修改密码后再查询。"


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


async def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = await asyncio.to_thread(_hash, password, salt)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


async def password_matches(password: str, stored: str) -> bool:
    _scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)

    def _check() -> bytes:
        return hashlib.scrypt(
            password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )

    return hmac.compare_digest(await asyncio.to_thread(_check), expected)


def generate_initial_password() -> str:
    """A random 6-digit password that is not trivial."""
    while True:
        candidate = f"{secrets.randbelow(10**6):06d}"
        if not trivial_reason(candidate, personal=()):
            return candidate


def six_digits(value: str) -> bool:
    """The shape of every query password: six digits."""
    return len(value) == 6 and value.isdigit() and value.isascii()


def shape_error(value: str, *, label: str = "查询密码") -> str | None:
    """Why the input is not a 6-digit password, said so the holder can fix it; None if it is.

    Nothing is cut or padded: a 7-digit entry is refused, never read as its first six.
    """
    if not value:
        return f"请输入6位数字{label}。"
    if not (value.isdigit() and value.isascii()):
        return f"{label}只能由数字组成，请输入6位数字。"
    if len(value) != 6:
        return f"{label}须为6位数字，您输入了{len(value)}位。"
    return None


def require_six_digits(value: str, *, field: str = "password", label: str = "查询密码") -> None:
    """Refuse (InvalidInput on `field`) anything but exactly six digits."""
    reason = shape_error(value, label=label)
    if reason:
        raise InvalidInput(reason, field=field)


def initial_expired(*, is_initial: bool, set_at: datetime, valid_days: int) -> bool:
    """An initial password is valid `valid_days` from issue (0 = no limit)."""
    if not is_initial or valid_days <= 0:
        return False
    return clock.now() >= set_at + timedelta(days=valid_days)


def trivial_reason(password: str, *, personal: tuple[str, ...]) -> str | None:
    """Why a 6-digit password is too easy to guess, or None when it is acceptable."""
    if not six_digits(password):
        return "密码须为6位数字。"
    if len(set(password)) == 1:
        return "密码不能是相同的数字。"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(password)}
    if steps in ({1}, {-1}):
        return "密码不能是连续的数字。"
    if password[:2] * 3 == password or password[:3] * 2 == password:
        return "密码不能是重复的数字组合。"
    if any(password in value for value in personal if value):
        return "密码不能包含证件号码、手机号码或生日中的数字。"
    return None


def check_new_password(
    password: str, *, id_no: str, mobile: str | None, field: str = "password"
) -> None:
    """Refuse trivial passwords and ones taken from the holder's ID number or mobile."""
    personal = (id_no[6:14], id_no[8:14], id_no[-6:], (mobile or "")[-6:])
    reason = trivial_reason(password, personal=personal)
    if reason:
        raise InvalidInput(reason, field=field)


class Lockout:
    """Counts password attempts per account in the shared store and locks after too many.

    Each attempt is counted (one atomic increment) *before* the password is checked, so
    however many guesses arrive at once, at most `max_failures` are ever checked per
    lock period; the rest are refused as locked without touching the hash.
    """

    def __init__(self, store: Store, *, max_failures: int, lock_s: int) -> None:
        self._store = store
        self._max = max_failures
        self._lock_s = lock_s

    async def begin_attempt(self, account_id: int) -> int:
        """Count one attempt; raises PasswordLocked once the allowance is spent."""
        attempt = await self._store.incr(f"pwfail:{account_id}", ttl=self._lock_s)
        remaining = await self._store.ttl(f"pwlock:{account_id}")
        if remaining is not None:
            raise self._locked(remaining)
        if attempt > self._max:
            await self._store.set_if_absent(f"pwlock:{account_id}", "1", ttl=self._lock_s)
            metrics.LOCKOUTS.labels(kind="depositor").inc()
            raise self._locked(self._lock_s)
        return attempt

    async def record_failure(self, account_id: int, attempt: int) -> DomainError:
        """The error for a wrong password at `attempt`: wrong, or now locked."""
        if attempt >= self._max:
            locked = self._locked(self._lock_s)
            if await self._store.set_if_absent(f"pwlock:{account_id}", "1", ttl=self._lock_s):
                metrics.LOCKOUTS.labels(kind="depositor").inc()
                locked.just_locked = True
            return locked
        left = self._max - attempt
        return WrongPassword(f"密码错误，还可尝试{left}次。", attempts_left=left)

    async def record_success(self, account_id: int) -> None:
        await self._store.delete(f"pwfail:{account_id}")

    async def locked_for_s(self, account_id: int) -> float | None:
        """Seconds the account stays locked, or None when it is not locked."""
        return await self._store.ttl(f"pwlock:{account_id}")

    async def unlock(self, account_id: int) -> None:
        """Lift the lock (the counter, after checking the holder's ID in person)."""
        await self._store.delete(f"pwlock:{account_id}")
        await self._store.delete(f"pwfail:{account_id}")

    def _locked(self, remaining_s: float) -> PasswordLocked:
        unlock_at = clock.now() + timedelta(seconds=remaining_s)
        return PasswordLocked(
            f"密码错误次数过多，已锁定，请于{china_time_text(unlock_at)}后再试，"
            "或通过短信验证码加人脸识别重置密码。",
            unlock_at=unlock_at.isoformat(timespec="seconds"),
        )
