"""Withdrawal rules in motion: apply, review, approve (the debit), reject, cancel.

The debit is a journal entry made in the same transaction as the approval; the
conditional balance update in fund.service.post_entry means concurrent approvals can
never overdraw. Every state change is a conditional UPDATE plus a withdrawal_event row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards import service as cards
from wxbackend.clock import now, today_in_china
from wxbackend.fund import interest as fund_interest
from wxbackend.fund import loans as fund_loans
from wxbackend.fund import service as fund
from wxbackend.fund.models import EntryType, FundAccount
from wxbackend.security.pii import Vault
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.eligibility import account_facts
from wxbackend.withdraw.errors import (
    NoActiveCard,
    UnknownKind,
    WithdrawalRefused,
    WithdrawalStateChanged,
)
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalEvent,
    WithdrawalStatus,
)
from wxbackend.withdraw.notices import tell_applicant, tell_submitted
from wxbackend.withdraw.rules import Rule, RuleBook, amount_refusal, kind_names, refusal

S = WithdrawalStatus
SYSTEM = "system"
# Undecided: the applicant may still withdraw these.
CANCELLABLE = (S.SUBMITTED, S.UNDER_REVIEW)


async def record(
    session: AsyncSession,
    withdrawal_id: int,
    *,
    from_status: S | None,
    to: S,
    actor: str,
    note: str | None = None,
) -> None:
    await repo.add(
        session,
        WithdrawalEvent(
            withdrawal_id=withdrawal_id,
            from_status=from_status.value if from_status else None,
            to_status=to.value,
            actor=actor,
            note=note,
        ),
    )


async def transition(
    session: AsyncSession,
    withdrawal: Withdrawal,
    *,
    from_statuses: tuple[S, ...],
    to: S,
    actor: str,
    note: str | None = None,
    **values: object,
) -> None:
    """Move state only from where we expect it; a concurrent move makes this fail."""
    before = withdrawal.status
    if not await repo.move(session, withdrawal.id, from_statuses=from_statuses, to=to, **values):
        raise WithdrawalStateChanged()
    await session.refresh(withdrawal)
    await record(session, withdrawal.id, from_status=before, to=to, actor=actor, note=note)


def rule_for(rules: RuleBook, kind: str) -> Rule:
    rule = rules.rules.get(kind)
    if rule is None:
        raise UnknownKind()
    return rule


async def lock_applicant(session: AsyncSession, account: FundAccount) -> FundAccount:
    """Lock the applicant's account row until the unit of work ends (see `apply`)."""
    return await fund.lock_account(session, account.id)


async def apply(
    session: AsyncSession,
    *,
    rules: RuleBook,
    vault: Vault,
    account: FundAccount,
    kind: str,
    amount: int | None,
    actor: str,
    today: date,
) -> Withdrawal:
    """File an application; kinds without documents go to review (or approval) at once.

    The account row is locked first, so the per-kind rules (one open per kind, exclusive
    kinds, frequencies, caps) are checked and the row inserted as one step: concurrent
    applications on one account queue behind each other and each sees the one before.
    The partial unique indexes on open applications back this up in the schema.
    """
    rule = rule_for(rules, kind)
    locked = await fund.lock_account(session, account.id)
    facts = await account_facts(session, vault, locked)
    reason = refusal(rule, facts, today=today, names=kind_names(rules)) or amount_refusal(
        rule, facts, amount=amount
    )
    if reason:
        raise WithdrawalRefused(reason)
    card = None
    if rule.pays_into == "card":
        card = await cards.active_card(session, locked.id)
        if card is None:
            raise NoActiveCard()
    withdrawal = Withdrawal(
        account_id=locked.id,
        card_id=card.id if card else None,
        kind=kind,
        kind_name=rule.name,
        amount=locked.balance if rule.closes_account or amount is None else amount,
        status=S.SUBMITTED,
        closes_account=rule.closes_account,
        applied_on=today,
    )
    try:
        await repo.add(session, withdrawal)
    except IntegrityError as exc:  # the unique index on open applications: a lost race
        raise WithdrawalRefused(
            f"您已有一笔{rule.name}或销户类提取正在办理中，请办结后再申请。"
        ) from exc
    await record(session, withdrawal.id, from_status=None, to=S.SUBMITTED, actor=actor)
    await tell_submitted(session, withdrawal)
    if not rule.documents:
        await _to_review(session, withdrawal, rule=rule)
    return withdrawal


