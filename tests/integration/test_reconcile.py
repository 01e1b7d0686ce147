"""reconcile() against the database: which of our withdrawals it reads and compares."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.security.pii import Vault
from wxbackend.withdraw.bank import BankStatus, StatementEntry
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.reconcile import MismatchKind, reconcile

# A day no other test pays on: the session database is shared by the whole run.
DAY = date(2031, 5, 14)
NOON = datetime(2031, 5, 14, 4, tzinfo=UTC)  # 12:00 in China
S = WithdrawalStatus


async def make_withdrawal(
    session: AsyncSession,
    vault: Vault,
    *,
    amount: int = 300_000,
    status: WithdrawalStatus = S.APPROVED,
    paid_at: datetime | None = None,
    card_no: str = "6222020000000001234",
) -> Withdrawal:
    """An account with an active card and one withdrawal in `status` (no journal entry)."""
    account = await make_account(session, vault)
    card = await make_card(session, vault, account, card_no=card_no)
    withdrawal = Withdrawal(
        account_id=account.id,
        card_id=card.id,
        kind="rent",
        kind_name="租房提取",
        amount=amount,
        status=status,
        applied_on=clock.today_in_china(),
        paid_at=paid_at,
    )
    session.add(withdrawal)
    await session.flush()
    return withdrawal


def entry(
    w: Withdrawal, amount: int | None = None, status: BankStatus = BankStatus.PAID
) -> StatementEntry:
    return StatementEntry(w.bank_reference, w.amount if amount is None else amount, status, NOON)


async def test_reconcile_matches_paid_withdrawals(session: AsyncSession, vault: Vault) -> None:
    paid = await make_withdrawal(session, vault, status=S.PAID, paid_at=NOON)
    failed = await make_withdrawal(session, vault, status=S.FAILED)
    report = await reconcile(
        session, [entry(paid), entry(failed, status=BankStatus.REJECTED_TYPE2)], day=DAY
    )
    assert report.ok, report.mismatches
    assert report.matched == 2


async def test_reconcile_reports_each_kind(session: AsyncSession, vault: Vault) -> None:
    missing_at_bank = await make_withdrawal(session, vault, status=S.PAID, paid_at=NOON)
    wrong_amount = await make_withdrawal(session, vault, status=S.PAID, paid_at=NOON)
    still_paying = await make_withdrawal(session, vault, status=S.PAYING)
    refunded = await make_withdrawal(session, vault, status=S.FAILED)
    stranger = StatementEntry("WD999999999999", 100, BankStatus.PAID, NOON)
    statement = [entry(wrong_amount, amount=1), entry(still_paying), entry(refunded), stranger]

    report = await reconcile(session, statement, day=DAY)

    found = {(m.kind, m.reference) for m in report.mismatches}
    assert found == {
        (MismatchKind.OURS_NOT_IN_BANK, missing_at_bank.bank_reference),
        (MismatchKind.AMOUNT, wrong_amount.bank_reference),
        (MismatchKind.STATUS, still_paying.bank_reference),
        (MismatchKind.STATUS, refunded.bank_reference),
        (MismatchKind.IN_BANK_NOT_OURS, "WD999999999999"),
    }
    assert report.matched == 0


async def test_reconcile_ignores_other_days(session: AsyncSession, vault: Vault) -> None:
    await make_withdrawal(
        session, vault, status=S.PAID, paid_at=datetime(2031, 5, 14, 16, tzinfo=UTC)
    )
    report = await reconcile(session, [], day=DAY)  # 00:00 on the 15th in China: not this day
    assert report.ok
