"""The staff API under /staff/api: login, the review queue, documents, decisions."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from wxbackend.deps import AuditDep, RowId, SessionDep, SettingsDep, StoreDep, VaultDep
from wxbackend.staff import auth, operations, queue, service
from wxbackend.staff.deps import (
    CurrentStaff,
    StaffSessionsDep,
    client_address,
    staff_token,
)
from wxbackend.staff.queue import QueueFilter
from wxbackend.staff.schemas import (
    ApprovalCreate,
    DecisionRead,
    DocumentsRequestCreate,
    ParkedPayoutRead,
    QueueItemRead,
    QueueRead,
    RejectionCreate,
    StaffLoginCreate,
    StaffLoginRead,
    WithdrawalDetailRead,
)
from wxbackend.withdraw.deps import RulesDep
from wxbackend.withdraw.models import WithdrawalStatus

router = APIRouter(prefix="/staff/api", tags=["staff"])

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


@router.post("/session", summary="Staff login: username + password → bearer token")
async def log_in(
    body: StaffLoginCreate,
    request: Request,
    session: SessionDep,
    store: StoreDep,
    sessions: StaffSessionsDep,
    audit: AuditDep,
    vault: VaultDep,
) -> StaffLoginRead:
    login = await auth.log_in(
        session,
        store=store,
        sessions=sessions,
        audit=audit,
        vault=vault,
        username=body.username,
        password=body.password,
        otp=body.otp,
        client=client_address(request),
    )
    return StaffLoginRead(
        token=login.token,
        expires_in=sessions.idle_s,
        username=login.staff.username,
        role=login.staff.role.value,
    )


@router.post("/session/logout", summary="End the staff session", status_code=204)
async def log_out(request: Request, _staff: CurrentStaff, sessions: StaffSessionsDep) -> Response:
    await sessions.end(staff_token(request))
    return Response(status_code=204)


@router.get("/withdrawals", summary="Applications in one state, oldest first")
async def list_withdrawals(
    staff: CurrentStaff,
    session: SessionDep,
    rules: RulesDep,
    status: WithdrawalStatus = WithdrawalStatus.UNDER_REVIEW,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> QueueRead:
    rows = await queue.review_queue(
        session, rules=rules, staff=staff, filters=QueueFilter(status=status), limit=limit
    )
    return QueueRead(items=[QueueItemRead.of(row) for row in rows])


@router.get("/withdrawals/{withdrawal_id}", summary="One application with its history")
async def get_withdrawal(
    withdrawal_id: RowId,
    rules: RulesDep,
    staff: CurrentStaff,
    session: SessionDep,
    vault: VaultDep,
) -> WithdrawalDetailRead:
    found = await service.withdrawal_file(
        session, rules=rules, vault=vault, staff=staff, withdrawal_id=withdrawal_id
    )
    return WithdrawalDetailRead.of(found)


@router.get(
    "/withdrawals/{withdrawal_id}/documents/{document_id}",
    summary="Download an uploaded document (audited)",
    response_class=Response,
)
async def download_document(
    withdrawal_id: RowId,
    document_id: RowId,
    staff: CurrentStaff,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    document = await service.view_document(
        session, audit=audit, staff=staff, withdrawal_id=withdrawal_id, document_id=document_id
    )
    return Response(
        content=document.content,
        media_type=document.content_type,
        headers={
            "Content-Disposition": _attachment(document.filename, document.id),
            "X-Content-Type-Options": "nosniff",
            # Uploaded by the public: never run as a page on our origin, never cached.
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "no-store",
        },
    )


@router.post("/withdrawals/{withdrawal_id}/approve", summary="Approve (and debit)")
async def approve(
    withdrawal_id: RowId,
    body: ApprovalCreate,
    staff: CurrentStaff,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> DecisionRead:
    withdrawal = await service.approve(
        session,
        audit=audit,
        settings=settings.withdraw,
        staff=staff,
        withdrawal_id=withdrawal_id,
        note=body.note or None,
    )
    return DecisionRead(id=withdrawal.id, status=withdrawal.status)


@router.post("/withdrawals/{withdrawal_id}/reject", summary="Reject with a reason")
async def reject(
    withdrawal_id: RowId,
    body: RejectionCreate,
    staff: CurrentStaff,
    session: SessionDep,
    audit: AuditDep,
) -> DecisionRead:
    withdrawal = await service.reject(
        session, audit=audit, staff=staff, withdrawal_id=withdrawal_id, reason=body.reason
    )
    return DecisionRead(id=withdrawal.id, status=withdrawal.status)


@router.post(
    "/withdrawals/{withdrawal_id}/request-documents",
    summary="补件: ask the applicant for more documents, with a reason",
)
async def request_documents(
    withdrawal_id: RowId,
    body: DocumentsRequestCreate,
    staff: CurrentStaff,
    session: SessionDep,
    rules: RulesDep,
    audit: AuditDep,
) -> DecisionRead:
    withdrawal = await service.request_documents(
        session,
        audit=audit,
        rules=rules,
        staff=staff,
        withdrawal_id=withdrawal_id,
        reason=body.reason,
        documents=body.documents,
    )
    return DecisionRead(id=withdrawal.id, status=withdrawal.status)


@router.get("/payouts/parked", summary="Payouts whose outcome stayed unknown (for an operator)")
async def parked_payouts(staff: CurrentStaff, session: SessionDep) -> list[ParkedPayoutRead]:
    return [ParkedPayoutRead.of(w) for w in await operations.parked_payouts(session, staff=staff)]


@router.post(
    "/payouts/{withdrawal_id}/requery",
    summary="Hand a parked payout back to the worker: it asks the bank once more first",
)
async def requery_payout(
    withdrawal_id: RowId, staff: CurrentStaff, session: SessionDep, audit: AuditDep
) -> DecisionRead:
    withdrawal = await operations.requery_payout(
        session, audit=audit, staff=staff, withdrawal_id=withdrawal_id
    )
    return DecisionRead(id=withdrawal.id, status=withdrawal.status)


def _attachment(filename: str, document_id: int) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name (uploads are often named in Chinese)."""
    fallback = _SAFE_FILENAME.sub("_", filename).strip("._") or f"document-{document_id}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