async def _to_review(session: AsyncSession, withdrawal: Withdrawal, *, rule: Rule) -> None:
    await transition(
        session, withdrawal, from_statuses=(S.SUBMITTED,), to=S.UNDER_REVIEW, actor=SYSTEM
    )
    if rule.review == "auto":
        await approve(session, withdrawal, actor=SYSTEM, note="符合自动审核规则")


async def documents_complete(
    session: AsyncSession, *, rules: RuleBook, withdrawal: Withdrawal
) -> bool:
    """After an upload: with every required document present, the review starts."""
    rule = rule_for(rules, withdrawal.kind)
    have = await repo.document_kinds(session, withdrawal.id)
    if withdrawal.status is not S.SUBMITTED or not set(rule.documents) <= have:
        return False
    await _to_review(session, withdrawal, rule=rule)
    return True


async def approve(
    session: AsyncSession, withdrawal: Withdrawal, *, actor: str, note: str | None = None
) -> None:
    """Approve and debit in one transaction; refused without a balance to cover it.

    A closing withdrawal first posts the closing interest (销户结息) up to today, then
    takes the whole balance, interest included, under the account's row lock.
    """
    values: dict[str, object] = {}
    value_date = withdrawal.applied_on
    if withdrawal.closes_account:
        value_date = today_in_china()  # the closing day: interest runs up to it
        await fund.lock_account(session, withdrawal.account_id)
        await fund_interest.post_closing_interest(
            session, account_id=withdrawal.account_id, on=value_date
        )
        account = await fund.lock_account(session, withdrawal.account_id)
        values["amount"] = account.balance
    await transition(
        session,
        withdrawal,
        from_statuses=(S.UNDER_REVIEW,),
        to=S.APPROVED,
        actor=actor,
        note=note,
        **values,
    )
    await fund.post_entry(
        session,
        account_id=withdrawal.account_id,
        entry_type=EntryType.WITHDRAWAL,
        amount=-withdrawal.amount,
        value_date=value_date,
        ref=f"withdrawal:{withdrawal.id}",
        memo=f"提取 {withdrawal.kind}",
    )
    if withdrawal.card_id is None:
        await _repay_loan(session, withdrawal)
    elif actor != SYSTEM:
        # An automatic approval is answered on the spot; a reviewer's comes later.
        await tell_applicant(session, withdrawal, "withdrawal_approved")


LOAN_NOTE = "已转入公积金贷款，冲还本金"


async def _repay_loan(session: AsyncSession, withdrawal: Withdrawal) -> None:
    """冲还贷: the debited amount repays the loan's principal at once; no bank, no card."""
    await fund_loans.prepay_principal(
        session, account_id=withdrawal.account_id, amount=withdrawal.amount
    )
    await transition(
        session,
        withdrawal,
        from_statuses=(S.APPROVED,),
        to=S.PAID,
        actor=SYSTEM,
        note=LOAN_NOTE,
        paid_at=now(),
    )
    await tell_applicant(session, withdrawal, "withdrawal_paid", bank_card="公积金贷款")


async def reject(session: AsyncSession, withdrawal: Withdrawal, *, actor: str, reason: str) -> None:
    await transition(
        session,
        withdrawal,
        from_statuses=(S.SUBMITTED, S.UNDER_REVIEW),
        to=S.REJECTED,
        actor=actor,
        note=reason,
        reason=reason,
    )
    await tell_applicant(session, withdrawal, "withdrawal_rejected", reason=reason)


async def cancel(session: AsyncSession, withdrawal: Withdrawal, *, actor: str) -> None:
    """The applicant withdraws an application that has not been approved yet."""
    await transition(
        session,
        withdrawal,
        from_statuses=CANCELLABLE,
        to=S.CANCELLED,
        actor=actor,
        note="申请人撤回",
    )
