"""Bindings and query passwords: bind after signing, change and reset passwords (unbinding:
`bind/unbinding.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend import metrics
from wxbackend.audit.models import AuditOutcome
from wxbackend.bind import notices
from wxbackend.bind import repository as repo
from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import AccountBoundElsewhere, AccountClosed, AlreadyBound, NotBound
from wxbackend.bind.models import Binding, Credential, Purpose, Signing, SigningStep
from wxbackend.bind.passwords import (
    InitialPasswordExpired,
    InitialPasswordMustChange,
    PasswordLocked,
    SameAsCurrentPassword,
    check_new_password,
    hash_password,
    initial_expired,
    password_matches,
    require_six_digits,
)
from wxbackend.bind.signing import advance, require_step, signing_account
from wxbackend.clock import china_time_text, now
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.fund.models import AccountStatus, FundAccount
from wxbackend.fund.rows import AccountRow
from wxbackend.reads import ReadOnlyDatabase


@dataclass(frozen=True, slots=True)
class PasswordMode:
    """Whether the password step sets a new password or checks the existing one."""

    must_set: bool


async def password_mode(ctx: BindContext, signing: Signing) -> PasswordMode:
    if signing.purpose is Purpose.PASSWORD_RESET or signing.account_id is None:
        return PasswordMode(must_set=True)
    credential = await repo.get_credential(ctx.session, signing.account_id)
    return PasswordMode(must_set=credential is None or credential.is_initial)


async def _set_password(
    ctx: BindContext, account: FundAccount, password: str, *, field: str = "password"
) -> datetime:
    """Set the holder's own password: six digits, not trivial, not the current one.

    Returns when it was set (the credential's version, which names the notice)."""
    require_six_digits(password, field=field, label="新密码")
    check_new_password(
        password,
        id_no=fund.reveal_id_no(ctx.vault, account),
        mobile=fund.reveal_mobile(ctx.vault, account),
        field=field,
    )
    credential = await repo.get_credential(ctx.session, account.id)
    if credential is not None and await password_matches(password, credential.password_hash):
        raise SameAsCurrentPassword(field=field)
    hashed = await hash_password(password)
    set_at = now()
    if credential is None:
        credential = Credential(
            account_id=account.id, password_hash=hashed, is_initial=False, set_at=set_at
        )
        await repo.add(ctx.session, credential)
    else:
        credential.password_hash = hashed
        credential.is_initial = False
        credential.set_at = set_at
    await ctx.lockout.record_success(account.id)
    return set_at


async def verify_password(
    ctx: BindContext, *, account_id: int, password: str, channel: Channel, openid: str
) -> None:
    """Check the query password under the lockout; every failure is audited.

    A malformed entry (not six digits) is refused before it counts as an attempt. A right
    but expired initial password is refused too: only its holder learns it expired.
    """
    require_six_digits(password)
    attempt = await ctx.lockout.begin_attempt(account_id)
    credential = await repo.get_credential(ctx.session, account_id)
    if credential is not None and await password_matches(password, credential.password_hash):
        await ctx.lockout.record_success(account_id)
        if initial_expired(
            is_initial=credential.is_initial,
            set_at=credential.set_at,
            valid_days=ctx.settings.initial_password_valid_days,
        ):
            metrics.LOGINS.labels(kind="password", outcome="expired").inc()
            ctx.audit.record(
                "password.verify",
                AuditOutcome.REFUSED,
                channel=channel,
                openid=openid,
                account_id=account_id,
                reason=InitialPasswordExpired.code,
            )
            raise InitialPasswordExpired.after(ctx.settings.initial_password_valid_days)
        metrics.LOGINS.labels(kind="password", outcome="ok").inc()
        return
    metrics.LOGINS.labels(kind="password", outcome="failed").inc()
    error = await ctx.lockout.record_failure(account_id, attempt)
    if isinstance(error, PasswordLocked) and error.just_locked and ctx.locked_notice:
        notice = ctx.locked_notice
        unlock_at = china_time_text(now() + timedelta(seconds=ctx.settings.password_lock_s))
        ctx.audit.after(lambda session: notice(session, account_id=account_id, unlock_at=unlock_at))
    ctx.audit.record(
        "password.verify",
        AuditOutcome.REFUSED,
        channel=channel,
        openid=openid,
        account_id=account_id,
        reason=error.code,
    )
    raise error


async def complete_signing(
    ctx: BindContext, signing: Signing, *, password: str, forgot: bool = False
) -> Binding:
    """Last step: set (or confirm) the password, then bind openid ↔ account.

    `forgot`: the holder does not remember the existing password. The SMS code and the
    face check of this very procedure have passed (the step cannot be reached otherwise),
    which is what a reset asks for, so a new password is set instead of the old checked.
    """
    require_step(signing, SigningStep.PASSWORD)
    account = await signing_account(ctx, signing)
    if (await password_mode(ctx, signing)).must_set:
        await _set_password(ctx, account, password)
    elif forgot and signing.sms_verified_at is not None and signing.face_passed_at is not None:
        set_at = await _set_password(ctx, account, password)
        await notices.tell_password(
            ctx.security_notice, ctx.session, account_id=account.id, set_at=set_at, reset=True
        )
        ctx.audit.record(
            "password.reset",
            AuditOutcome.OK,
            channel=signing.channel,
            openid=signing.openid,
            account_id=account.id,
        )
    else:
        await verify_password(
            ctx,
            account_id=account.id,
            password=password,
            channel=signing.channel,
            openid=signing.openid,
        )
    binding = await _bind(ctx, signing, account)
    advance(signing)
    return binding


async def bind_signed(ctx: BindContext, signing: Signing) -> Binding:
    """Bind the procedure's openid to its matched account (its checks all passed)."""
    return await _bind(ctx, signing, await signing_account(ctx, signing))


async def _bind(ctx: BindContext, signing: Signing, account: FundAccount) -> Binding:
    if await repo.binding_for_openid(ctx.session, channel=signing.channel, openid=signing.openid):
        raise AlreadyBound()
    for other in await repo.bindings_for_account(ctx.session, account.id):
        if other.channel is signing.channel:
            raise AccountBoundElsewhere()
        # The other channel's openid must belong to the same person (same unionid).
        if other.unionid and signing.unionid and other.unionid != signing.unionid:
            raise AccountBoundElsewhere()
    binding = Binding(
        account_id=account.id,
        channel=signing.channel,
        openid=signing.openid,
        unionid=signing.unionid,
    )
    try:
        async with ctx.session.begin_nested():
            await repo.add(ctx.session, binding)
    except IntegrityError as exc:  # a concurrent bind of the same openid or account
        raise AccountBoundElsewhere() from exc
    await notices.tell_bound(ctx.security_notice, ctx.session, signing, binding)
    ctx.audit.record(
        "binding.bind",
        AuditOutcome.OK,
        channel=signing.channel,
        openid=signing.openid,
        account_id=account.id,
    )
    return binding


async def complete_password_reset(ctx: BindContext, signing: Signing, *, password: str) -> None:
    require_step(signing, SigningStep.PASSWORD)
    account = await signing_account(ctx, signing)
    set_at = await _set_password(ctx, account, password)
    await notices.tell_password(
        ctx.security_notice, ctx.session, account_id=account.id, set_at=set_at, reset=True
    )
    advance(signing)
    ctx.audit.record(
        "password.reset",
        AuditOutcome.OK,
        channel=signing.channel,
        openid=signing.openid,
        account_id=account.id,
    )


async def bound_account(session: AsyncSession, *, channel: Channel, openid: str) -> FundAccount:
    """The caller's own account; NotBound when this openid is not bound."""
    account = await repo.account_for_openid(session, channel=channel, openid=openid)
    if account is None:
        raise NotBound()
    return account


async def queryable_account(session: AsyncSession, *, channel: Channel, openid: str) -> FundAccount:
    """The caller's account, once any initial password has been changed."""
    found = await repo.account_and_credential_for_openid(session, channel=channel, openid=openid)
    if found is None:
        raise NotBound()
    account, is_initial = found
    if is_initial is None or is_initial:
        raise InitialPasswordMustChange()
    return account


async def queryable_account_row(
    db: ReadOnlyDatabase, *, channel: Channel, openid: str
) -> AccountRow:
    """As `queryable_account`, on the read-only connections (no session, no unit of work)."""
    found = await repo.account_row_for_openid(db, channel=channel, openid=openid)
    if found is None:
        raise NotBound()
    account, is_initial = found
    if is_initial is None or is_initial:
        raise InitialPasswordMustChange()
    return account


async def change_password(
    ctx: BindContext, *, channel: Channel, openid: str, old: str, new: str
) -> None:
    account = await bound_account(ctx.session, channel=channel, openid=openid)
    require_six_digits(old, field="old_password", label="原密码")
    require_six_digits(new, field="new_password", label="新密码")
    await verify_password(ctx, account_id=account.id, password=old, channel=channel, openid=openid)
    set_at = await _set_password(ctx, account, new, field="new_password")
    await notices.tell_password(
        ctx.security_notice, ctx.session, account_id=account.id, set_at=set_at, reset=False
    )
    ctx.audit.record(
        "password.change", AuditOutcome.OK, channel=channel, openid=openid, account_id=account.id
    )


async def bindings_of_account(session: AsyncSession, account_id: int) -> list[Binding]:
    """Where an account can be reached: its official-account and mini-program openids."""
    return list(await repo.bindings_for_account(session, account_id))


def ensure_not_closed(account: FundAccount) -> None:
    if account.status is AccountStatus.CLOSED:
        raise AccountClosed()
