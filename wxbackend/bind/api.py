"""Signing, binding and password endpoints, shared by the mini-program and H5 pages.

Every step acts on the caller's own procedure, found by the session's openid: no id in
a URL or body can reach anyone else's.
"""

from __future__ import annotations

from fastapi import APIRouter

from wxbackend.auth import service as auth
from wxbackend.auth.deps import CurrentUser, SessionStoreDep
from wxbackend.auth.schemas import MiniProgramLoginCreate, MiniProgramLoginRead
from wxbackend.auth.service import safe_next
from wxbackend.bind import binding, flows, signing, unbinding
from wxbackend.bind.deps import BindContextDep
from wxbackend.bind.errors import NotBound
from wxbackend.bind.models import Purpose, SigningStep
from wxbackend.bind.schemas import (
    AgreementCreate,
    BindingRead,
    FaceResultCreate,
    FaceStartCreate,
    FaceStartRead,
    IdentityCreate,
    NewMobileCreate,
    PasswordChange,
    PasswordCreate,
    PasswordLoginCreate,
    ProcedureRead,
    SigningPasswordCreate,
    SmsCodeCreate,
    SmsSent,
)
from wxbackend.deps import MiniProgramDep, SettingsDep
from wxbackend.enums import Channel
from wxbackend.security.masking import mask_account_no

router = APIRouter(tags=["signing and binding"])


def _add_steps(prefix: str, purpose: Purpose) -> None:
    """The SMS and face steps, the same for every procedure that has them."""

    @router.get(prefix, summary=f"Current step of the caller's {purpose.value} procedure")
    async def current(ctx: BindContextDep, user: CurrentUser) -> ProcedureRead:
        return await flows.procedure_read(ctx, await flows.procedure(ctx, user, purpose))

    if SigningStep.SMS in signing.STEPS[purpose]:

        @router.post(prefix + "/sms", summary="Text a 6-digit code to the account's mobile")
        async def send_sms(
            ctx: BindContextDep, user: CurrentUser, body: NewMobileCreate | None = None
        ) -> SmsSent:
            proc = await flows.procedure(ctx, user, purpose)
            masked = await flows.send_sms_code(
                ctx, proc, new_mobile=body.mobile if body is not None else None
            )
            return SmsSent(masked_mobile=masked, expires_in=ctx.settings.sms_code_ttl_s)

        @router.post(prefix + "/sms/verify", summary="Check the SMS code")
        async def verify_sms(
            body: SmsCodeCreate, ctx: BindContextDep, user: CurrentUser
        ) -> ProcedureRead:
            proc = await flows.procedure(ctx, user, purpose)
            await flows.verify_sms_code(ctx, proc, code=body.code)
            return await flows.procedure_read(ctx, proc)

    if SigningStep.FACE in signing.STEPS[purpose]:
        _add_face_steps(prefix, purpose)


def _add_face_steps(prefix: str, purpose: Purpose) -> None:
    @router.post(prefix + "/face", summary="Start a face check with the channel's provider")
    async def start_face(
        body: FaceStartCreate, ctx: BindContextDep, user: CurrentUser, settings: SettingsDep
    ) -> FaceStartRead:
        proc = await flows.procedure(ctx, user, purpose)
        redirect = None
        if user.channel is Channel.OFFICIAL_ACCOUNT:
            redirect = settings.server.public_base_url + safe_next(
                body.redirect_path or "/h5/signup/face-done"
            )
        started = await signing.start_face(ctx, proc, redirect_url=redirect or "")
        return FaceStartRead(provider=started.provider, url=started.url, token=started.token)

    @router.post(prefix + "/face/result", summary="Read the face check's result server-side")
    async def face_result(
        body: FaceResultCreate, ctx: BindContextDep, user: CurrentUser
    ) -> ProcedureRead:
        proc = await flows.procedure(ctx, user, purpose)
        await flows.finish_face_check(ctx, proc, ref=body.token)
        return await flows.procedure_read(ctx, proc)


_add_steps("/api/signing", Purpose.SIGNING)
_add_steps("/api/password/reset", Purpose.PASSWORD_RESET)
_add_steps("/api/binding/unbind-face", Purpose.UNBIND)
_add_steps("/api/binding/password", Purpose.PASSWORD_BIND)
# Face check first, then POST /api/mobile/sms {"mobile": <new>} and .../sms/verify.
_add_steps("/api/mobile", Purpose.MOBILE_CHANGE)
# Mini-program face login: POST /api/mp/face-login/identity, then .../face and .../face/result.
_add_steps("/api/mp/face-login", Purpose.FACE_LOGIN)


