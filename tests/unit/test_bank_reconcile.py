"""The pure half of reconciliation, and the signature both sides compute."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime

from wxbackend.withdraw.bank import BankStatus, StatementEntry
from wxbackend.withdraw.bank_http import signature
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.withdraw.reconcile import MismatchKind, ReconcileReport, compare, withdrawal_id_of

DAY = date(2026, 3, 2)
NOON = datetime(2026, 3, 2, 4, tzinfo=UTC)  # 12:00 in China
S = WithdrawalStatus


def ours(
    n: int, amount: int, status: WithdrawalStatus, paid_at: datetime | None = NOON
) -> Withdrawal:
    return Withdrawal(id=n, amount=amount, status=status, paid_at=paid_at)


def line(n: int, amount: int, status: BankStatus = BankStatus.PAID) -> StatementEntry:
    return StatementEntry(f"WD{n:012d}", amount, status, NOON)


def by_ref(*rows: Withdrawal) -> dict[str, Withdrawal]:
    return {w.bank_reference: w for w in rows}


def kinds(report: ReconcileReport) -> list[tuple[MismatchKind, str]]:
    return [(m.kind, m.reference) for m in report.mismatches]


def test_matching_statement_is_ok() -> None:
    report = compare(
        [line(1, 500), line(2, 700, BankStatus.REJECTED_TYPE2), line(3, 900, BankStatus.FAILED)],
        by_ref(ours(1, 500, S.PAID), ours(2, 700, S.FAILED, None), ours(3, 900, S.FAILED, None)),
        day=DAY,
    )
    assert report.ok
    assert report.matched == 3


def test_in_bank_not_ours() -> None:
    report = compare([line(1, 500), StatementEntry("X1", 5, BankStatus.PAID, NOON)], {}, day=DAY)
    assert kinds(report) == [
        (MismatchKind.IN_BANK_NOT_OURS, "WD000000000001"),
        (MismatchKind.IN_BANK_NOT_OURS, "X1"),
    ]


def test_ours_not_in_bank_only_when_paid_that_day() -> None:
    report = compare(
        [],
        by_ref(
            ours(1, 500, S.PAID),
            ours(2, 500, S.PAID, datetime(2026, 3, 2, 16, 1, tzinfo=UTC)),  # 3 March in China
            ours(3, 500, S.PAYING, None),
        ),
        day=DAY,
    )
    assert kinds(report) == [(MismatchKind.OURS_NOT_IN_BANK, "WD000000000001")]
    assert report.mismatches[0].our_amount == 500


def test_amount_mismatch() -> None:
    report = compare([line(1, 501)], by_ref(ours(1, 500, S.PAID)), day=DAY)
    assert kinds(report) == [(MismatchKind.AMOUNT, "WD000000000001")]
    assert (report.mismatches[0].bank_amount, report.mismatches[0].our_amount) == (501, 500)


def test_bank_paid_but_we_failed_or_still_paying_needs_attention() -> None:
    report = compare(
        [line(1, 500), line(2, 500)],
        by_ref(ours(1, 500, S.FAILED, None), ours(2, 500, S.PAYING, None)),
        day=DAY,
    )
    assert kinds(report) == [
        (MismatchKind.STATUS, "WD000000000001"),
        (MismatchKind.STATUS, "WD000000000002"),
    ]
    assert (report.mismatches[1].bank_status, report.mismatches[1].our_status) == (
        "paid",
        "paying",
    )


def test_bank_failed_but_we_paid_is_a_status_mismatch() -> None:
    report = compare([line(1, 500, BankStatus.FAILED)], by_ref(ours(1, 500, S.PAID)), day=DAY)
    assert kinds(report) == [(MismatchKind.STATUS, "WD000000000001")]


def test_withdrawal_id_of_reference() -> None:
    assert withdrawal_id_of("WD000000000042") == 42
    assert withdrawal_id_of("WD42") is None
    assert withdrawal_id_of("WD999999999999") is None  # beyond the id column
    assert withdrawal_id_of("XX000000000042") is None


def test_signature_is_hmac_sha256_over_the_documented_string() -> None:
    expected = hmac.new(
        b"key", b"POST\n/bank/payments\n1700000000\nn1\n" + b'{"a":1}', hashlib.sha256
    ).hexdigest()
    got = signature(
        "key",
        head="POST",
        path="/bank/payments",
        timestamp="1700000000",
        nonce="n1",
        body=b'{"a":1}',
    )
    assert got == expected
