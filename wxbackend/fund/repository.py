"""SQL for the fund ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund.models import (
    AccountStatus,
    Deposit,
    Employer,
    FundAccount,
    InterestPosting,
    JournalEntry,
    Loan,
)


@dataclass(frozen=True, slots=True)
class BalanceMismatch:
    account_id: int
    account_no: str
    balance: int
    journal_sum: int


async def get_employer_by_code(session: AsyncSession, code: str) -> Employer | None:
    return await session.scalar(select(Employer).where(Employer.code == code))


async def employer_name(session: AsyncSession, employer_id: int) -> str | None:
    return await session.scalar(select(Employer.name).where(Employer.id == employer_id))


async def employer_district(session: AsyncSession, employer_id: int) -> str | None:
    return await session.scalar(select(Employer.district).where(Employer.id == employer_id))


async def open_accounts_of_employer(
    session: AsyncSession, employer_id: int
) -> Sequence[FundAccount]:
    """The employer's accounts that are not closed, by account number."""
    result = await session.scalars(
        select(FundAccount)
        .where(FundAccount.employer_id == employer_id, FundAccount.status != AccountStatus.CLOSED)
        .order_by(FundAccount.account_no)
    )
    return result.all()


async def employer_ids_by_code(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Employer.code, Employer.id))
    return {row.code: row.id for row in rows}


async def get_account(session: AsyncSession, account_id: int) -> FundAccount | None:
    return await session.get(FundAccount, account_id)


async def accounts_by_ids(
    session: AsyncSession, account_ids: Sequence[int]
) -> dict[int, FundAccount]:
    if not account_ids:
        return {}
    result = await session.scalars(select(FundAccount).where(FundAccount.id.in_(account_ids)))
    return {a.id: a for a in result}


async def accounts_by_id_hash(session: AsyncSession, id_hash: bytes) -> Sequence[FundAccount]:
    result = await session.scalars(select(FundAccount).where(FundAccount.id_no_hash == id_hash))
    return result.all()


async def existing_account_nos(session: AsyncSession, account_nos: Sequence[str]) -> set[str]:
    if not account_nos:
        return set()
    rows = await session.scalars(
        select(FundAccount.account_no).where(FundAccount.account_no.in_(account_nos))
    )
    return set(rows.all())


async def lock_account(session: AsyncSession, account_id: int) -> FundAccount | None:
    """The account, locked for this transaction: checks made next hold until commit.

    PostgreSQL: SELECT ... FOR UPDATE on the row. SQLite has no row locks and lets one
    writer at a time: a write to the row takes the database's write lock first (waiting
    out the busy timeout), so every later read in the transaction is current.
    """
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(
            update(FundAccount)
            .where(FundAccount.id == account_id)
            .values(balance=FundAccount.balance)
            .execution_options(synchronize_session=False)
        )
    return await session.scalar(
        select(FundAccount)
        .where(FundAccount.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def other_accounts_in_status(
    session: AsyncSession, *, id_hash: bytes, account_id: int, status: AccountStatus
) -> bool:
    """Whether the same person (ID hash) has another account in `status`."""
    found = await session.scalar(
        select(FundAccount.id)
        .where(
            FundAccount.id_no_hash == id_hash,
            FundAccount.id != account_id,
            FundAccount.status == status,
        )
        .limit(1)
    )
    return found is not None


async def add_to_balance(session: AsyncSession, *, account_id: int, amount: int) -> int | None:
    """Atomically add `amount` unless the balance would go negative.

    The conditional UPDATE takes the row lock on PostgreSQL, so concurrent debits are
    serialised and checked against the balance each one actually sees. Returns the new
    balance, or None when refused.
    """
    result = await session.execute(
        update(FundAccount)
        .where(FundAccount.id == account_id, FundAccount.balance + amount >= 0)
        .values(balance=FundAccount.balance + amount)
        .returning(FundAccount.balance)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none()


async def add_entry(session: AsyncSession, entry: JournalEntry) -> JournalEntry:
    session.add(entry)
    await session.flush()
    return entry


async def journal_sum_before(session: AsyncSession, *, account_id: int, day: date) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(JournalEntry.amount), 0)).where(
            JournalEntry.account_id == account_id, JournalEntry.value_date < day
        )
    )
    return int(total or 0)


