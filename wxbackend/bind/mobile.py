"""Changing the account's mobile online: a new face check, a code to the new number.

A holder whose number changed used to be stuck: every SMS code went to the old one. The
face check proves the person; the code proves the new number is theirs; the old number
is then told (so a hijacked account is noticed by its owner).
"""

from __future__ import annotations

import re

import structlog

from wxbackend.audit.models import AuditOutcome
from wxbackend.bind.context import BindContext
from wxbackend.bind.models import Signing, SigningStep
from wxbackend.bind.signing import require_step, signing_account
from wxbackend.bind.sms_codes import send_sms_code
from wxbackend.clock import china_time_text, now
from wxbackend.errors import DomainError, InvalidInput, NotFound
from wxbackend.fund import service as fund
from wxbackend.security.masking import mask_mobile

log = structlog.get_logger(__name__)

_MOBILE = re.compile(r"1[3-9]\d{9}")
_PENDING_TTL_S = 900


def _pending_key(signing: Signing) -> str:
    return f"mobile:new:{signing.id}"


async def send_code_to_new_mobile(ctx: BindContext, signing: Signing, *, mobile: str) -> str:
    """Remember the new number (sealed) and text it a code; returns it masked."""
    require_step(signing, SigningStep.SMS)
    mobile = mobile.strip().replace(" ", "").replace("-", "").removeprefix("+86")
    if not _MOBILE.fullmatch(mobile):
        raise InvalidInput("请输入11位中国大陆手机号码。", field="mobile")
    account = await signing_account(ctx, signing)
    if mobile == fund.reveal_mobile(ctx.vault, account):
        raise InvalidInput("新手机号码与原号码相同，无需更换。", field="mobile")
    masked = await send_sms_code(ctx, signing, to=mobile)
    # The store never holds the number in the clear: sealed under the account's key.
    sealed = ctx.vault.seal(mobile, key_id=account.pii_key_id)
    await ctx.store.set(_pending_key(signing), sealed.blob.hex(), ttl=_PENDING_TTL_S)
    return masked


async def pending_mobile(ctx: BindContext, signing: Signing) -> str | None:
    raw = await ctx.store.get(_pending_key(signing))
    if raw is None:
        return None
    account = await signing_account(ctx, signing)
    return ctx.vault.open(account.pii_key_id, bytes.fromhex(raw))


async def apply_new_mobile(ctx: BindContext, signing: Signing) -> None:
    """After the new number's code passed: record it, then tell the old number."""
    require_step(signing, SigningStep.BOUND)
    new = await pending_mobile(ctx, signing)
    if new is None:
        raise NotFound("新手机号码已过期，请重新办理。")
    account = await signing_account(ctx, signing)
    old = fund.reveal_mobile(ctx.vault, account)
    fund.change_mobile(ctx.vault, account, new)
    await ctx.store.delete(_pending_key(signing))
    ctx.audit.record(
        "mobile.change",
        AuditOutcome.OK,
        channel=signing.channel,
        openid=signing.openid,
        account_id=account.id,
    )
    if old:
        # Best effort: the change stands whether or not the old phone can be reached.
        try:
            await ctx.sms.send(
                phone=old,
                params=[mask_mobile(new), china_time_text(now())],
                template_id=ctx.settings.mobile_changed_sms_template_id,
            )
        except DomainError as exc:  # the SMS gateway's refusals (rate, number, down)
            log.warning("mobile.old_not_told", code=exc.code)
