"""The operators' pages: unsettled payouts, the day's reconciliation, dead notices, the
audit trail and its export. Each step is the owning domain's service; this module only
checks the role and audits what staff did."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wxbackend import clock
from wxbackend.audit import service as audit_service
from wxbackend.audit.models import AuditEvent, AuditOutcome
from wxbackend.audit.service import AuditQuery
from wxbackend.audit.trail import AuditTrail
from wxbackend.errors import DomainError, NotFound
from wxbackend.notify import service as notify
from wxbackend.notify.models import NoticeStatus, OutboxNotice
from wxbackend.staff import roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.roles import Capability
from wxbackend.withdraw import payout
from wxbackend.withdraw import queries as withdrawals
from wxbackend.withdraw import recovery as withdraw_recovery
from wxbackend.withdraw.bank import BankGateway, BankStatus, BankUnreachable
from wxbackend.withdraw.errors import WithdrawalNotFound, WithdrawalStateChanged
from wxbackend.withdraw.models import Withdrawal
from wxbackend.withdraw.reconcile import ReconcileReport, reconcile

# A payout the worker has not settled for this long is shown as stuck, error or not.
STUCK_AFTER = timedelta(minutes=10)


class BankUnavailable(DomainError):
    code = "staff.bank_unavailable"
    status = 503
    default_message = "银行暂时无应答，请稍后再查询。"


class NoticeNotDead(NotFound):
    code = "staff.notice_not_dead"
    default_message = "该通知不在发送失败列表中（可能已被重试）。"


def _audit(
    audit: AuditTrail,
    staff: Staff,
    action: str,
    reason: str,
    *,
    account_id: int | None = None,
    refused: DomainError | None = None,
) -> None:
    if refused is not None:
        reason = f"{reason}:{refused.code}"
    audit.record(
        action,
        AuditOutcome.REFUSED if refused else AuditOutcome.OK,
        staff_actor=staff.actor,
        account_id=account_id,
        reason=reason[:64],
    )


async def stuck_payouts(session: AsyncSession, *, staff: Staff) -> list[Withdrawal]:
    roles.ensure(staff.role, Capability.OPERATIONS)
    return await withdrawals.stuck_payouts(session, updated_before=clock.now() - STUCK_AFTER)


async def parked_payouts(session: AsyncSession, *, staff: Staff) -> list[Withdrawal]:
    """Payouts whose outcome stayed unknown, waiting for an operator."""
    roles.ensure(staff.role, Capability.OPERATIONS)
    return await withdraw_recovery.parked_payouts(session)


async def requery_payout(
    session: AsyncSession, *, audit: AuditTrail, staff: Staff, withdrawal_id: int
) -> Withdrawal:
    """Hand a parked payout back to the worker, which asks the bank once more first."""
    withdrawal = await withdrawals.get_withdrawal(session, withdrawal_id)
    if withdrawal is None:
        raise WithdrawalNotFound()
    roles.ensure(staff.role, Capability.OPERATIONS)
    reason, account_id = f"withdrawal:{withdrawal.id}", withdrawal.account_id
    if not await withdraw_recovery.unpark(session, withdrawal_id, actor=staff.actor):
        error = WithdrawalStateChanged("该笔支付不在待人工处理状态。")
        _audit(audit, staff, "staff.requery_payout", reason, account_id=account_id, refused=error)
        raise error
    _audit(audit, staff, "staff.requery_payout", reason, account_id=account_id)
    await session.refresh(withdrawal)
    return withdrawal


async def query_bank_now(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bank: BankGateway,
    audit: AuditTrail,
    staff: Staff,
    withdrawal_id: int,
) -> BankStatus:
    """Ask the bank about one payout now and book what it says (as the worker would)."""
    roles.ensure(staff.role, Capability.OPERATIONS)
    try:
        status = await payout.query_bank_now(sessionmaker, withdrawal_id, bank=bank)
    except BankUnreachable:
        raise BankUnavailable() from None
    _audit(audit, staff, "staff.payout_query", f"withdrawal:{withdrawal_id}:{status.value}")
    return status


async def reconciliation(
    session: AsyncSession, *, bank: BankGateway, staff: Staff, day: date
) -> ReconcileReport:
    roles.ensure(staff.role, Capability.OPERATIONS)
    try:
        statement = await bank.statement(day)
    except BankUnreachable:
        raise BankUnavailable("银行对账单暂时取不到，请稍后再试。") from None
    return await reconcile(session, statement, day=day)


RECONCILE_HEADER = (
    "对账日",
    "差异类型",
    "流水号",
    "银行金额(分)",
    "我方金额(分)",
    "银行状态",
    "我方状态",
)


def reconciliation_csv(report: ReconcileReport) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(RECONCILE_HEADER)
    for m in report.mismatches:
        writer.writerow(
            (
                report.day.isoformat(),
                m.kind.value,
                m.reference,
                "" if m.bank_amount is None else m.bank_amount,
                "" if m.our_amount is None else m.our_amount,
                m.bank_status or "",
                m.our_status or "",
            )
        )
    writer.writerow((report.day.isoformat(), "matched", report.matched, "", "", "", ""))
    return out.getvalue()


def audit_reconciliation_export(audit: AuditTrail, *, staff: Staff, day: date) -> None:
    _audit(audit, staff, "staff.export", f"reconcile:{day.isoformat()}")


async def dead_notices(session: AsyncSession, *, staff: Staff) -> Sequence[OutboxNotice]:
    roles.ensure(staff.role, Capability.OPERATIONS)
    return await notify.list_notices(session, status=NoticeStatus.DEAD, limit=200)


async def retry_notice(
    session: AsyncSession, *, audit: AuditTrail, staff: Staff, notice_id: int
) -> None:
    roles.ensure(staff.role, Capability.OPERATIONS)
    if not await notify.retry_dead(session, notice_id=notice_id):
        raise NoticeNotDead()
    _audit(audit, staff, "staff.notice_retry", f"notice:{notice_id}")


async def search_audit(
    session: AsyncSession, *, staff: Staff, query: AuditQuery, limit: int = 200
) -> Sequence[AuditEvent]:
    roles.ensure(staff.role, Capability.OPERATIONS)
    return await audit_service.search_audit(session, query, limit=limit)


async def export_audit(
    session: AsyncSession, *, audit: AuditTrail, staff: Staff, query: AuditQuery
) -> str:
    """The search as CSV; the export itself is audited (what was asked for, by whom)."""
    roles.ensure(staff.role, Capability.OPERATIONS)
    events = await audit_service.search_audit(session, query, limit=audit_service.MAX_ROWS)
    who = query.staff_actor or "*"
    _audit(audit, staff, "staff.export", f"audit:{who}:{len(events)}", account_id=query.account_id)
    return audit_service.audit_csv(events)