@router.post(
    "/api/mp/face-login/identity",
    summary="Mini-program face login: a signed holder's name and ID number, then the face check",
)
async def face_login_identity(
    body: IdentityCreate, ctx: BindContextDep, user: CurrentUser
) -> ProcedureRead:
    proc = await flows.procedure(ctx, user, Purpose.FACE_LOGIN)
    await flows.start_face_login(ctx, proc, name=body.name, id_no=body.id_no)
    return await flows.procedure_read(ctx, proc)


@router.post(
    "/api/binding/password/login",
    summary="Account or ID number + query password; binds, or asks for an SMS code next",
)
async def log_in_with_password(
    body: PasswordLoginCreate, ctx: BindContextDep, user: CurrentUser
) -> ProcedureRead:
    proc = await flows.procedure(ctx, user, Purpose.PASSWORD_BIND)
    await flows.log_in_with_password(ctx, proc, login=body.login, password=body.password)
    return await flows.procedure_read(ctx, proc)


@router.post("/api/signing/agreement", summary="Accept the online-service agreement")
async def accept_agreement(
    body: AgreementCreate, ctx: BindContextDep, user: CurrentUser
) -> ProcedureRead:
    proc = await flows.procedure(ctx, user, Purpose.SIGNING)
    await signing.accept_agreement(ctx, proc, version=body.version)
    return await flows.procedure_read(ctx, proc)


@router.post("/api/signing/identity", summary="Match name and ID number to a fund account")
async def submit_identity(
    body: IdentityCreate, ctx: BindContextDep, user: CurrentUser
) -> ProcedureRead:
    proc = await flows.procedure(ctx, user, Purpose.SIGNING)
    await signing.submit_identity(ctx, proc, name=body.name, id_no=body.id_no)
    return await flows.procedure_read(ctx, proc)


@router.post("/api/signing/password", summary="Set (or confirm) the password and bind")
async def complete_signing(
    body: SigningPasswordCreate, ctx: BindContextDep, user: CurrentUser
) -> BindingRead:
    proc = await flows.procedure(ctx, user, Purpose.SIGNING)
    await flows.set_password(ctx, proc, password=body.password, forgot=body.forgot)
    return await binding_status(ctx, user)


@router.post("/api/password/reset", summary="Set a new password after SMS code and face check")
async def reset_password(
    body: PasswordCreate, ctx: BindContextDep, user: CurrentUser
) -> ProcedureRead:
    proc = await flows.procedure(ctx, user, Purpose.PASSWORD_RESET)
    await flows.set_password(ctx, proc, password=body.password)
    return await flows.procedure_read(ctx, proc)


@router.post("/api/password/change", summary="Change the query password", status_code=204)
async def change_password(body: PasswordChange, ctx: BindContextDep, user: CurrentUser) -> None:
    await binding.change_password(
        ctx,
        channel=user.channel,
        openid=user.openid,
        old=body.old_password,
        new=body.new_password,
    )


@router.get("/api/binding", summary="Whether the caller is bound, and to which account")
async def binding_status(ctx: BindContextDep, user: CurrentUser) -> BindingRead:
    try:
        account = await binding.bound_account(ctx.session, channel=user.channel, openid=user.openid)
    except NotBound:
        return BindingRead(bound=False, channel=user.channel)
    return BindingRead(
        bound=True,
        channel=user.channel,
        account_no=mask_account_no(account.account_no),
        name=account.name_masked,
    )


@router.post("/api/binding/unbind", summary="Unbind with the query password", status_code=204)
async def unbind(body: PasswordCreate, ctx: BindContextDep, user: CurrentUser) -> None:
    await unbinding.unbind_with_password(
        ctx, channel=user.channel, openid=user.openid, password=body.password
    )


@router.post(
    "/api/mp/session", tags=["login"], summary="Mini-program login: wx.login code → session token"
)
async def mini_program_login(
    body: MiniProgramLoginCreate,
    mp: MiniProgramDep,
    sessions: SessionStoreDep,
    settings: SettingsDep,
    ctx: BindContextDep,
) -> MiniProgramLoginRead:
    login = await auth.login_mini_program(mp=mp, sessions=sessions, js_code=body.code)
    try:
        await binding.bound_account(ctx.session, channel=Channel.MINI_PROGRAM, openid=login.openid)
        bound = True
    except NotBound:
        bound = False
    return MiniProgramLoginRead(token=login.token, expires_in=settings.sessions.idle_s, bound=bound)
