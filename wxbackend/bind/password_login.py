"""Binding by password (Zhenjiang's "bind WeChat with ID number and password").

A holder who already has a query password (signed on the centre's website, or on the
other WeChat channel) gives the personal account number or the ID number and the
password. The password goes through the same lockout as everywhere else. When the
openid is not already known to be the holder's (no binding of the account shares its
unionid) an SMS code to the account's mobile follows before the openid is bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from wxbackend.bind import repository as repo
from wxbackend.bind.binding import bind_signed, verify_password
from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import (
    AccountBoundElsewhere,
    LoginNotMatched,
    NoMobileOnFile,
    NoPasswordYet,
)
from wxbackend.bind.models import Binding, Signing, SigningStep
from wxbackend.bind.passwords import require_six_digits
from wxbackend.bind.signing import DAY, advance, audit_refusal, require_step
from wxbackend.clock import now
from wxbackend.errors import InvalidInput
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import is_valid_id_no, normalise_id_no
from wxbackend.fund.models import AccountStatus, FundAccount
from wxbackend.security import ratelimit
from wxbackend.security.ratelimit import Limit

LOGIN_HINT = "请输入个人公积金账号（9至12位数字）或18位身份证号码。"


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    binding: Binding | None  # bound at once (same person by unionid), else an SMS follows


async def _find_account(ctx: BindContext, login: str) -> FundAccount | None:
    login = login.strip().replace(" ", "")
    if len(login) == 18:
        id_no = normalise_id_no(login)
        if not is_valid_id_no(id_no):
            raise InvalidInput("身份证号码格式不正确，请检查后重新输入。", field="login")
        candidates = await fund.find_accounts_by_id_no(ctx.session, ctx.vault, id_no)
        # One account per person per centre; an old closed one gives way to the open one.
        candidates.sort(key=lambda a: a.status is AccountStatus.CLOSED)
        return candidates[0] if candidates else None
    if login.isdigit() and login.isascii() and 9 <= len(login) <= 12:
        return await fund.account_by_no(ctx.session, login)
    raise InvalidInput(LOGIN_HINT, field="login")


async def submit_login(
    ctx: BindContext, signing: Signing, *, login: str, password: str
) -> LoginOutcome:
    """Check account (or ID) number + password; bind now or move on to the SMS code."""
    require_step(signing, SigningStep.IDENTITY)
    require_six_digits(password)
    await ratelimit.hit(
        ctx.store,
        f"pwbind:openid:{signing.openid}",
        Limit(ctx.settings.identity_attempts_per_openid_per_day, DAY),
    )
    account = await _find_account(ctx, login)
    if account is None:
        audit_refusal(ctx, signing, "binding.password_login", "login_not_matched")
        raise LoginNotMatched()
    if await repo.get_credential(ctx.session, account.id) is None:
        raise NoPasswordYet()
    await verify_password(
        ctx,
        account_id=account.id,
        password=password,
        channel=signing.channel,
        openid=signing.openid,
    )
    others = await repo.bindings_for_account(ctx.session, account.id)
    if any(b.channel is signing.channel and b.openid != signing.openid for b in others):
        raise AccountBoundElsewhere()
    signing.account_id = account.id
    signing.identity_matched_at = now()
    advance(signing)
    known = signing.unionid is not None and any(b.unionid == signing.unionid for b in others)
    if known:
        # The holder's own other channel (same unionid): the password is enough.
        advance(signing)
        return LoginOutcome(binding=await bind_signed(ctx, signing))
    if not fund.reveal_mobile(ctx.vault, account):
        raise NoMobileOnFile()
    return LoginOutcome(binding=None)