async def movements_between(
    session: AsyncSession, *, account_id: int, start: date, end: date
) -> list[tuple[date, int]]:
    rows = await session.execute(
        select(JournalEntry.value_date, JournalEntry.amount).where(
            JournalEntry.account_id == account_id,
            JournalEntry.value_date >= start,
            JournalEntry.value_date <= end,
        )
    )
    return [(d, int(a)) for d, a in rows]


async def balance_mismatches(session: AsyncSession) -> list[BalanceMismatch]:
    """Accounts whose stored balance differs from the sum of their journal entries."""
    sums = (
        select(JournalEntry.account_id, func.sum(JournalEntry.amount).label("total"))
        .group_by(JournalEntry.account_id)
        .subquery()
    )
    journal_total = func.coalesce(sums.c.total, 0)
    rows = await session.execute(
        select(FundAccount.id, FundAccount.account_no, FundAccount.balance, journal_total)
        .outerjoin(sums, sums.c.account_id == FundAccount.id)
        .where(FundAccount.balance != journal_total)
        .order_by(FundAccount.id)
    )
    return [BalanceMismatch(i, no, int(b), int(s)) for i, no, b, s in rows]


async def count_accounts(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(FundAccount)) or 0)


async def get_interest_posting(
    session: AsyncSession, *, account_id: int, year: int
) -> InterestPosting | None:
    return await session.scalar(
        select(InterestPosting).where(
            InterestPosting.account_id == account_id, InterestPosting.year == year
        )
    )


async def get_deposit(session: AsyncSession, *, account_id: int, month: date) -> Deposit | None:
    return await session.scalar(
        select(Deposit).where(Deposit.account_id == account_id, Deposit.paid_for_month == month)
    )


async def bulk_insert(session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Insert many plain rows in one statement per batch (demo generation, imports)."""
    batch = 2_000
    for start in range(0, len(rows), batch):
        await session.execute(insert(model), rows[start : start + batch])


async def accounts_by_nos(
    session: AsyncSession, account_nos: Sequence[str]
) -> dict[str, FundAccount]:
    """Accounts keyed by account number (imports resolve references in one query)."""
    found: dict[str, FundAccount] = {}
    unique = sorted(set(account_nos))
    for start in range(0, len(unique), 500):
        result = await session.scalars(
            select(FundAccount).where(FundAccount.account_no.in_(unique[start : start + 500]))
        )
        found.update({a.account_no: a for a in result})
    return found


async def existing_id_hashes(session: AsyncSession, id_hashes: Sequence[bytes]) -> set[bytes]:
    found: set[bytes] = set()
    unique = list(set(id_hashes))
    for start in range(0, len(unique), 500):
        rows = await session.scalars(
            select(FundAccount.id_no_hash).where(
                FundAccount.id_no_hash.in_(unique[start : start + 500])
            )
        )
        found.update(rows)
    return found


async def deposit_months(
    session: AsyncSession, account_ids: Sequence[int]
) -> set[tuple[int, date]]:
    """(account id, paid-for month) of every deposit already booked for these accounts."""
    found: set[tuple[int, date]] = set()
    unique = sorted(set(account_ids))
    for start in range(0, len(unique), 500):
        rows = await session.execute(
            select(Deposit.account_id, Deposit.paid_for_month).where(
                Deposit.account_id.in_(unique[start : start + 500])
            )
        )
        found.update((account_id, month) for account_id, month in rows)
    return found


async def existing_contract_nos(session: AsyncSession, contract_nos: Sequence[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(contract_nos))
    for start in range(0, len(unique), 500):
        rows = await session.scalars(
            select(Loan.contract_no).where(Loan.contract_no.in_(unique[start : start + 500]))
        )
        found.update(rows)
    return found


async def bulk_insert_returning_ids(
    session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many plain rows and return their new ids, in the order of `rows`."""
    ids: list[int] = []
    batch = 2_000
    for start in range(0, len(rows), batch):
        result = await session.scalars(
            insert(model).returning(model.id, sort_by_parameter_order=True),
            rows[start : start + batch],
        )
        ids.extend(result.all())
    return ids


async def months_deposited(session: AsyncSession, account_id: int) -> list[date]:
    """Paid-for months of the account's deposits, newest first."""
    rows = await session.scalars(
        select(Deposit.paid_for_month)
        .where(Deposit.account_id == account_id)
        .order_by(Deposit.paid_for_month.desc())
    )
    return list(rows.all())
