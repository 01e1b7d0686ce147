"""The signing steps (签约): agreement, identity, face check, password (the SMS code
step is bind/sms_codes.py).

The same SMS and face steps serve password reset and unbinding by face. Each step is
its own request; progress lives in a `signing` row, so a user can leave and resume.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from wxbackend.audit.models import AuditOutcome
from wxbackend.bind import repository as repo
from wxbackend.bind.context import BindContext
from wxbackend.bind.errors import (
    AccountBoundElsewhere,
    AlreadyBound,
    FaceNotPassed,
    IdentityNotMatched,
    NoMobileOnFile,
    NotBound,
    WrongStep,
)
from wxbackend.bind.models import Purpose, Signing, SigningStep
from wxbackend.clock import now
from wxbackend.enums import Channel
from wxbackend.errors import InvalidInput, NotFound
from wxbackend.faceid.gateway import FaceChannel
from wxbackend.faceid.gateway import Identity as FaceIdentity
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import is_valid_id_no, normalise_id_no
from wxbackend.fund.models import AccountStatus, FundAccount
from wxbackend.security import ratelimit
from wxbackend.security.masking import mask_mobile
from wxbackend.security.ratelimit import Limit

DAY = 24 * 3600

STEPS: dict[Purpose, tuple[SigningStep, ...]] = {
    Purpose.SIGNING: (
        SigningStep.AGREEMENT,
        SigningStep.IDENTITY,
        SigningStep.SMS,
        SigningStep.FACE,
        SigningStep.PASSWORD,
        SigningStep.BOUND,
    ),
    Purpose.PASSWORD_RESET: (
        SigningStep.SMS,
        SigningStep.FACE,
        SigningStep.PASSWORD,
        SigningStep.BOUND,
    ),
    Purpose.UNBIND: (SigningStep.FACE, SigningStep.BOUND),
    # IDENTITY is "account or ID number + password" here (bind/password_login.py).
    Purpose.PASSWORD_BIND: (SigningStep.IDENTITY, SigningStep.SMS, SigningStep.BOUND),
    # SMS is "a code to the new number" here (bind/mobile.py).
    Purpose.MOBILE_CHANGE: (SigningStep.FACE, SigningStep.SMS, SigningStep.BOUND),
    Purpose.FACE_LOGIN: (SigningStep.IDENTITY, SigningStep.FACE, SigningStep.BOUND),
}

# Procedures that bind an openid that is not bound yet (the others need a binding).
BINDING_PURPOSES = (Purpose.SIGNING, Purpose.PASSWORD_BIND, Purpose.FACE_LOGIN)


FACE_CHANNELS: dict[Channel, FaceChannel] = {
    Channel.OFFICIAL_ACCOUNT: "h5",
    Channel.MINI_PROGRAM: "miniprogram",
}


@dataclass(frozen=True, slots=True)
class FaceStart:
    provider: str
    url: str | None  # H5: open this page
    token: str  # mini-program: BizToken for wx.startVerify or verify_id for requestFacialVerify


async def procedure(
    ctx: BindContext, *, purpose: Purpose, channel: Channel, openid: str, unionid: str | None
) -> Signing:
    """The user's unfinished procedure of this purpose, started if there is none."""
    current = await repo.open_signing(ctx.session, purpose=purpose, channel=channel, openid=openid)
    if current is not None:
        return current
    account_id = None
    if purpose in BINDING_PURPOSES:
        if await repo.binding_for_openid(ctx.session, channel=channel, openid=openid):
            raise AlreadyBound()
    else:
        binding = await repo.binding_for_openid(ctx.session, channel=channel, openid=openid)
        if binding is None:
            raise NotBound()
        account_id = binding.account_id
    signing = Signing(
        purpose=purpose,
        channel=channel,
        openid=openid,
        unionid=unionid,
        step=STEPS[purpose][0],
        account_id=account_id,
    )
    if account_id is not None:
        signing.identity_matched_at = now()
    await repo.add(ctx.session, signing)
    return signing


def audit_refusal(ctx: BindContext, signing: Signing, action: str, reason: str) -> None:
    """Record a refused step of this procedure (its user, channel and account)."""
    ctx.audit.record(
        action,
        AuditOutcome.REFUSED,
        channel=signing.channel,
        openid=signing.openid,
        account_id=signing.account_id,
        reason=reason,
    )


def advance(signing: Signing) -> None:
    steps = STEPS[signing.purpose]
    signing.step = steps[steps.index(signing.step) + 1]
    if signing.step is SigningStep.BOUND:
        signing.completed_at = now()


def require_step(signing: Signing, step: SigningStep) -> None:
    if signing.step is not step:
        raise WrongStep(current_step=signing.step.value)


async def accept_agreement(ctx: BindContext, signing: Signing, *, version: str) -> None:
    require_step(signing, SigningStep.AGREEMENT)
    if version != ctx.settings.agreement_version:
        raise InvalidInput("服务协议已更新，请阅读最新版本后再同意。", field="version")
    signing.agreement_version = version
    signing.agreed_at = now()
    advance(signing)


