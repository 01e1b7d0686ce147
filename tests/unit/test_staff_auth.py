"""Staff passwords, lockout, sessions and approval rights, without the app."""

from __future__ import annotations

from datetime import date

import pytest

from wxbackend.auth.sessions import SessionStore
from wxbackend.config_features import WithdrawSettings
from wxbackend.enums import Channel
from wxbackend.errors import Unauthenticated
from wxbackend.staff.auth import Staff, StaffLockout, check_new_password
from wxbackend.staff.errors import (
    StaffLocked,
    StaffPasswordWeak,
    StaffUnauthenticated,
    SupervisorRequired,
)
from wxbackend.staff.models import StaffRole
from wxbackend.staff.service import ensure_may_approve
from wxbackend.staff.sessions import StaffSessionStore
from wxbackend.store import MemoryStore
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus

LIMIT = WithdrawSettings(reviewer_limit=5_000_000)


@pytest.mark.parametrize(
    "password", ["258369", "short pass", "aaaaaaaaaaaaaaaa", "ababababababab", "Xwang.li.2026!"]
)
def test_check_new_password_refuses_weak_ones(password: str) -> None:
    with pytest.raises(StaffPasswordWeak):
        check_new_password(password, username="wang.li")


def test_check_new_password_accepts_a_long_one() -> None:
    check_new_password("correct horse battery", username="wang.li")


async def test_lockout_locks_after_five_failures_in_its_own_key_space() -> None:
    store = MemoryStore()
    lockout = StaffLockout(store, max_failures=5, lock_s=1800)
    results = []
    for _ in range(5):
        attempt = await lockout.begin_attempt("wang.li")
        results.append(await lockout.record_failure("wang.li", attempt))
    assert results[:4] == [None] * 4
    assert isinstance(results[4], StaffLocked)
    with pytest.raises(StaffLocked):
        await lockout.begin_attempt("wang.li")
    assert await lockout.begin_attempt("zhao.min") == 1
    # Depositors' lockout keys (pwlock:<account id>) are untouched.
    assert await store.get("pwlock:wang.li") is None


async def test_lockout_success_resets_the_count() -> None:
    lockout = StaffLockout(MemoryStore(), max_failures=2, lock_s=1800)
    assert await lockout.record_failure("wang.li", await lockout.begin_attempt("wang.li")) is None
    await lockout.record_success("wang.li")
    assert await lockout.begin_attempt("wang.li") == 1


async def test_staff_and_depositor_tokens_live_in_different_key_spaces() -> None:
    store = MemoryStore()
    staff_sessions = StaffSessionStore(store)
    user_sessions = SessionStore(store, idle_s=1800, absolute_s=3600)
    staff_token = await staff_sessions.create(staff_id=1, username="wang.li")
    user_token = await user_sessions.create(channel=Channel.MINI_PROGRAM, openid="o1", unionid=None)
    assert (await staff_sessions.get(staff_token)).username == "wang.li"
    with pytest.raises(StaffUnauthenticated):
        await staff_sessions.get(user_token)
    with pytest.raises(Unauthenticated) as refused:
        await user_sessions.get(staff_token)
    assert refused.type is Unauthenticated


async def test_staff_session_ends_at_the_absolute_limit() -> None:
    sessions = StaffSessionStore(MemoryStore(), idle_s=900, absolute_s=0)
    token = await sessions.create(staff_id=1, username="wang.li")
    with pytest.raises(StaffUnauthenticated):
        await sessions.get(token)


def _withdrawal(amount: int, *, closes: bool = False) -> Withdrawal:
    return Withdrawal(
        id=1,
        account_id=1,
        card_id=1,
        kind="retirement" if closes else "rent",
        kind_name="退休提取" if closes else "租房提取",
        amount=amount,
        status=WithdrawalStatus.UNDER_REVIEW,
        closes_account=closes,
        applied_on=date(2026, 1, 5),
    )


def test_reviewers_approve_up_to_the_limit_and_no_closing_kinds() -> None:
    reviewer = Staff(1, "wang.li", StaffRole.REVIEWER)
    ensure_may_approve(reviewer, _withdrawal(5_000_000), settings=LIMIT)
    with pytest.raises(SupervisorRequired, match=r"¥50,000\.00"):
        ensure_may_approve(reviewer, _withdrawal(5_000_001), settings=LIMIT)
    with pytest.raises(SupervisorRequired, match="注销"):
        ensure_may_approve(reviewer, _withdrawal(100, closes=True), settings=LIMIT)


def test_supervisors_approve_anything() -> None:
    supervisor = Staff(2, "zhao.min", StaffRole.SUPERVISOR)
    ensure_may_approve(supervisor, _withdrawal(99_000_000, closes=True), settings=LIMIT)
