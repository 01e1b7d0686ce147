"""A withdrawal as the depositor sees it: names, masked card, history, missing documents."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards import service as cards
from wxbackend.money import format_yuan
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.schemas import (
    STATUS_NAMES,
    DocumentKindRead,
    WithdrawalEventRead,
    WithdrawalRead,
)
from wxbackend.withdraw.service import CANCELLABLE


async def withdrawal_view(
    session: AsyncSession, rules: RuleBook, withdrawal: Withdrawal, *, events: bool = True
) -> WithdrawalRead:
    rule = rules.rules.get(withdrawal.kind)
    card = await cards.get_card(session, withdrawal.card_id)
    missing: list[DocumentKindRead] = []
    if rule is not None and withdrawal.status is WithdrawalStatus.SUBMITTED:
        have = await repo.document_kinds(session, withdrawal.id)
        missing = [
            DocumentKindRead(kind=d, name=rules.document_names[d])
            for d in rule.documents
            if d not in have
        ]
    history = []
    if events:
        history = [
            WithdrawalEventRead(
                status=WithdrawalStatus(e.to_status),
                status_name=STATUS_NAMES[WithdrawalStatus(e.to_status)],
                note=e.note,
                at=e.at,
            )
            for e in await repo.events_of(session, withdrawal.id)
        ]
    return WithdrawalRead(
        id=withdrawal.id,
        kind=withdrawal.kind,
        kind_name=rule.name if rule else withdrawal.kind,
        amount=withdrawal.amount,
        amount_text=format_yuan(withdrawal.amount),
        status=withdrawal.status,
        status_name="待上传材料" if missing else STATUS_NAMES[withdrawal.status],
        reason=withdrawal.reason,
        card=card.masked if card else "",
        applied_on=withdrawal.applied_on,
        paid_at=withdrawal.paid_at,
        documents_missing=missing,
        events=history,
        cancellable=withdrawal.status in CANCELLABLE,
    )
