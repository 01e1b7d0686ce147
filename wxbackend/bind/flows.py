"""The signing, password-binding, password-reset, mobile-change and unbind-by-face procedures.

The JSON API (`bind/api.py`) and the H5 pages (`h5/steps.py`) call these and only
translate. Each starts from the caller's session: the procedure is found by its channel
and openid, so no id in a request can reach anyone else's.
"""

from __future__ import annotations

from wxbackend.auth.sessions import UserSession
from wxbackend.bind import (
    binding,
    face_login,
    mobile,
    password_login,
    signing,
    sms_codes,
    unbinding,
)
from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import WrongStep
from wxbackend.bind.models import Purpose, Signing, SigningStep
from wxbackend.bind.schemas import ProcedureRead
from wxbackend.fund import service as fund
from wxbackend.security.masking import mask_mobile


async def procedure(ctx: BindContext, user: UserSession, purpose: Purpose) -> Signing:
    """The caller's unfinished procedure of this purpose, started if there is none."""
    return await signing.procedure(
        ctx, purpose=purpose, channel=user.channel, openid=user.openid, unionid=user.unionid
    )


async def procedure_read(ctx: BindContext, proc: Signing) -> ProcedureRead:
    """Where the procedure stands, and what its current step shows the user."""
    view = ProcedureRead(step=proc.step, face_provider=proc.face_provider)
    if proc.purpose is Purpose.SIGNING:
        view.agreement_version = ctx.settings.agreement_version
    if proc.purpose is Purpose.MOBILE_CHANGE and proc.step is SigningStep.SMS:
        new = await mobile.pending_mobile(ctx, proc)
        view.masked_mobile = mask_mobile(new) if new else None
    elif proc.account_id is not None and proc.step in (SigningStep.SMS, SigningStep.PASSWORD):
        account = await signing.signing_account(ctx, proc)
        number = fund.reveal_mobile(ctx.vault, account)
        view.masked_mobile = mask_mobile(number) if number else None
    if proc.step is SigningStep.PASSWORD:
        view.password_must_set = (await binding.password_mode(ctx, proc)).must_set
    return view


async def send_sms_code(ctx: BindContext, proc: Signing, *, new_mobile: str | None) -> str:
    """Text a code: to the account's mobile, or (changing the mobile) to the new number."""
    if proc.purpose is Purpose.MOBILE_CHANGE:
        return await mobile.send_code_to_new_mobile(ctx, proc, mobile=new_mobile or "")
    return await sms_codes.send_sms_code(ctx, proc)


async def verify_sms_code(ctx: BindContext, proc: Signing, *, code: str) -> None:
    """Check the SMS code; in a password binding it binds, in a mobile change it changes."""
    await sms_codes.verify_sms_code(ctx, proc, code=code)
    if proc.purpose is Purpose.PASSWORD_BIND:
        await binding.bind_signed(ctx, proc)
    elif proc.purpose is Purpose.MOBILE_CHANGE:
        await mobile.apply_new_mobile(ctx, proc)


async def log_in_with_password(
    ctx: BindContext, proc: Signing, *, login: str, password: str
) -> None:
    """Account or ID number + password: binds at once, or an SMS code is asked next."""
    await password_login.submit_login(ctx, proc, login=login, password=password)


async def finish_face_check(ctx: BindContext, proc: Signing, *, ref: str | None) -> None:
    """Read the face check's result; it unbinds (unbind by face) or binds (face login)."""
    await signing.check_face(ctx, proc, ref=ref)
    if proc.purpose is Purpose.UNBIND:
        await unbinding.complete_unbind_by_face(ctx, proc)
    elif proc.purpose is Purpose.FACE_LOGIN:
        await binding.bind_signed(ctx, proc)


async def start_face_login(ctx: BindContext, proc: Signing, *, name: str, id_no: str) -> None:
    """Mini-program face login: the holder's name and ID number, before the face check."""
    await face_login.submit_face_login_identity(ctx, proc, name=name, id_no=id_no)


async def set_password(
    ctx: BindContext, proc: Signing, *, password: str, forgot: bool = False
) -> None:
    """The last step: signing sets (or confirms) the password and binds; a reset sets it.

    `forgot` (signing only): the holder forgot the existing password and sets a new one.
    """
    if proc.purpose is Purpose.SIGNING:
        await binding.complete_signing(ctx, proc, password=password, forgot=forgot)
    elif proc.purpose is Purpose.PASSWORD_RESET:
        await binding.complete_password_reset(ctx, proc, password=password)
    else:
        raise WrongStep()
