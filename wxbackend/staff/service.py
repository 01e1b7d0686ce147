"""The review desk: the queue, an application's file, and the reviewer's decision.

Who may approve what is decided here: reviewers up to the configured amount and never a
kind that closes the account; supervisors anything (staff.roles). The state change and
the debit are the withdrawal service's (one transaction, conditional update, journal
entry); a decision also needs the case's hold (staff.claims), so two people never decide
one case at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.audit.models import AuditOutcome
from wxbackend.audit.trail import AuditTrail
from wxbackend.cards.models import BankCard
from wxbackend.config_features import WithdrawSettings
from wxbackend.errors import DomainError
from wxbackend.fund import service as fund
from wxbackend.fund.models import FundAccount
from wxbackend.money import format_yuan
from wxbackend.security.pii import Vault
from wxbackend.staff import claims, roles
from wxbackend.staff.auth import Staff
from wxbackend.staff.claims import CaseState
from wxbackend.staff.errors import DocumentNotFound, SupervisorRequired
from wxbackend.staff.roles import Capability
from wxbackend.withdraw import queries as withdrawals
from wxbackend.withdraw import service as withdraw
from wxbackend.withdraw import supplements as withdraw_supplements
from wxbackend.withdraw import views as withdraw_views
from wxbackend.withdraw.errors import WithdrawalNotFound
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)
from wxbackend.withdraw.rules import RuleBook


@dataclass(frozen=True, slots=True)
class WithdrawalFile:
    """Everything a reviewer sees about one application (personal data still in clear)."""

    withdrawal: Withdrawal
    status_name: str
    account: FundAccount
    id_no: str
    card: BankCard | None
    events: Sequence[WithdrawalEvent]
    documents: Sequence[WithdrawalDocument]


@dataclass(frozen=True, slots=True)
class Identity:
    """The holder's full name and ID number, for matching against the documents."""

    name: str
    id_no: str


async def _withdrawal(session: AsyncSession, withdrawal_id: int) -> Withdrawal:
    found = await withdrawals.get_withdrawal(session, withdrawal_id)
    if found is None:
        raise WithdrawalNotFound()
    return found


async def withdrawal_file(
    session: AsyncSession, *, rules: RuleBook, vault: Vault, staff: Staff, withdrawal_id: int
) -> WithdrawalFile:
    roles.ensure(staff.role, Capability.REVIEW)
    withdrawal = await _withdrawal(session, withdrawal_id)
    account = await fund.get_account(session, withdrawal.account_id)
    if account is None:
        raise WithdrawalNotFound()
    return WithdrawalFile(
        withdrawal=withdrawal,
        status_name=await withdraw_views.status_name(session, rules, withdrawal),
        account=account,
        id_no=fund.reveal_id_no(vault, account),
        card=await withdrawals.card_of(session, withdrawal),
        events=await withdrawals.history(session, withdrawal),
        documents=await withdrawals.documents(session, withdrawal),
    )


async def open_case(session: AsyncSession, *, staff: Staff, withdrawal_id: int) -> CaseState:
    """Opening a case under review takes its hold (refused while someone else holds it)."""
    withdrawal = await _withdrawal(session, withdrawal_id)
    if withdrawal.status is WithdrawalStatus.UNDER_REVIEW:
        await claims.take(session, staff=staff, withdrawal_id=withdrawal.id)
    return await claims.state(session, staff=staff, withdrawal_id=withdrawal.id)


async def release_case(session: AsyncSession, *, staff: Staff, withdrawal_id: int) -> None:
    roles.ensure(staff.role, Capability.REVIEW)
    await claims.release(session, staff=staff, withdrawal_id=withdrawal_id)


async def account_history(
    session: AsyncSession, *, staff: Staff, withdrawal: Withdrawal
) -> list[Withdrawal]:
    """The account's other withdrawals, newest first (what a reviewer compares against)."""
    roles.ensure(staff.role, Capability.REVIEW)
    rows = await withdrawals.withdrawals_of(session, account_id=withdrawal.account_id)
    return [w for w in rows if w.id != withdrawal.id][:10]


async def reveal_identity(
    session: AsyncSession, *, vault: Vault, audit: AuditTrail, staff: Staff, withdrawal_id: int
) -> Identity:
    """The full name and ID number, on an explicit request that is audited."""
    roles.ensure(staff.role, Capability.REVIEW)
    withdrawal = await _withdrawal(session, withdrawal_id)
    account = await fund.get_account(session, withdrawal.account_id)
    if account is None:
        raise WithdrawalNotFound()
    audit.record(
        "staff.reveal_identity",
        AuditOutcome.OK,
        staff_actor=staff.actor,
        account_id=account.id,
        reason=f"withdrawal:{withdrawal.id}",
    )
    return Identity(fund.reveal_name(vault, account), fund.reveal_id_no(vault, account))


