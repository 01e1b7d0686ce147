"""Withdrawal pages: the list, and applying (precheck, confirmation, idempotent submit).

The same flows as the JSON API (`withdraw/flows.py`): a withdrawal id from the URL is
only ever looked up together with the caller's own account.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request, Response

from wxbackend.bind import binding
from wxbackend.bind.context import BindContext
from wxbackend.bind.deps import BindContextDep
from wxbackend.cards import views as card_views
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
from wxbackend.withdraw import flows
from wxbackend.withdraw.deps import RulesDep
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.schemas import ApplicationPreview

router = APIRouter(prefix="/h5/withdrawals", route_class=PageRoute, include_in_schema=False)


@router.get("")
async def list_withdrawals(
    request: Request, rules: RulesDep, ctx: BindContextDep, user: UserDep
) -> Response:
    items = await flows.list_withdrawals(ctx, rules=rules, channel=user.channel, openid=user.openid)
    return render(request, "withdrawals.html", user=user, items=items)


async def _apply_page(
    request: Request,
    rules: RuleBook,
    ctx: BindContext,
    user: H5User,
    *,
    errors: Errors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    # The precheck comes first: a holder who may not apply learns why before binding
    # (and paying for the check of) a card or filling anything in.
    found = await flows.eligibility(
        ctx.session, ctx.vault, rules=rules, channel=user.channel, openid=user.openid
    )
    overview = await card_views.card_overview(ctx, channel=user.channel, openid=user.openid)
    account = await binding.queryable_account(ctx.session, channel=user.channel, openid=user.openid)
    binding.ensure_not_closed(account)  # said before the form, not after filling it in
    kinds: list[dict[str, Any]] = [
        {
            "kind": e.kind,
            "name": e.name,
            "eligible": e.eligible,
            "reason": e.reason,
            "cap": f"本次最多可提取 {e.max_amount_text}",
            "closes": e.closes_account,
            "documents": [d.name for d in e.documents],
        }
        for e in found
    ]
    values = dict(values or {})
    eligible = [k["kind"] for k in kinds if k["eligible"]]
    if values.get("kind") not in eligible:
        values["kind"] = eligible[0] if eligible else ""
    card = overview.current
    return render(
        request,
        "apply.html",
        http_status=status,
        user=user,
        kinds=kinds,
        any_eligible=bool(eligible),
        card=card if card and card.notice is None else None,
        balance=account.balance,
        errors=errors or {},
        values=values,
    )


@router.get("/new")
async def apply_form(
    request: Request, rules: RulesDep, ctx: BindContextDep, user: UserDep
) -> Response:
    return await _apply_page(request, rules, ctx, user, values={"kind": "rent"})


def _confirm_page(
    request: Request,
    user: H5User,
    preview: ApplicationPreview,
    *,
    key: str,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "confirm.html",
        http_status=status,
        user=user,
        p=preview,
        errors=errors or {},
        # One key per confirmation page: a double tap or a resubmit files one application.
        idempotency_key=key,
    )


@router.post("/new")
async def preview(
    request: Request, rules: RulesDep, ctx: BindContextDep, user: UserDep, form: FormDep
) -> Response:
    """The form's answer: what will be filed, for the depositor to confirm with the password."""
    kind = text(form, "kind", max_len=24)
    amount_text = text(form, "amount", max_len=32) or None
    values = {"kind": kind, "amount": amount_text or ""}
    try:
        found = await flows.preview_application(
            ctx,
            rules=rules,
            channel=user.channel,
            openid=user.openid,
            kind=kind,
            amount_text=amount_text,
        )
    except DomainError as exc:
        await ctx.session.rollback()
        errors = form_errors(exc)
        return await _apply_page(
            request, rules, ctx, user, errors=errors, values=values, status=exc.status
        )
    return _confirm_page(request, user, found, key=secrets.token_urlsafe(16))


@router.post("/confirm")
async def confirm(
    request: Request, rules: RulesDep, ctx: BindContextDep, user: UserDep, form: FormDep
) -> Response:
    """File the confirmed application; a wrong password shows the confirmation again."""
    kind = text(form, "kind", max_len=24)
    amount_text = text(form, "amount", max_len=32) or None
    key = text(form, "idempotency_key", max_len=128)
    try:
        answer = await flows.apply_once(
            ctx,
            rules=rules,
            channel=user.channel,
            openid=user.openid,
            key=key,
            kind=kind,
            amount_text=amount_text,
            password=text(form, "password", max_len=32),
        )
    except DomainError as exc:
        await ctx.session.rollback()
        errors = form_errors(exc)
        if exc.code.startswith("password."):
            found = await flows.preview_application(
                ctx,
                rules=rules,
                channel=user.channel,
                openid=user.openid,
                kind=kind,
                amount_text=amount_text,
            )
            return _confirm_page(request, user, found, key=key, errors=errors, status=exc.status)
        values = {"kind": kind, "amount": amount_text or ""}
        return await _apply_page(
            request, rules, ctx, user, errors=errors, values=values, status=exc.status
        )
    return redirect(f"/h5/withdrawals/{answer.body['id']}")
