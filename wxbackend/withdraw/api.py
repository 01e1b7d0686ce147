"""The depositor's withdrawal endpoints: kinds, apply (idempotent), progress, documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse

from wxbackend.auth.deps import CurrentUser
from wxbackend.bind import binding
from wxbackend.bind.deps import BindContextDep
from wxbackend.deps import SettingsDep
from wxbackend.withdraw import service
from wxbackend.withdraw.applying import apply_once
from wxbackend.withdraw.documents import attach_document
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.schemas import (
    DocumentKindRead,
    DocumentRead,
    WithdrawalCreate,
    WithdrawalKindRead,
    WithdrawalRead,
)
from wxbackend.withdraw.views import withdrawal_view

router = APIRouter(prefix="/api/withdrawals", tags=["withdrawals"])


def _rules(request: Request) -> RuleBook:
    rules: RuleBook = request.app.state.withdraw_rules
    return rules


@router.get("/kinds", summary="Withdrawal kinds this centre offers, with caps and documents")
async def list_kinds(request: Request) -> list[WithdrawalKindRead]:
    rules = _rules(request)
    return [
        WithdrawalKindRead(
            kind=rule.kind,
            name=rule.name,
            closes_account=rule.closes_account,
            max_amount=rule.max_amount_fen,
            documents=[
                DocumentKindRead(kind=d, name=rules.document_names[d]) for d in rule.documents
            ],
            review=rule.review,
        )
        for rule in rules.rules.values()
    ]


@router.post(
    "",
    status_code=201,
    summary="Apply for a withdrawal (send an Idempotency-Key header)",
    response_model=WithdrawalRead,
)
async def apply(
    body: WithdrawalCreate,
    request: Request,
    ctx: BindContextDep,
    user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Any:
    answer = await apply_once(
        ctx,
        rules=_rules(request),
        channel=user.channel,
        openid=user.openid,
        key=idempotency_key,
        kind=body.kind,
        amount_text=body.amount,
    )
    return JSONResponse(answer.body, status_code=answer.status_code)


@router.get("", summary="The caller's withdrawals, newest first")
async def list_withdrawals(
    request: Request, ctx: BindContextDep, user: CurrentUser
) -> list[WithdrawalRead]:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    rules = _rules(request)
    found = await service.withdrawals_of(ctx.session, account_id=account.id)
    return [await withdrawal_view(ctx.session, rules, w, events=False) for w in found]


@router.get("/{withdrawal_id}", summary="One of the caller's withdrawals, with its history")
async def get_withdrawal(
    withdrawal_id: int, request: Request, ctx: BindContextDep, user: CurrentUser
) -> WithdrawalRead:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    withdrawal = await service.own_withdrawal(
        ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
    )
    return await withdrawal_view(ctx.session, _rules(request), withdrawal)


@router.post("/{withdrawal_id}/cancel", summary="Withdraw an application not yet approved")
async def cancel(
    withdrawal_id: int, request: Request, ctx: BindContextDep, user: CurrentUser
) -> WithdrawalRead:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    withdrawal = await service.own_withdrawal(
        ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
    )
    await service.cancel(ctx.session, withdrawal, actor=f"user:{user.openid}")
    return await withdrawal_view(ctx.session, _rules(request), withdrawal)


@router.post(
    "/{withdrawal_id}/documents",
    status_code=201,
    summary="Upload a supporting document (JPG, PNG or PDF)",
)
async def upload_document(
    withdrawal_id: int,
    request: Request,
    ctx: BindContextDep,
    user: CurrentUser,
    settings: SettingsDep,
    kind: Annotated[str, Form(max_length=32)],
    file: Annotated[UploadFile, File()],
) -> DocumentRead:
    account = await binding.queryable_account(ctx, channel=user.channel, openid=user.openid)
    withdrawal = await service.own_withdrawal(
        ctx.session, withdrawal_id=withdrawal_id, account_id=account.id
    )
    limit = settings.withdraw.max_document_bytes
    content = await file.read(limit + 1)  # one byte more tells "too large" apart
    document = await attach_document(
        ctx.session,
        rules=_rules(request),
        withdrawal=withdrawal,
        kind=kind,
        filename=file.filename,
        content=content,
        max_bytes=limit,
    )
    return DocumentRead(
        id=document.id, kind=document.kind, filename=document.filename, size=document.size
    )