async def view_document(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    staff: Staff,
    withdrawal_id: int,
    document_id: int,
) -> WithdrawalDocument:
    """One uploaded document; every view is audited (it is sensitive personal data)."""
    roles.ensure(staff.role, Capability.REVIEW)
    withdrawal = await _withdrawal(session, withdrawal_id)
    document = await withdrawals.document(session, withdrawal, document_id)
    if document is None:
        raise DocumentNotFound()
    audit.record(
        "staff.document_view",
        AuditOutcome.OK,
        staff_actor=staff.actor,
        account_id=withdrawal.account_id,
        reason=f"withdrawal:{withdrawal.id}:document:{document.id}",
    )
    return document


def ensure_may_approve(staff: Staff, withdrawal: Withdrawal, *, settings: WithdrawSettings) -> None:
    """Reviewers approve up to the limit and no closing kinds; supervisors anything."""
    roles.ensure(staff.role, Capability.REVIEW)
    if roles.may(staff.role, Capability.DECIDE_ABOVE_LIMIT):
        return
    if withdrawal.closes_account:
        raise SupervisorRequired("该提取将注销账户，须由主管审批。")
    if withdrawal.amount > settings.reviewer_limit:
        limit = format_yuan(settings.reviewer_limit)
        raise SupervisorRequired(f"提取金额超过审核员审批限额{limit}元，须由主管审批。")


def needs_supervisor(staff: Staff, withdrawal: Withdrawal, *, settings: WithdrawSettings) -> bool:
    try:
        ensure_may_approve(staff, withdrawal, settings=settings)
    except SupervisorRequired:
        return True
    return False


async def approve(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    settings: WithdrawSettings,
    staff: Staff,
    withdrawal_id: int,
    note: str | None,
) -> Withdrawal:
    """Approve and debit in the request's transaction, holding the case."""
    withdrawal = await _withdrawal(session, withdrawal_id)
    try:
        ensure_may_approve(staff, withdrawal, settings=settings)
        await claims.take_for_decision(session, staff=staff, withdrawal_id=withdrawal.id)
        await withdraw.approve(session, withdrawal, actor=staff.actor, note=note)
        await claims.close(session, withdrawal_id=withdrawal.id)
    except DomainError as exc:
        _audit(audit, "staff.approve", staff, withdrawal, refused=exc)
        raise
    _audit(audit, "staff.approve", staff, withdrawal)
    return withdrawal


async def reject(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    staff: Staff,
    withdrawal_id: int,
    reason: str,
) -> Withdrawal:
    withdrawal = await _withdrawal(session, withdrawal_id)
    try:
        roles.ensure(staff.role, Capability.REVIEW)
        await claims.take_for_decision(session, staff=staff, withdrawal_id=withdrawal.id)
        await withdraw.reject(session, withdrawal, actor=staff.actor, reason=reason)
        await claims.close(session, withdrawal_id=withdrawal.id)
    except DomainError as exc:
        _audit(audit, "staff.reject", staff, withdrawal, refused=exc)
        raise
    _audit(audit, "staff.reject", staff, withdrawal)
    return withdrawal


async def request_documents(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    rules: RuleBook,
    staff: Staff,
    withdrawal_id: int,
    reason: str,
    documents: list[str],
) -> Withdrawal:
    """补件: send the application back to its applicant for the named documents.

    A decision like approve and reject: it takes the case's hold (409 while another holds
    it), then lets go, so the resubmitted application comes back to the queue."""
    withdrawal = await _withdrawal(session, withdrawal_id)
    try:
        roles.ensure(staff.role, Capability.REVIEW)
        await claims.take_for_decision(session, staff=staff, withdrawal_id=withdrawal.id)
        await withdraw_supplements.request_documents(
            session, withdrawal, rules=rules, actor=staff.actor, reason=reason, kinds=documents
        )
        await claims.release(session, staff=staff, withdrawal_id=withdrawal.id)
    except DomainError as exc:
        _audit(audit, "staff.request_documents", staff, withdrawal, refused=exc)
        raise
    _audit(audit, "staff.request_documents", staff, withdrawal)
    return withdrawal


async def escalate(
    session: AsyncSession,
    *,
    audit: AuditTrail,
    settings: WithdrawSettings,
    staff: Staff,
    withdrawal_id: int,
) -> None:
    """Refer a case beyond this reviewer's limit to a supervisor."""
    withdrawal = await _withdrawal(session, withdrawal_id)
    if not needs_supervisor(staff, withdrawal, settings=settings):
        raise SupervisorRequired("该申请在您的审批权限内，请直接审批。")
    await claims.escalate(
        session,
        audit=audit,
        staff=staff,
        withdrawal_id=withdrawal.id,
        account_id=withdrawal.account_id,
    )


def _audit(
    audit: AuditTrail,
    action: str,
    staff: Staff,
    withdrawal: Withdrawal,
    *,
    refused: DomainError | None = None,
) -> None:
    # The reason column holds a code, never the reviewer's free text (it may name people).
    reason = f"withdrawal:{withdrawal.id}"
    if refused is not None:
        reason = f"{reason}:{refused.code}"[:64]
    audit.record(
        action,
        AuditOutcome.REFUSED if refused else AuditOutcome.OK,
        staff_actor=staff.actor,
        account_id=withdrawal.account_id,
        reason=reason,
    )
