"""One withdrawal's page: its progress, and the applicant's changes to it (documents,
补件 resubmission, cancel). A withdrawal id from the URL is only ever looked up together
with the caller's own account (`withdraw/flows.py`); another's is a 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from wxbackend.bind.context import BindContext
from wxbackend.bind.deps import BindContextDep
from wxbackend.deps import RowId
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
from wxbackend.withdraw import flows
from wxbackend.withdraw.deps import RulesDep
from wxbackend.withdraw.rules import RuleBook

router = APIRouter(prefix="/h5/withdrawals", route_class=PageRoute, include_in_schema=False)


async def _detail_page(
    request: Request,
    rules: RuleBook,
    ctx: BindContext,
    user: H5User,
    withdrawal_id: int,
    *,
    errors: Errors | None = None,
    status: int = 200,
) -> Response:
    view = await flows.get_withdrawal(
        ctx, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
    )
    return render(
        request,
        "withdrawal.html",
        http_status=status,
        user=user,
        w=view,
        errors=errors or {},
        uploaded=request.query_params.get("uploaded") == "1",
    )


@router.get("/{withdrawal_id}")
async def detail(
    request: Request, rules: RulesDep, ctx: BindContextDep, user: UserDep, withdrawal_id: RowId
) -> Response:
    return await _detail_page(request, rules, ctx, user, withdrawal_id)


@router.post("/{withdrawal_id}/documents")
async def upload_document(
    request: Request,
    rules: RulesDep,
    ctx: BindContextDep,
    user: UserDep,
    form: FormDep,
    withdrawal_id: RowId,
) -> Response:
    limit: int = request.app.state.settings.withdraw.max_document_bytes
    file = upload(form, "file")
    try:
        await flows.upload_document(
            ctx,
            rules=rules,
            channel=user.channel,
            openid=user.openid,
            withdrawal_id=withdrawal_id,
            kind=text(form, "kind", max_len=32),
            filename=file.filename if file else None,
            content=await file.read(limit + 1) if file else b"",
            max_bytes=limit,
        )
    except DomainError as exc:
        return await _refused_on_detail_page(request, rules, ctx, user, withdrawal_id, exc)
    return redirect(f"/h5/withdrawals/{withdrawal_id}?uploaded=1")


async def _refused_on_detail_page(
    request: Request,
    rules: RuleBook,
    ctx: BindContext,
    user: H5User,
    withdrawal_id: int,
    exc: DomainError,
) -> Response:
    """A refused change to one's own application: the detail page again, saying why (a
    withdrawal that is not the caller's stays a 404)."""
    if exc.status == 404:
        raise exc
    await ctx.session.rollback()
    return await _detail_page(
        request, rules, ctx, user, withdrawal_id, errors=form_errors(exc), status=exc.status
    )


@router.post("/{withdrawal_id}/cancel")
async def cancel(
    rules: RulesDep, ctx: BindContextDep, user: UserDep, _form: FormDep, withdrawal_id: RowId
) -> Response:
    await flows.cancel_withdrawal(
        ctx, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
    )
    return redirect(f"/h5/withdrawals/{withdrawal_id}")


@router.post("/{withdrawal_id}/documents/{document_id}/remove")
async def remove_document(
    request: Request,
    rules: RulesDep,
    ctx: BindContextDep,
    user: UserDep,
    _form: FormDep,
    withdrawal_id: RowId,
    document_id: RowId,
) -> Response:
    try:
        await flows.remove_document(
            ctx,
            rules=rules,
            channel=user.channel,
            openid=user.openid,
            withdrawal_id=withdrawal_id,
            document_id=document_id,
        )
    except DomainError as exc:
        return await _refused_on_detail_page(request, rules, ctx, user, withdrawal_id, exc)
    return redirect(f"/h5/withdrawals/{withdrawal_id}")


@router.post("/{withdrawal_id}/resubmit")
async def resubmit(
    request: Request,
    rules: RulesDep,
    ctx: BindContextDep,
    user: UserDep,
    _form: FormDep,
    withdrawal_id: RowId,
) -> Response:
    try:
        await flows.resubmit_withdrawal(
            ctx, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
        )
    except DomainError as exc:
        return await _refused_on_detail_page(request, rules, ctx, user, withdrawal_id, exc)
    return redirect(f"/h5/withdrawals/{withdrawal_id}")
