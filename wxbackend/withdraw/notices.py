"""What the applicant is told about their withdrawal, written to the outbox in the same
transaction as the state change it reports."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.cards import service as cards
from wxbackend.money import format_yuan
from wxbackend.notify.service import enqueue_notice, enqueue_security_notice
from wxbackend.withdraw.models import Withdrawal


async def tell_applicant(
    session: AsyncSession, withdrawal: Withdrawal, kind: str, **values: str
) -> None:
    await enqueue_notice(
        session,
        account_id=withdrawal.account_id,
        kind=kind,
        values={
            "amount": format_yuan(withdrawal.amount),
            "kind_name": withdrawal.kind_name,
            "withdrawal_no": withdrawal.bank_reference,
            **values,
        },
        link_path=f"/h5/withdrawals/{withdrawal.id}",
    )


async def tell_submitted(session: AsyncSession, withdrawal: Withdrawal) -> None:
    """The security notice of a new application (someone else filing it must be noticed
    before it is paid): kind, amount, where the money goes, once per withdrawal."""
    bank_card = (
        await cards.card_label(session, withdrawal.card_id) if withdrawal.card_id else "公积金贷款"
    )
    await enqueue_security_notice(
        session,
        account_id=withdrawal.account_id,
        kind="withdrawal_submitted",
        values={
            "amount": format_yuan(withdrawal.amount),
            "kind_name": withdrawal.kind_name,
            "bank_card": bank_card,
        },
        dedup_key=str(withdrawal.id),
        link_path=f"/h5/withdrawals/{withdrawal.id}",
    )
