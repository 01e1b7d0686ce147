"""The one read model of a depositor's withdrawal: names, masked card, history, missing
documents. The JSON APIs, the H5 pages and the chat replies all show this."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards import service as cards
from wxbackend.money import format_yuan
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw import service, supplements
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.schemas import (
    DocumentKindRead,
    DocumentRead,
    WithdrawalEventRead,
    WithdrawalRead,
    status_word,
)

LOAN_LABEL = "公积金贷款（冲还本金）"  # where a 冲还贷 withdrawal goes instead of a card


def actor_name(actor: str) -> str:
    """Who moved a withdrawal, as staff read it: never the applicant's openid."""
    if actor.startswith("user:"):
        return "申请人"
    if actor.startswith("staff:"):
        return actor.removeprefix("staff:")
    return "系统" if actor == "system" else actor


async def missing_documents(
    session: AsyncSession, rules: RuleBook, withdrawal: Withdrawal
) -> list[str]:
    """Kinds of document the application lacks: before review, or asked for by 补件."""
    if withdrawal.status is WithdrawalStatus.NEEDS_DOCUMENTS:
        return await supplements.still_requested(session, withdrawal)
    rule = rules.rules.get(withdrawal.kind)
    if rule is None or withdrawal.status is not WithdrawalStatus.SUBMITTED:
        return []
    have = await repo.document_kinds(session, withdrawal.id)
    return [d for d in rule.documents if d not in have]


async def status_name(session: AsyncSession, rules: RuleBook, withdrawal: Withdrawal) -> str:
    """The word for where the application stands, as every page, reply and desk says it."""
    missing = await missing_documents(session, rules, withdrawal)
    return status_word(withdrawal.status, documents_missing=bool(missing))


async def withdrawal_view(
    session: AsyncSession, rules: RuleBook, withdrawal: Withdrawal, *, events: bool = True
) -> WithdrawalRead:
    card = await cards.get_card(session, withdrawal.card_id) if withdrawal.card_id else None
    missing = [
        DocumentKindRead(kind=d, name=rules.document_names[d])
        for d in await missing_documents(session, rules, withdrawal)
    ]
    history, files = [], []
    editable = withdrawal.status in supplements.EDITABLE
    if events:
        files = [
            DocumentRead(
                id=d.id,
                kind=d.kind,
                filename=d.filename,
                size=d.size,
                name=rules.document_names.get(d.kind, d.kind),
            )
            for d in await repo.documents_of(session, withdrawal.id)
        ]
        history = [
            WithdrawalEventRead(
                status=WithdrawalStatus(e.to_status),
                status_name=status_word(e.to_status),
                note=e.note,
                at=e.at,
            )
            for e in await repo.events_of(session, withdrawal.id)
        ]
    return WithdrawalRead(
        id=withdrawal.id,
        kind=withdrawal.kind,
        kind_name=withdrawal.kind_name,
        amount=withdrawal.amount,
        amount_text=format_yuan(withdrawal.amount),
        status=withdrawal.status,
        status_name=status_word(withdrawal.status, documents_missing=bool(missing)),
        reason=withdrawal.reason,
        card=card.masked
        if card
        else ("公积金贷款（冲还本金）" if withdrawal.card_id is None else ""),
        closes_account=withdrawal.closes_account,
        applied_on=withdrawal.applied_on,
        paid_at=withdrawal.paid_at,
        documents_missing=missing,
        documents=files,
        documents_editable=editable,
        resubmittable=withdrawal.status is WithdrawalStatus.NEEDS_DOCUMENTS and not missing,
        events=history,
        cancellable=withdrawal.status in service.CANCELLABLE,
    )
