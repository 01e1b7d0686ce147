"""The follower's settings: bank card, password change, unbinding with the password."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.bind import binding, unbinding
from wxbackend.bind.context import BindContext
from wxbackend.bind.deps import BindContextDep
from wxbackend.bind.passwords import shape_error
from wxbackend.cards import service as cards
from wxbackend.cards import views as card_views
from wxbackend.cards.api import CardVerifierDep
from wxbackend.cards.bins import default_bins
from wxbackend.cards.errors import TYPE1_EXPLAINED
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


async def _card_page(
    request: Request,
    ctx: BindContext,
    user: H5User,
    *,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    overview = await card_views.card_overview(ctx, channel=user.channel, openid=user.openid)
    bins = default_bins()
    return render(
        request,
        "card.html",
        http_status=status,
        user=user,
        card=overview.current,
        banks=[bins.bank_name(code) for code in overview.supported],
        type1_explained=TYPE1_EXPLAINED,
        errors=errors or {},
        bound=request.query_params.get("bound") == "1",
    )


@router.get("/card")
async def card(request: Request, ctx: BindContextDep, user: UserDep) -> Response:
    return await _card_page(request, ctx, user)


@router.post("/card")
async def bind_card(
    request: Request,
    ctx: BindContextDep,
    user: UserDep,
    form: FormDep,
    verifier: CardVerifierDep,
) -> Response:
    password = text(form, "password") or None
    try:
        await cards.bind_card(
            ctx,
            verifier,
            channel=user.channel,
            openid=user.openid,
            card_no=text(form, "card_no", max_len=32),
            confirm_type1=form.get("confirm_type1") == "1",
            password=password,
        )
    except DomainError as exc:
        await ctx.session.rollback()
        return await _card_page(request, ctx, user, errors=form_errors(exc), status=exc.status)
    return redirect("/h5/card?bound=1")


@router.get("/password")
async def password_page(request: Request, user: UserDep) -> Response:
    initial = request.query_params.get("initial") == "1"
    changed = request.query_params.get("changed") == "1"
    return render(request, "password.html", user=user, errors={}, initial=initial, changed=changed)


@router.post("/password")
async def change_password(
    request: Request, ctx: BindContextDep, user: UserDep, form: FormDep
) -> Response:
    old = text(form, "old_password")
    new = text(form, "new_password")
    errors: Errors = {}
    # Messages keyed by the form's field names (not secrets).
    for field, value, label in (("old_password", old, "原密码"), ("new_password", new, "新密码")):
        reason = shape_error(value, label=label)
        if reason:
            errors[field] = reason
    if "new_password" not in errors and text(form, "confirm") != new:
        errors["confirm"] = "两次输入的新密码不一致。"
    if not errors:
        try:
            await binding.change_password(
                ctx, channel=user.channel, openid=user.openid, old=old, new=new
            )
        except DomainError as exc:
            await ctx.session.rollback()
            errors = form_errors(exc)
            if "password" in errors:  # the service's "password" is the old one here
                errors["old_password"] = errors.pop("password")
    if errors:
        status = 422
        return render(
            request, "password.html", http_status=status, user=user, errors=errors, initial=False
        )
    return redirect("/h5/password?changed=1")


@router.get("/unbind")
async def unbind_page(request: Request, ctx: BindContextDep, user: UserDep) -> Response:
    await binding.bound_account(ctx.session, channel=user.channel, openid=user.openid)
    return render(request, "unbind.html", user=user, errors={})


@router.post("/unbind")
async def unbind(request: Request, ctx: BindContextDep, user: UserDep, form: FormDep) -> Response:
    password = text(form, "password")
    reason = shape_error(password)
    if form.get("confirm") != "1":
        errors = {"confirm": "请确认解除绑定。"}
    elif reason:
        errors = {"password": reason}
    else:
        try:
            await unbinding.unbind_with_password(
                ctx, channel=user.channel, openid=user.openid, password=password
            )
            return redirect("/h5/unbind/face/done")
        except DomainError as exc:
            await ctx.session.rollback()
            errors = form_errors(exc)
    return render(request, "unbind.html", http_status=422, user=user, errors=errors)
