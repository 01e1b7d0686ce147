"""Reconciliation: the bank's statement for a day against our withdrawals.

The bank's statement lists the outcomes it booked that day (China time); ours are the
withdrawals we booked as paid that day, plus whichever of our withdrawals the statement
names. Every difference is reported; none is corrected here — money questions go to a
person.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.clock import CHINA_TZ
from wxbackend.withdraw import repository as repo
from wxbackend.withdraw.bank import BankStatus, StatementEntry
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus

# Withdrawal.bank_reference: WD<id>, then WD<id>R<n> for the n-th new card after a refusal.
_REFERENCE = re.compile(r"^WD(\d{12})(?:R(\d{1,4}))?$")
# withdrawal.id is a 32-bit integer column: a larger "id" in a reference cannot be ours,
# and PostgreSQL would refuse it as a query parameter.
_MAX_ID = 2**31 - 1


class MismatchKind(enum.StrEnum):
    IN_BANK_NOT_OURS = "in_bank_not_ours"
    OURS_NOT_IN_BANK = "ours_not_in_bank"
    AMOUNT = "amount_mismatch"
    STATUS = "status_mismatch"  # needs attention: the two sides disagree on the outcome


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: MismatchKind
    reference: str
    bank_amount: int | None = None
    our_amount: int | None = None
    bank_status: str | None = None
    our_status: str | None = None


@dataclass
class ReconcileReport:
    day: date
    matched: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


# Which of our states agree with each outcome the bank booked.
_AGREES: dict[BankStatus, frozenset[WithdrawalStatus]] = {
    BankStatus.PAID: frozenset({WithdrawalStatus.PAID}),
    BankStatus.FAILED: frozenset({WithdrawalStatus.FAILED, WithdrawalStatus.AWAITING_CARD}),
    BankStatus.REJECTED_TYPE2: frozenset({WithdrawalStatus.FAILED, WithdrawalStatus.AWAITING_CARD}),
}
# An earlier round's refusal (the card refused, the money then paid to a new card).
_EARLIER_ROUND_REFUSALS = frozenset({BankStatus.FAILED, BankStatus.REJECTED_TYPE2})


def withdrawal_id_of(reference: str) -> int | None:
    match = _REFERENCE.match(reference)
    number = int(match.group(1)) if match else 0
    return number if 0 < number <= _MAX_ID else None


def china_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar day in China, as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=CHINA_TZ)
    return start, start + timedelta(days=1)


async def reconcile(
    session: AsyncSession, statement: Sequence[StatementEntry], *, day: date
) -> ReconcileReport:
    """Compare the bank's statement for `day` with our withdrawals; read-only."""
    start, end = china_day_bounds(day)
    ids = {i for e in statement if (i := withdrawal_id_of(e.reference)) is not None}
    ours = await repo.withdrawals_to_reconcile(session, paid_from=start, paid_to=end, ids=ids)
    return compare(statement, {w.bank_reference: w for w in ours}, day=day)


def earlier_round(reference: str, ours: dict[str, Withdrawal]) -> Withdrawal | None:
    """Our withdrawal when `reference` is one of its earlier rounds (a refused card)."""
    match = _REFERENCE.match(reference)
    if match is None:
        return None
    number, round_no = int(match.group(1)), int(match.group(2) or 0)
    for mine in ours.values():
        if mine.id == number and round_no < mine.payout_round:
            return mine
    return None


def compare(
    statement: Sequence[StatementEntry], ours: dict[str, Withdrawal], *, day: date
) -> ReconcileReport:
    """The pure comparison: every statement line against our row, then our unmatched paid."""
    report = ReconcileReport(day=day)
    seen: set[str] = set()
    for entry in statement:
        seen.add(entry.reference)
        mine = ours.get(entry.reference)
        refused_before = entry.status in _EARLIER_ROUND_REFUSALS
        if mine is None and refused_before and earlier_round(entry.reference, ours) is not None:
            report.matched += 1
            continue
        if mine is None:
            report.mismatches.append(
                Mismatch(
                    MismatchKind.IN_BANK_NOT_OURS,
                    entry.reference,
                    bank_amount=entry.amount,
                    bank_status=entry.status.value,
                )
            )
            continue
        found = _differences(entry, mine)
        report.mismatches.extend(found)
        report.matched += not found
    start, end = china_day_bounds(day)
    for reference, mine in sorted(ours.items()):
        paid_that_day = mine.paid_at is not None and start <= mine.paid_at < end
        if reference not in seen and mine.status is WithdrawalStatus.PAID and paid_that_day:
            report.mismatches.append(
                Mismatch(
                    MismatchKind.OURS_NOT_IN_BANK,
                    reference,
                    our_amount=mine.amount,
                    our_status=mine.status.value,
                )
            )
    return report


def _differences(entry: StatementEntry, mine: Withdrawal) -> list[Mismatch]:
    found = []
    if entry.amount != mine.amount:
        found.append(
            Mismatch(
                MismatchKind.AMOUNT,
                entry.reference,
                bank_amount=entry.amount,
                our_amount=mine.amount,
                bank_status=entry.status.value,
                our_status=mine.status.value,
            )
        )
    if mine.status not in _AGREES.get(entry.status, frozenset()):
        found.append(
            Mismatch(
                MismatchKind.STATUS,
                entry.reference,
                bank_amount=entry.amount,
                our_amount=mine.amount,
                bank_status=entry.status.value,
                our_status=mine.status.value,
            )
        )
    return found
