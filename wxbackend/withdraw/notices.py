"""What the applicant is told about their withdrawal, written to the outbox in the same
transaction as the state change it reports."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.money import format_yuan
from wxbackend.notify.service import enqueue_notice
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
