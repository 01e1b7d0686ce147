"""The step pages: sign-up (签约绑定), password reset and unbinding by face.

Each flow is the caller's own procedure in `bind.signing` (found by channel + openid),
walked one form at a time; the face check leaves for 慧眼's page and comes back to
`<flow>/face-done?token=...`, where the result is read server-side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response

from wxbackend.bind import binding, flows, signing
from wxbackend.bind.context import BindContext
from wxbackend.bind.deps import BindContextDep
from wxbackend.bind.errors import AlreadyBound, NotBound
from wxbackend.bind.models import Purpose, Signing, SigningStep
from wxbackend.bind.passwords import shape_error
from wxbackend.config_features import SigningSettings
from wxbackend.errors import DomainError
from wxbackend.h5.web import (
    Errors,
    FormDep,
    H5User,
    PageRoute,
    UserDep,
    form_errors,
    redirect,
    render,
    text,
)

router = APIRouter(prefix="/h5", route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Flow:
    key: str
    purpose: Purpose
    base: str  # the flow's page; its forms post below it
    title: str
    done_title: str
    done_text: str
    done_link: tuple[str, str]  # (path, label)


FLOWS = (
    Flow(
        "signup",
        Purpose.SIGNING,
        "/h5/signup",
        "签约绑定",
        "签约成功",
        "您的微信已绑定公积金账户，现在可以查询账户、办理提取。",
        ("/h5/account", "查看我的账户"),
    ),
    Flow(
        "reset",
        Purpose.PASSWORD_RESET,
        "/h5/password/reset",
        "重置查询密码",
        "密码已重置",
        "新的查询密码已生效，请牢记并妥善保管，不要告诉他人。",
        ("/h5/", "返回首页"),
    ),
    Flow(
        "bindpw",
        Purpose.PASSWORD_BIND,
        "/h5/bind/password",
        "账号密码绑定",
        "绑定成功",
        "您的微信已绑定公积金账户，现在可以查询账户、办理提取。",
        ("/h5/account", "查看我的账户"),
    ),
    Flow(
        "mobile",
        Purpose.MOBILE_CHANGE,
        "/h5/mobile",
        "更换手机号码",
        "手机号码已更换",
        "今后短信验证码和通知将发送到新手机号码，原号码已收到变更提醒。",
        ("/h5/", "返回首页"),
    ),
    Flow(
        "unbind",
        Purpose.UNBIND,
        "/h5/unbind/face",
        "刷脸解除绑定",
        "已解除绑定",
        "您的微信已与公积金账户解除绑定。如需再次使用，请重新签约绑定。",
        ("/h5/signup", "重新签约绑定"),
    ),
)


def agreement_points(settings: SigningSettings) -> tuple[str, ...]:
    """The service agreement's points; the lockout is the one the settings enforce."""
    lock_minutes = math.ceil(settings.password_lock_s / 60)
    return (
        "本服务由住房公积金管理中心通过微信公众号提供，用于查询本人公积金信息、办理提取等线上业务。",
        "签约需核验您的姓名、身份证号码、登记手机号码，并通过腾讯云慧眼进行人脸识别，确认为本人操作。",
        f"查询密码为6位数字，请勿告知他人；连续输错{settings.password_max_failures}次"
        f"将锁定{lock_minutes}分钟。",
        "提取资金只转入您本人的I类借记卡。通过本服务提交的申请与到柜台办理具有同等效力。",
        "中心依法保护您的个人信息，仅用于办理公积金业务，不会向无关第三方提供。",
    )


async def procedure_of(ctx: BindContext, user: H5User, flow: Flow) -> Signing:
    return await flows.procedure(ctx, user.session, flow.purpose)


