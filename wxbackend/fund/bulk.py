"""Loading the ledger in bulk: the CSV importer's lookups and the demo centre's inserts.

At run time money moves only through `service.post_entry`. The demo generator instead
writes whole histories at once: each account's balance and the journal entries that
make it up, in one transaction, checked afterwards by `wxbackend ledger check` like any
other account.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund import repository as repo
from wxbackend.fund.models import (
    Deposit,
    Employer,
    FundAccount,
    InterestPosting,
    JournalEntry,
    Loan,
    RepaymentSchedule,
)

Row = dict[str, Any]  # column name -> value, as the table's model names them


async def employer_ids_by_code(session: AsyncSession) -> dict[str, int]:
    return await repo.employer_ids_by_code(session)


async def existing_account_nos(session: AsyncSession, account_nos: Sequence[str]) -> set[str]:
    return await repo.existing_account_nos(session, account_nos)


async def existing_id_hashes(session: AsyncSession, id_hashes: Sequence[bytes]) -> set[bytes]:
    return await repo.existing_id_hashes(session, id_hashes)


async def accounts_by_nos(
    session: AsyncSession, account_nos: Sequence[str]
) -> dict[str, FundAccount]:
    return await repo.accounts_by_nos(session, account_nos)


async def booked_deposit_months(
    session: AsyncSession, account_ids: Sequence[int]
) -> set[tuple[int, date]]:
    return await repo.deposit_months(session, account_ids)


async def existing_contract_nos(session: AsyncSession, contract_nos: Sequence[str]) -> set[str]:
    return await repo.existing_contract_nos(session, contract_nos)


async def insert_employers(session: AsyncSession, rows: list[Row]) -> list[int]:
    return await repo.bulk_insert_returning_ids(session, Employer, rows)


async def insert_accounts(session: AsyncSession, rows: list[Row]) -> list[int]:
    return await repo.bulk_insert_returning_ids(session, FundAccount, rows)


async def insert_history(
    session: AsyncSession, *, deposits: list[Row], entries: list[Row], interest: list[Row]
) -> None:
    """Deposits, journal entries and interest postings whose sums the balances already hold."""
    await repo.bulk_insert(session, Deposit, deposits)
    await repo.bulk_insert(session, JournalEntry, entries)
    await repo.bulk_insert(session, InterestPosting, interest)


async def insert_loans(session: AsyncSession, rows: list[Row]) -> list[int]:
    return await repo.bulk_insert_returning_ids(session, Loan, rows)


async def insert_repayment_schedules(session: AsyncSession, rows: list[Row]) -> None:
    await repo.bulk_insert(session, RepaymentSchedule, rows)
