"""The SMS code step of a signing procedure: a fresh six-digit code texted, then checked.

Texting is capped per account and openid and per account (the owner's phone is not
spammed); each code allows a few tries, counted before the comparison.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import NoMobileOnFile, SmsCodeExpired, SmsCodeWrong
from wxbackend.bind.models import Signing, SigningStep
from wxbackend.bind.signing import DAY, advance, audit_refusal, require_step, signing_account
from wxbackend.clock import now
from wxbackend.errors import TooManyRequests
from wxbackend.fund import service as fund
from wxbackend.security import ratelimit
from wxbackend.security.masking import mask_mobile
from wxbackend.security.ratelimit import Limit


def _code_hash(signing: Signing, code: str) -> str:
    return hashlib.sha256(f"{signing.id}:{code}".encode()).hexdigest()


async def send_sms_code(ctx: BindContext, signing: Signing, *, to: str | None = None) -> str:
    """Text a fresh 6-digit code to the account's mobile (or `to`); returns it masked."""
    require_step(signing, SigningStep.SMS)
    account = await signing_account(ctx, signing)
    mobile = to or fund.reveal_mobile(ctx.vault, account)
    if not mobile:
        raise NoMobileOnFile()
    interval = ctx.settings.sms_min_interval_s
    if not await ctx.store.set_if_absent(f"sms:gap:{account.id}", "1", ttl=interval):
        wait = await ctx.store.ttl(f"sms:gap:{account.id}")
        raise TooManyRequests(
            f"验证码发送过于频繁，请{int(wait or interval)}秒后再试。",
            retry_after_s=int(wait or interval),
        )
    # Per account and openid (another person who matched this identity cannot spend the
    # owner's codes), and a wider cap per account against texting the owner's phone.
    await ratelimit.hit(
        ctx.store,
        f"sms:day:{account.id}:{signing.openid}",
        Limit(ctx.settings.sms_max_per_day, DAY),
    )
    await ratelimit.hit(
        ctx.store, f"sms:day:{account.id}", Limit(ctx.settings.sms_max_per_account_per_day, DAY)
    )
    code = f"{secrets.randbelow(10**6):06d}"
    record = {"hash": _code_hash(signing, code)}
    await ctx.store.set(
        f"sms:code:{signing.id}", json.dumps(record), ttl=ctx.settings.sms_code_ttl_s
    )
    await ctx.store.delete(f"sms:tries:{signing.id}")
    await ctx.sms.send(phone=mobile, params=[code, str(ctx.settings.sms_code_ttl_s // 60)])
    return mask_mobile(mobile)


async def verify_sms_code(ctx: BindContext, signing: Signing, *, code: str) -> None:
    require_step(signing, SigningStep.SMS)
    raw = await ctx.store.get(f"sms:code:{signing.id}")
    if raw is None:
        raise SmsCodeExpired()
    tries = await ctx.store.incr(f"sms:tries:{signing.id}", ttl=ctx.settings.sms_code_ttl_s)
    if tries > ctx.settings.sms_max_tries:
        await ctx.store.delete(f"sms:code:{signing.id}")
        raise SmsCodeExpired("验证码错误次数过多，请重新获取验证码。")
    if not hmac.compare_digest(json.loads(raw)["hash"], _code_hash(signing, code.strip())):
        audit_refusal(ctx, signing, "signing.sms", "sms_code_wrong")
        left = ctx.settings.sms_max_tries - tries
        raise SmsCodeWrong(f"短信验证码错误，还可尝试{left}次。", attempts_left=left)
    await ctx.store.delete(f"sms:code:{signing.id}")
    signing.sms_verified_at = now()
    advance(signing)