async def step_page(
    request: Request,
    ctx: BindContext,
    user: H5User,
    flow: Flow,
    *,
    errors: Errors | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    proc = await procedure_of(ctx, user, flow)
    if proc.step is SigningStep.BOUND:
        return redirect(flow.base + "/done")
    view = await flows.procedure_read(ctx, proc)
    steps = [s.value for s in signing.STEPS[flow.purpose] if s is not SigningStep.BOUND]
    values = dict(values or {})
    if request.query_params.get("forgot") == "1":
        values["forgot"] = "1"
    return render(
        request,
        "steps.html",
        http_status=status,
        user=user,
        flow=flow,
        steps=steps,
        agreement=agreement_points(ctx.settings),
        agreement_version=ctx.settings.agreement_version,
        errors=errors or {},
        values=values,
        sent=request.query_params.get("sent") == "1",
        sms_valid_minutes=ctx.settings.sms_code_ttl_s // 60,
        step=view.step.value,
        masked_mobile=view.masked_mobile,
        must_set=view.password_must_set,
        lock_failures=ctx.settings.password_max_failures,
    )


async def refused(
    request: Request,
    ctx: BindContext,
    user: H5User,
    flow: Flow,
    exc: DomainError,
    values: dict[str, str] | None = None,
) -> Response:
    # The refused work is undone before the page is drawn again (the audit trail is not).
    await ctx.session.rollback()
    errors = form_errors(exc)
    return await step_page(
        request, ctx, user, flow, errors=errors, status=exc.status, values=values
    )


def _add_flow(flow: Flow) -> None:
    @router.get(flow.base.removeprefix("/h5"), name=f"{flow.key}_page")
    async def page(request: Request, ctx: BindContextDep, user: UserDep) -> Response:
        if flow.purpose in signing.BINDING_PURPOSES:
            try:
                return await step_page(request, ctx, user, flow)
            except AlreadyBound:
                return redirect(flow.base + "/done")
        if flow.purpose is Purpose.PASSWORD_RESET:
            try:
                return await step_page(request, ctx, user, flow)
            except NotBound:
                # Not bound: the sign-up's own SMS and face checks let a new one be set.
                return redirect("/h5/signup?forgot=1")
        return await step_page(request, ctx, user, flow)

    @router.get(flow.base.removeprefix("/h5") + "/done", name=f"{flow.key}_done")
    async def done(request: Request, user: UserDep) -> Response:
        return render(request, "done.html", user=user, flow=flow)

    @router.post(flow.base.removeprefix("/h5") + "/sms", name=f"{flow.key}_sms")
    async def send_sms(
        request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
    ) -> Response:
        try:
            proc = await procedure_of(ctx, user, flow)
            await flows.send_sms_code(ctx, proc, new_mobile=text(form, "mobile", max_len=20))
        except DomainError as exc:
            return await refused(request, ctx, user, flow, exc)
        return redirect(flow.base + "?sent=1")

    @router.post(flow.base.removeprefix("/h5") + "/sms/verify", name=f"{flow.key}_sms_verify")
    async def verify_sms(
        request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
    ) -> Response:
        code = text(form, "code", max_len=6)
        try:
            proc = await procedure_of(ctx, user, flow)
            await flows.verify_sms_code(ctx, proc, code=code)
        except DomainError as exc:
            return await refused(request, ctx, user, flow, exc)
        return redirect(flow.base + "/done" if proc.step is SigningStep.BOUND else flow.base)

    if flow.purpose is not Purpose.PASSWORD_BIND:
        _add_face_and_password(flow)


def _add_face_and_password(flow: Flow) -> None:
    @router.post(flow.base.removeprefix("/h5") + "/face", name=f"{flow.key}_face")
    async def start_face(
        request: Request, ctx: BindContextDep, user: UserDep, _form: FormDep
    ) -> Response:
        base_url = request.app.state.settings.server.public_base_url
        try:
            proc = await procedure_of(ctx, user, flow)
            started = await signing.start_face(
                ctx, proc, redirect_url=base_url + flow.base + "/face-done"
            )
        except DomainError as exc:
            return await refused(request, ctx, user, flow, exc)
        # 慧眼's own page (the sandbox's locally); it comes back with ?token=<BizToken>.
        return redirect(started.url or flow.base)

    @router.get(flow.base.removeprefix("/h5") + "/face-done", name=f"{flow.key}_face_done")
    async def face_done(
        request: Request, ctx: BindContextDep, user: UserDep, token: str | None = None
    ) -> Response:
        # Reading the result is safe on a GET: only this openid's own check can pass.
        try:
            proc = await procedure_of(ctx, user, flow)
            if proc.step is SigningStep.FACE:
                await flows.finish_face_check(ctx, proc, ref=(token or "")[:128] or None)
        except DomainError as exc:
            return await refused(request, ctx, user, flow, exc)
        return redirect(flow.base + "/done" if flow.purpose is Purpose.UNBIND else flow.base)

    if flow.purpose in (Purpose.UNBIND, Purpose.MOBILE_CHANGE):
        return

    @router.post(flow.base.removeprefix("/h5") + "/password", name=f"{flow.key}_password")
    async def set_password(
        request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
    ) -> Response:
        password = text(form, "password")
        confirm = text(form, "confirm")
        forgot = flow.purpose is Purpose.SIGNING and form.get("forgot") == "1"
        proc = await procedure_of(ctx, user, flow)
        must_set = forgot or (await binding.password_mode(ctx, proc)).must_set
        values = {"forgot": "1"} if forgot else {}  # the form the holder used comes back
        reason = shape_error(password, label="密码")
        errors: Errors = {}
        if reason:
            errors = {"password": reason}
        elif must_set and confirm != password:
            errors = {"confirm": "两次输入的密码不一致。"}
        if errors:
            return await step_page(
                request, ctx, user, flow, errors=errors, status=422, values=values
            )
        try:
            await flows.set_password(ctx, proc, password=password, forgot=forgot)
        except DomainError as exc:
            return await refused(request, ctx, user, flow, exc, values)
        return redirect(flow.base + "/done")


for _flow in FLOWS:
    _add_flow(_flow)


@router.post("/signup/agreement")
async def accept_agreement(
    request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
) -> Response:
    flow = FLOWS[0]
    if form.get("agree") != "1":
        errors = {"agree": "请阅读并勾选同意服务协议。"}
        return await step_page(request, ctx, user, flow, errors=errors, status=422)
    try:
        version = text(form, "version", max_len=32)
        await signing.accept_agreement(ctx, await procedure_of(ctx, user, flow), version=version)
    except DomainError as exc:
        return await refused(request, ctx, user, flow, exc)
    return redirect(flow.base)


@router.post("/signup/identity")
async def submit_identity(
    request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
) -> Response:
    flow = FLOWS[0]
    name = text(form, "name", max_len=32)
    id_no = text(form, "id_no", max_len=18)
    values = {"name": name}  # the ID number is never echoed back into the page
    try:
        proc = await procedure_of(ctx, user, flow)
        await signing.submit_identity(ctx, proc, name=name, id_no=id_no)
    except DomainError as exc:
        return await refused(request, ctx, user, flow, exc, values)
    return redirect(flow.base)