async def submit_identity(ctx: BindContext, signing: Signing, *, name: str, id_no: str) -> str:
    """Match name + ID number to an account; returns the masked mobile the code goes to."""
    require_step(signing, SigningStep.IDENTITY)
    id_no = normalise_id_no(id_no)
    name = name.strip()
    if not is_valid_id_no(id_no):
        raise InvalidInput("身份证号码格式不正确，请检查后重新输入。", field="id_no")
    if not name:
        raise InvalidInput("请输入姓名。", field="name")
    id_key = ctx.vault.lookup_hash("id_no", id_no).hex()
    day = Limit(ctx.settings.identity_attempts_per_openid_per_day, DAY)
    await ratelimit.hit(ctx.store, f"identity:openid:{signing.openid}", day)
    # Per ID number *and* openid: wrong names typed by someone holding a person's ID
    # number use up that someone's attempts, never the owner's own.
    await ratelimit.hit(
        ctx.store,
        f"identity:id:{id_key}:{signing.openid}",
        Limit(ctx.settings.identity_attempts_per_id_per_day, DAY),
    )
    candidates = await fund.find_accounts_by_id_no(ctx.session, ctx.vault, id_no)
    # A closed account signs too (its history stays readable); an open one comes first.
    candidates.sort(key=lambda a: a.status is AccountStatus.CLOSED)
    account = next((a for a in candidates if fund.reveal_name(ctx.vault, a) == name), None)
    if account is None:
        audit_refusal(ctx, signing, "signing.identity", "identity_not_matched")
        raise IdentityNotMatched()
    for binding in await repo.bindings_for_account(ctx.session, account.id):
        if binding.channel is signing.channel and binding.openid != signing.openid:
            raise AccountBoundElsewhere()
    mobile = fund.reveal_mobile(ctx.vault, account)
    if not mobile:
        raise NoMobileOnFile()
    signing.account_id = account.id
    signing.identity_matched_at = now()
    advance(signing)
    return mask_mobile(mobile)


async def signing_account(ctx: BindContext, signing: Signing) -> FundAccount:
    if signing.account_id is None:
        raise WrongStep()
    account = await fund.get_account(ctx.session, signing.account_id)
    if account is None:
        raise NotFound()
    return account


async def _face_identity(ctx: BindContext, signing: Signing) -> FaceIdentity:
    account = await signing_account(ctx, signing)
    return FaceIdentity(
        name=fund.reveal_name(ctx.vault, account), id_no=fund.reveal_id_no(ctx.vault, account)
    )


async def start_face(ctx: BindContext, signing: Signing, *, redirect_url: str) -> FaceStart:
    """Start a face check with the channel's provider; limited per day (each one is paid)."""
    require_step(signing, SigningStep.FACE)
    day = Limit(ctx.settings.face_attempts_per_day, DAY)
    await ratelimit.hit(ctx.store, f"face:openid:{signing.openid}", day)
    await ratelimit.hit(ctx.store, f"face:account:{signing.account_id}", day)
    verifier = ctx.faces[FACE_CHANNELS[signing.channel]]
    nonce = secrets.token_hex(16)
    started = await verifier.start(
        openid=signing.openid,
        identity=await _face_identity(ctx, signing),
        nonce=nonce,
        channel=FACE_CHANNELS[signing.channel],
        redirect_url=redirect_url,
    )
    signing.face_provider = started.provider
    signing.face_ref = started.token
    signing.face_nonce = nonce
    signing.face_expires_at = started.expires_at
    signing.face_passed_at = None
    return FaceStart(provider=started.provider, url=started.url, token=started.token)


async def check_face(ctx: BindContext, signing: Signing, *, ref: str | None = None) -> None:
    """Read the provider's own result server-side; the client's word is never taken."""
    require_step(signing, SigningStep.FACE)
    if signing.face_ref is None or signing.face_nonce is None:
        raise WrongStep("请先进行人脸识别。")
    if ref is not None and not hmac.compare_digest(ref.encode(), signing.face_ref.encode()):
        # A check started by someone else (another openid or another signing).
        audit_refusal(ctx, signing, "signing.face", "foreign_verification")
        raise FaceNotPassed("该人脸核验不属于本次签约，请重新进行人脸识别。")
    if signing.face_expires_at is not None and signing.face_expires_at <= now():
        raise FaceNotPassed("人脸核验已过期，请重新进行人脸识别。")
    verifier = ctx.faces[FACE_CHANNELS[signing.channel]]
    result = await verifier.result(
        token=signing.face_ref,
        openid=signing.openid,
        identity=await _face_identity(ctx, signing),
        nonce=signing.face_nonce,
    )
    if not result.passed:
        audit_refusal(ctx, signing, "signing.face", result.reason.value)
        raise FaceNotPassed(result.message)
    signing.face_passed_at = now()
    advance(signing)
