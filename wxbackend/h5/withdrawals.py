"""Withdrawal pages: list and progress, apply (idempotent), upload documents, cancel.

The same service calls as the JSON API (`withdraw/api.py`): a withdrawal id from the URL
is only ever looked up together with the caller's own account (`own_withdrawal`).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

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
    upload,
)
from wxbackend.money import format_yuan
from wxbackend.withdraw import service
from wxbackend.withdraw.applying import apply_once
from wxbackend.withdraw.documents import attach_document
from wxbackend.withdraw.models import WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.views import withdrawal_view

router = APIRouter(prefix="/h5/withdrawals", route_class=PageRoute, include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**62)]
CANCELLABLE = (WithdrawalStatus.SUBMITTED, WithdrawalStatus.UNDER_REVIEW)


def _rules(request: Request) -> RuleBook:
    rules: RuleBook = request.app.state.withdraw_rules
    return rules


@router.get("")
async def list_withdrawals(request: Request, ctx: BindContextDep, user: UserDep) -> Response:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    found = await service.withdrawals_of(ctx.session, account_id=account.id)
    items = [await withdrawal_view(ctx.session, _rules(request), w, events=False) for w in found]
    return render(request, "withdrawals.html", user=user, items=items)


async def _apply_page(
    request: Request,
    ctx: BindContext,
    user: H5User,
    *,
    errors: Errors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    overview = await card_views.card_overview(ctx, channel=user.channel, openid=user.openid)
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    rules = _rules(request)
    kinds: list[dict[str, Any]] = [
        {
            "kind": r.kind,
            "name": r.name,
            "cap": f"每次最多 {format_yuan(r.max_amount_fen)}"
            if r.max_amount_fen
            else "最多可提取全部余额",
            "closes": r.closes_account,
            "documents": [rules.document_names[d] for d in r.documents],
        }
        for r in rules.rules.values()
    ]
    card = overview.current
    return render(
        request,
        "apply.html",
        http_status=status,
        user=user,
        kinds=kinds,
        card=card if card and card.notice is None else None,
        balance=account.balance,
        errors=errors or {},
        values=values or {},
        # A fresh key per form: a double tap or a resubmitted page files one application.
        idempotency_key=secrets.token_urlsafe(16),
    )


@router.get("/new")
async def apply_form(request: Request, ctx: BindContextDep, user: UserDep) -> Response:
    return await _apply_page(request, ctx, user, values={"kind": "rent"})


@router.post("/new")
async def apply(request: Request, ctx: BindContextDep, user: UserDep, form: FormDep) -> Response:
    kind = text(form, "kind", max_len=24)
    amount_text = text(form, "amount", max_len=16) or None
    values = {"kind": kind, "amount": amount_text or ""}
    try:
        answer = await apply_once(
            ctx,
            rules=_rules(request),
            channel=user.channel,
            openid=user.openid,
            key=text(form, "idempotency_key", max_len=128),
            kind=kind,
            amount_text=amount_text,
        )
    except DomainError as exc:
        await ctx.session.rollback()
        errors = form_errors(exc)
        return await _apply_page(
            request, ctx, user, errors=errors, values=values, status=exc.status
        )
    return redirect(f"/h5/withdrawals/{answer.body['id']}")


async def _detail_page(
    request: Request,
    ctx: BindContext,
    user: H5User,
    withdrawal_id: int,
    *,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    withdrawal = await service.own_withdrawal(
        ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
    )
    view = await withdrawal_view(ctx.session, _rules(request), withdrawal)
    return render(
        request,
        "withdrawal.html",
        http_status=status,
        user=user,
        w=view,
        cancellable=view.status in CANCELLABLE,
        errors=errors or {},
        uploaded=request.query_params.get("uploaded") == "1",
    )


@router.get("/{withdrawal_id}")
async def detail(
    request: Request, ctx: BindContextDep, user: UserDep, withdrawal_id: Id
) -> Response:
    return await _detail_page(request, ctx, user, withdrawal_id)


@router.post("/{withdrawal_id}/documents")
async def upload_document(
    request: Request, ctx: BindContextDep, user: UserDep, form: FormDep, withdrawal_id: Id
) -> Response:
    limit: int = request.app.state.settings.withdraw.max_document_bytes
    file = upload(form, "file")
    try:
        account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
        withdrawal = await service.own_withdrawal(
            ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
        )
        await attach_document(
            ctx.session,
            rules=_rules(request),
            withdrawal=withdrawal,
            kind=text(form, "kind", max_len=32),
            filename=file.filename if file else None,
            content=await file.read(limit + 1) if file else b"",
            max_bytes=limit,
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        await ctx.session.rollback()
        return await _detail_page(
            request, ctx, user, withdrawal_id, errors=form_errors(exc), status=exc.status
        )
    return redirect(f"/h5/withdrawals/{withdrawal_id}?uploaded=1")


@router.post("/{withdrawal_id}/cancel")
async def cancel(
    request: Request, ctx: BindContextDep, user: UserDep, _form: FormDep, withdrawal_id: Id
) -> Response:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    withdrawal = await service.own_withdrawal(
        ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
    )
    await service.cancel(ctx.session, withdrawal, actor=f"user:{user.openid}")
    return redirect(f"/h5/withdrawals/{withdrawal_id}")
