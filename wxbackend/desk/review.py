"""The review pages: the queue with its filters and counts, a case, its documents and
the decisions. Each handler calls one staff service function and shapes the page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from wxbackend.config import Settings
from wxbackend.deps import AuditDep, RowId, SessionDep, SettingsDep, VaultDep
from wxbackend.desk.web import DeskRoute, DeskUser, DeskUserDep, FormDep, redirect, render, text
from wxbackend.errors import InvalidInput
from wxbackend.money import parse_yuan
from wxbackend.security.masking import mask_account_no, mask_id_no
from wxbackend.security.pii import Vault
from wxbackend.staff import explain, service
from wxbackend.staff import queue as review_queue
from wxbackend.staff.queue import QueueFilter
from wxbackend.staff.service import Identity
from wxbackend.withdraw.deps import RulesDep
from wxbackend.withdraw.models import WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.schemas import status_word

router = APIRouter(prefix="/desk", route_class=DeskRoute, include_in_schema=False)

QUEUE_STATUSES = (
    WithdrawalStatus.UNDER_REVIEW,
    WithdrawalStatus.SUBMITTED,
    WithdrawalStatus.APPROVED,
    WithdrawalStatus.PAYING,
    WithdrawalStatus.PAID,
    WithdrawalStatus.REJECTED,
    WithdrawalStatus.FAILED,
)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 6 else None


def _fen(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return parse_yuan(value)
    except (ValueError, InvalidInput):
        return None


@router.get("/queue")
async def queue(
    request: Request, user: DeskUserDep, session: SessionDep, rules: RulesDep
) -> Response:
    q = request.query_params
    try:
        status = WithdrawalStatus(q.get("status") or WithdrawalStatus.UNDER_REVIEW)
    except ValueError:
        status = WithdrawalStatus.UNDER_REVIEW
    kind = q.get("kind") if q.get("kind") in rules.rules else None
    filters = QueueFilter(
        status=status,
        kind=kind,
        min_waiting_days=_int(q.get("wait")),
        min_amount=_fen(q.get("min")),
        max_amount=_fen(q.get("max")),
    )
    rows = await review_queue.review_queue(
        session, rules=rules, staff=user.staff, filters=filters, limit=200
    )
    counts = await review_queue.queue_counts(session, staff=user.staff)
    return render(
        request,
        "queue.html",
        user=user,
        title="审核队列",
        rows=rows,
        counts=counts,
        filters=filters,
        raw=q,
        statuses=[(s, status_word(s)) for s in QUEUE_STATUSES],
        kinds=[(k, r.name) for k, r in rules.rules.items()],
        mask_account_no=mask_account_no,
    )


async def _case_page(
    request: Request,
    user: DeskUser,
    session: AsyncSession,
    *,
    rules: RuleBook,
    vault: Vault,
    settings: Settings,
    withdrawal_id: int,
    identity: Identity | None = None,
) -> Response:
    case = await service.open_case(session, staff=user.staff, withdrawal_id=withdrawal_id)
    found = await service.withdrawal_file(
        session, rules=rules, vault=vault, staff=user.staff, withdrawal_id=withdrawal_id
    )
    w = found.withdrawal
    return render(
        request,
        "case.html",
        user=user,
        title=f"提取申请 #{w.id}",
        file=found,
        w=w,
        case=case,
        identity=identity,
        masked_id_no=mask_id_no(found.id_no),
        masked_account_no=mask_account_no(found.account.account_no),
        history=await service.account_history(session, staff=user.staff, withdrawal=w),
        reasons=explain.review_reasons(rules, w, settings=settings.withdraw),
        terms=explain.rule_terms(rules, w),
        needs_supervisor=service.needs_supervisor(user.staff, w, settings=settings.withdraw),
        document_names=rules.document_names,
        rule_documents=rules.rules[w.kind].documents if w.kind in rules.rules else (),
        status_word=status_word,
        done=request.query_params.get("done", ""),
    )


@router.get("/cases/{withdrawal_id}")
async def case_page(
    withdrawal_id: RowId,
    request: Request,
    user: DeskUserDep,
    session: SessionDep,
    rules: RulesDep,
    vault: VaultDep,
    settings: SettingsDep,
) -> Response:
    return await _case_page(
        request,
        user,
        session,
        rules=rules,
        vault=vault,
        settings=settings,
        withdrawal_id=withdrawal_id,
    )


@router.post("/cases/{withdrawal_id}/reveal")
async def reveal(
    withdrawal_id: RowId,
    request: Request,
    user: DeskUserDep,
    _form: FormDep,
    session: SessionDep,
    rules: RulesDep,
    vault: VaultDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    """The full name and ID number in this one answer (never in a link, never cached)."""
    identity = await service.reveal_identity(
        session, vault=vault, audit=audit, staff=user.staff, withdrawal_id=withdrawal_id
    )
    return await _case_page(
        request,
        user,
        session,
        rules=rules,
        vault=vault,
        settings=settings,
        withdrawal_id=withdrawal_id,
        identity=identity,
    )


@router.post("/cases/{withdrawal_id}/approve")
async def approve(
    withdrawal_id: RowId,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    await service.approve(
        session,
        audit=audit,
        settings=settings.withdraw,
        staff=user.staff,
        withdrawal_id=withdrawal_id,
        note=text(form, "note", max_len=200) or None,
    )
    return redirect(f"/desk/cases/{withdrawal_id}", done="approved")


@router.post("/cases/{withdrawal_id}/reject")
async def reject(
    withdrawal_id: RowId, user: DeskUserDep, form: FormDep, session: SessionDep, audit: AuditDep
) -> Response:
    reason = _reason(form)
    await service.reject(
        session, audit=audit, staff=user.staff, withdrawal_id=withdrawal_id, reason=reason
    )
    return redirect(f"/desk/cases/{withdrawal_id}", done="rejected")


@router.post("/cases/{withdrawal_id}/request-documents")
async def request_documents(
    withdrawal_id: RowId,
    user: DeskUserDep,
    form: FormDep,
    session: SessionDep,
    rules: RulesDep,
    audit: AuditDep,
) -> Response:
    """补件: the same application goes back to its applicant for the ticked documents."""
    reason = text(form, "missing_reason", max_len=200)
    if not reason:
        raise InvalidInput("请填写需补充的内容（申请人会看到）。", field="missing_reason")
    documents = [str(kind) for kind in form.getlist("documents")]
    if not documents:
        raise InvalidInput("请勾选需要补充的材料。", field="documents")
    await service.request_documents(
        session,
        audit=audit,
        rules=rules,
        staff=user.staff,
        withdrawal_id=withdrawal_id,
        reason=reason,
        documents=documents,
    )
    return redirect(f"/desk/cases/{withdrawal_id}", done="documents_requested")


def _reason(form: FormData) -> str:
    reason = text(form, "reason", max_len=200)
    if not reason:
        raise InvalidInput("请填写驳回原因（申请人会看到）。", field="reason")
    return reason


@router.post("/cases/{withdrawal_id}/escalate")
async def escalate(
    withdrawal_id: RowId,
    user: DeskUserDep,
    _form: FormDep,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    await service.escalate(
        session,
        audit=audit,
        settings=settings.withdraw,
        staff=user.staff,
        withdrawal_id=withdrawal_id,
    )
    return redirect("/desk/queue", done="escalated")


@router.post("/cases/{withdrawal_id}/release")
async def release(
    withdrawal_id: RowId, user: DeskUserDep, _form: FormDep, session: SessionDep
) -> Response:
    await service.release_case(session, staff=user.staff, withdrawal_id=withdrawal_id)
    return redirect("/desk/queue")


@router.get("/cases/{withdrawal_id}/documents/{document_id}", response_class=Response)
async def document(
    withdrawal_id: RowId,
    document_id: RowId,
    user: DeskUserDep,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    """Shown inline on the case page; uploaded by the public, so it never runs as a page."""
    found = await service.view_document(
        session, audit=audit, staff=user.staff, withdrawal_id=withdrawal_id, document_id=document_id
    )
    pdf = found.content_type == "application/pdf"
    # Chromium will not show a PDF under a sandbox CSP; a PDF runs no script in the viewer
    # with default-src 'none', and only our own case page may frame it.
    csp = "default-src 'none'; frame-ancestors 'self'" if pdf else "default-src 'none'; sandbox"
    return Response(
        content=found.content,
        media_type=found.content_type,
        headers={
            "Content-Disposition": "inline",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": csp,
            "X-Frame-Options": "SAMEORIGIN",
            "Cache-Control": "no-store",
        },
    )
