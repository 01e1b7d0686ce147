"""The depositor's withdrawal endpoints: kinds, apply (idempotent), progress, documents."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse

from wxbackend.auth.deps import CurrentUser
from wxbackend.bind.deps import BindContextDep
from wxbackend.deps import RowId, SettingsDep
from wxbackend.withdraw import flows
from wxbackend.withdraw.deps import RulesDep
from wxbackend.withdraw.schemas import (
    ApplicationDraft,
    ApplicationPreview,
    DocumentKindRead,
    DocumentRead,
    KindEligibilityRead,
    WithdrawalCreate,
    WithdrawalKindRead,
    WithdrawalRead,
)

router = APIRouter(prefix="/api/withdrawals", tags=["withdrawals"])


@router.get("/kinds", summary="Withdrawal kinds this centre offers, with caps and documents")
async def list_kinds(rules: RulesDep) -> list[WithdrawalKindRead]:
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


@router.get(
    "/eligibility",
    summary="Which kinds the caller may apply for today, and why not (check this first)",
)
async def eligibility(
    rules: RulesDep, ctx: BindContextDep, user: CurrentUser
) -> list[KindEligibilityRead]:
    return await flows.eligibility(
        ctx.session, ctx.vault, rules=rules, channel=user.channel, openid=user.openid
    )


@router.post(
    "/preview",
    summary="Check an application and show what will be filed, for the depositor to confirm",
)
async def preview(
    body: ApplicationDraft, rules: RulesDep, ctx: BindContextDep, user: CurrentUser
) -> ApplicationPreview:
    return await flows.preview_application(
        ctx,
        rules=rules,
        channel=user.channel,
        openid=user.openid,
        kind=body.kind,
        amount_text=body.amount,
    )


@router.post(
    "",
    status_code=201,
    summary="Apply for a withdrawal, confirmed with the query password (send an Idempotency-Key)",
    response_model=WithdrawalRead,
)
async def apply(
    body: WithdrawalCreate,
    rules: RulesDep,
    ctx: BindContextDep,
    user: CurrentUser,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Any:
    answer = await flows.apply_once(
        ctx,
        rules=rules,
        channel=user.channel,
        openid=user.openid,
        key=idempotency_key,
        kind=body.kind,
        amount_text=body.amount,
        password=body.password,
    )
    return JSONResponse(answer.body, status_code=answer.status_code)


@router.get("", summary="The caller's withdrawals, newest first")
async def list_withdrawals(
    rules: RulesDep, ctx: BindContextDep, user: CurrentUser
) -> list[WithdrawalRead]:
    return await flows.list_withdrawals(ctx, rules=rules, channel=user.channel, openid=user.openid)


@router.get("/{withdrawal_id}", summary="One of the caller's withdrawals, with its history")
async def get_withdrawal(
    withdrawal_id: RowId, rules: RulesDep, ctx: BindContextDep, user: CurrentUser
) -> WithdrawalRead:
    return await flows.get_withdrawal(
        ctx, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
    )


@router.post("/{withdrawal_id}/cancel", summary="Withdraw an application not yet approved")
async def cancel(
    withdrawal_id: RowId, rules: RulesDep, ctx: BindContextDep, user: CurrentUser
) -> WithdrawalRead:
    return await flows.cancel_withdrawal(
        ctx, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
    )


@router.post(
    "/{withdrawal_id}/documents",
    status_code=201,
    summary="Upload a supporting document (JPG, PNG or PDF)",
)
async def upload_document(
    withdrawal_id: RowId,
    rules: RulesDep,
    ctx: BindContextDep,
    user: CurrentUser,
    settings: SettingsDep,
    kind: Annotated[str, Form(max_length=32)],
    file: Annotated[UploadFile, File()],
) -> DocumentRead:
    limit = settings.withdraw.max_document_bytes
    document = await flows.upload_document(
        ctx,
        rules=rules,
        channel=user.channel,
        openid=user.openid,
        withdrawal_id=withdrawal_id,
        kind=kind,
        filename=file.filename,
        content=await file.read(limit + 1),  # one byte more tells "too large" apart
        max_bytes=limit,
    )
    return DocumentRead(
        id=document.id,
        kind=document.kind,
        filename=document.filename,
        size=document.size,
        name=rules.document_names.get(document.kind, document.kind),
    )


@router.delete(
    "/{withdrawal_id}/documents/{document_id}",
    summary="Remove an uploaded document (before review, or while 补件 is asked)",
)
async def remove_document(
    withdrawal_id: RowId,
    document_id: RowId,
    rules: RulesDep,
    ctx: BindContextDep,
    user: CurrentUser,
) -> WithdrawalRead:
    return await flows.remove_document(
        ctx,
        rules=rules,
        channel=user.channel,
        openid=user.openid,
        withdrawal_id=withdrawal_id,
        document_id=document_id,
    )


@router.post(
    "/{withdrawal_id}/resubmit", summary="补件 done: send the same application back to review"
)
async def resubmit(
    withdrawal_id: RowId, rules: RulesDep, ctx: BindContextDep, user: CurrentUser
) -> WithdrawalRead:
    return await flows.resubmit_withdrawal(
        ctx, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
    )
