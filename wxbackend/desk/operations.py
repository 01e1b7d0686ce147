"""The operators' pages: unsettled payouts, reconciliation, dead notices, the audit trail."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend.audit.service import AuditQuery
from wxbackend.clock import today_in_china
from wxbackend.deps import AuditDep, RowId, SessionDep
from wxbackend.desk.web import DeskRoute, DeskUserDep, FormDep, redirect, render
from wxbackend.staff import operations
from wxbackend.withdraw.bank import BankGateway
from wxbackend.withdraw.schemas import status_word

router = APIRouter(prefix="/desk/ops", route_class=DeskRoute, include_in_schema=False)

BANK_WORDS = {
    "paid": "银行已入账，已记为已到账",
    "failed": "银行退回，款项已退回公积金账户",
    "rejected_type2": "II类账户被拒，款项已退回",
    "pending": "银行处理中",
    "not_found": "银行未收到该笔指令，系统将在租约到期后重新发送",
}


def _bank(request: Request) -> BankGateway:
    bank: BankGateway = request.app.state.bank
    return bank


def _sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/payouts")
async def payouts(request: Request, user: DeskUserDep, session: SessionDep) -> Response:
    rows = await operations.stuck_payouts(session, staff=user.staff)
    answer = BANK_WORDS.get(request.query_params.get("answer", ""), "")
    return render(
        request,
        "payouts.html",
        user=user,
        title="待确认付款",
        rows=rows,
        answer=answer,
        status_word=status_word,
    )


@router.post("/payouts/{withdrawal_id}/query")
async def query_bank(
    withdrawal_id: RowId, request: Request, user: DeskUserDep, _form: FormDep, audit: AuditDep
) -> Response:
    status = await operations.query_bank_now(
        _sessionmaker(request),
        bank=_bank(request),
        audit=audit,
        staff=user.staff,
        withdrawal_id=withdrawal_id,
    )
    return redirect("/desk/ops/payouts", answer=status.value)


@router.get("/parked")
async def parked(request: Request, user: DeskUserDep, session: SessionDep) -> Response:
    rows = await operations.parked_payouts(session, staff=user.staff)
    return render(
        request,
        "parked.html",
        user=user,
        title="待人工处理的付款",
        rows=rows,
        done=request.query_params.get("done", ""),
    )


@router.post("/parked/{withdrawal_id}/requery")
async def requery(
    withdrawal_id: RowId, user: DeskUserDep, _form: FormDep, session: SessionDep, audit: AuditDep
) -> Response:
    """Back to the worker, which asks the bank once more before anything else."""
    await operations.requery_payout(
        session, audit=audit, staff=user.staff, withdrawal_id=withdrawal_id
    )
    return redirect("/desk/ops/parked", done="requeued")


@router.get("/reconcile")
async def reconcile(request: Request, user: DeskUserDep, session: SessionDep) -> Response:
    day = _day(request.query_params.get("day")) or today_in_china()
    report = await operations.reconciliation(
        session, bank=_bank(request), staff=user.staff, day=day
    )
    return render(request, "reconcile.html", user=user, title="当日对账", report=report, day=day)


@router.get("/reconcile.csv")
async def reconcile_csv(
    request: Request, user: DeskUserDep, session: SessionDep, audit: AuditDep
) -> Response:
    day = _day(request.query_params.get("day")) or today_in_china()
    report = await operations.reconciliation(
        session, bank=_bank(request), staff=user.staff, day=day
    )
    operations.audit_reconciliation_export(audit, staff=user.staff, day=day)
    return _csv(operations.reconciliation_csv(report), f"reconcile-{day.isoformat()}.csv")


@router.get("/notices")
async def notices(request: Request, user: DeskUserDep, session: SessionDep) -> Response:
    rows = await operations.dead_notices(session, staff=user.staff)
    done = request.query_params.get("done") == "retried"
    return render(request, "notices.html", user=user, title="发送失败的通知", rows=rows, done=done)


@router.post("/notices/{notice_id}/retry")
async def retry_notice(
    notice_id: RowId, user: DeskUserDep, _form: FormDep, session: SessionDep, audit: AuditDep
) -> Response:
    await operations.retry_notice(session, audit=audit, staff=user.staff, notice_id=notice_id)
    return redirect("/desk/ops/notices", done="retried")


def _audit_query(request: Request) -> AuditQuery:
    q = request.query_params
    actor = (q.get("actor") or "").strip().lower()[:48]
    account = (q.get("account") or "").strip()
    return AuditQuery(
        staff_actor=(actor if actor.startswith("staff:") else f"staff:{actor}") if actor else None,
        account_id=int(account) if account.isdigit() and len(account) < 10 else None,
        action=(q.get("action") or "").strip()[:48] or None,
        day_from=_day(q.get("from")),
        day_to=_day(q.get("to")),
    )


@router.get("/audit")
async def audit_trail(request: Request, user: DeskUserDep, session: SessionDep) -> Response:
    query = _audit_query(request)
    rows = await operations.search_audit(session, staff=user.staff, query=query)
    return render(
        request,
        "audit.html",
        user=user,
        title="审计日志",
        rows=rows,
        raw=request.query_params,
        export_query=request.url.query,
    )


@router.get("/audit.csv")
async def audit_csv(
    request: Request, user: DeskUserDep, session: SessionDep, audit: AuditDep
) -> Response:
    body = await operations.export_audit(
        session, audit=audit, staff=user.staff, query=_audit_query(request)
    )
    return _csv(body, f"audit-{today_in_china().isoformat()}.csv")


def _csv(body: str, filename: str) -> Response:
    return Response(
        content=body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
