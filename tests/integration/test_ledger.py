"""The fund ledger: balances move only through journal entries, which never change."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund import interest, service
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus, EntryType, FundAccount, JournalEntry
from wxbackend.security.pii import Vault

_counter = iter(range(1, 10_000))


async def _account(
    session: AsyncSession, vault: Vault, *, opening_balance: int = 0, id_no: str | None = None
) -> FundAccount:
    n = next(_counter)
    employer = await service.add_employer(
        session, code=f"LEDGER{n}", name="示例科技有限公司", credit_code=None, district="锦江区"
    )
    return await service.open_account(
        session,
        vault,
        account_no=f"9{n:08d}",
        identity=service.Identity(
            name="李四", id_no=id_no or make_id_no("510104", date(1988, 1, 2), n % 1000)
        ),
        mobile="13912345678",
        employer_id=employer.id,
        status=AccountStatus.NORMAL,
        deposit_base=800000,
        employer_ratio_bp=1200,
        employee_ratio_bp=1200,
        opened_on=date(2020, 1, 1),
        opening_balance=opening_balance,
    )


async def test_deposits_and_interest_keep_balance_equal_to_journal(
    session: AsyncSession, vault: Vault
) -> None:
    account = await _account(session, vault, opening_balance=1_000_000)
    for month in (date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1)):
        await service.post_deposit(session, account=account, month=month, posted_on=month)
    posting = await interest.post_interest(session, account_id=account.id, year=2025)
    assert posting is not None
    assert posting.amount > 0
    assert await interest.post_interest(session, account_id=account.id, year=2025) is None

    await session.refresh(account)
    entries = (
        await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.account_id == account.id)
            .order_by(JournalEntry.id)
        )
    ).all()
    assert account.balance == sum(e.amount for e in entries)
    assert account.balance == 1_000_000 + 3 * 192_000 + posting.amount
    assert [e.entry_type for e in entries] == [
        EntryType.OPENING,
        EntryType.DEPOSIT,
        EntryType.DEPOSIT,
        EntryType.DEPOSIT,
        EntryType.INTEREST,
    ]
    running = 0
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running
    assert account.paid_up_to == date(2024, 9, 1)
    assert await service.check_ledger(session) == []


async def test_a_debit_larger_than_the_balance_is_refused(
    session: AsyncSession, vault: Vault
) -> None:
    account = await _account(session, vault, opening_balance=50_000)
    with pytest.raises(service.InsufficientBalance):
        await service.post_entry(
            session,
            account_id=account.id,
            entry_type=EntryType.WITHDRAWAL,
            amount=-50_001,
            value_date=date(2025, 1, 1),
            ref="withdrawal:test-1",
        )
    await service.post_entry(
        session,
        account_id=account.id,
        entry_type=EntryType.WITHDRAWAL,
        amount=-50_000,
        value_date=date(2025, 1, 1),
        ref="withdrawal:test-2",
    )
    await session.refresh(account)
    assert account.balance == 0


async def test_the_same_business_event_cannot_move_money_twice(
    session: AsyncSession, vault: Vault
) -> None:
    account = await _account(session, vault, opening_balance=100_000)
    kwargs = {
        "account_id": account.id,
        "entry_type": EntryType.WITHDRAWAL,
        "amount": -10_000,
        "value_date": date(2025, 1, 1),
        "ref": "withdrawal:77",
    }
    await service.post_entry(session, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await service.post_entry(session, **kwargs)  # type: ignore[arg-type]


async def test_journal_entries_cannot_be_changed_or_deleted(
    session: AsyncSession, vault: Vault
) -> None:
    account = await _account(session, vault, opening_balance=100_000)
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(
                update(JournalEntry)
                .where(JournalEntry.account_id == account.id)
                .values(amount=999_999)
            )
    with pytest.raises(DBAPIError, match="append-only"):
        async with session.begin_nested():
            await session.execute(
                text("DELETE FROM journal_entry WHERE account_id = :id"), {"id": account.id}
            )


async def test_ledger_check_catches_a_tampered_balance(session: AsyncSession, vault: Vault) -> None:
    account = await _account(session, vault, opening_balance=100_000)
    assert await service.check_ledger(session) == []
    await session.execute(
        update(FundAccount).where(FundAccount.id == account.id).values(balance=100_100)
    )
    mismatches = await service.check_ledger(session)
    assert [(m.account_no, m.balance, m.journal_sum) for m in mismatches] == [
        (account.account_no, 100_100, 100_000)
    ]


async def test_personal_data_is_encrypted_and_found_by_id_number(
    session: AsyncSession, vault: Vault
) -> None:
    id_no = make_id_no("510107", date(1979, 11, 30), 42)
    account = await _account(session, vault, id_no=id_no)
    row = (
        await session.execute(
            text("SELECT id_no_enc, id_no_hash, mobile_enc FROM fund_account WHERE id = :id"),
            {"id": account.id},
        )
    ).one()
    for column in row:
        assert id_no.encode() not in bytes(column)
        assert b"13912345678" not in bytes(column)
    found = await service.find_accounts_by_id_no(session, vault, id_no.lower())
    assert [a.id for a in found] == [account.id]
    assert service.reveal_id_no(vault, found[0]) == id_no
    assert service.reveal_mobile(vault, found[0]) == "13912345678"
    assert await service.find_accounts_by_id_no(session, vault, "11010519491231002X") == []


async def test_concurrent_debits_never_overdraw(engine: object, vault: Vault) -> None:
    """Real transactions racing on one account: the conditional update serialises them."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    from wxbackend.db import create_sessionmaker, session_scope

    assert isinstance(engine, AsyncEngine)
    factory = create_sessionmaker(engine)
    async with session_scope(factory) as setup:
        account = await _account(setup, vault, opening_balance=100_000)
    account_id = account.id

    async def debit(n: int) -> bool:
        try:
            async with session_scope(factory) as session:
                await service.post_entry(
                    session,
                    account_id=account_id,
                    entry_type=EntryType.WITHDRAWAL,
                    amount=-30_000,
                    value_date=date(2025, 1, 1),
                    ref=f"withdrawal:race-{account_id}-{n}",
                )
            return True
        except service.InsufficientBalance:
            return False

    results = await asyncio.gather(*(debit(n) for n in range(8)))
    assert results.count(True) == 3
    async with session_scope(factory) as check:
        stored = await check.get(FundAccount, account_id)
        assert stored is not None
        assert stored.balance == 10_000
        assert await service.check_ledger(check) == []
