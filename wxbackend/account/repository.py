"""Read-only SQL over the ledger and withdrawal tables, always scoped to one account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund.models import (
    Deposit,
    Employer,
    InterestPosting,
    JournalEntry,
    Loan,
    LoanStatus,
    RepaymentSchedule,
)
from wxbackend.reads import ReadOnlyDatabase

# Built once (the overview is the most asked question, every 账户查询 click): a statement
# object keeps its SQLAlchemy cache key, so nothing is rebuilt or re-keyed per request.
_YEAR_TOTAL = (
    select(func.coalesce(func.sum(Deposit.employer_amount + Deposit.employee_amount), 0))
    .where(
        Deposit.account_id == bindparam("account_id"),
        Deposit.paid_for_month >= bindparam("start"),
        Deposit.paid_for_month <= bindparam("end"),
    )
    .scalar_subquery()
)
_ACTIVE_LOAN = (
    select(Loan.id)
    .where(Loan.account_id == bindparam("account_id"), Loan.status == LoanStatus.ACTIVE)
    .exists()
)
_EMPLOYER_NAME = (
    select(Employer.name).where(Employer.id == bindparam("employer_id")).scalar_subquery()
)
_OVERVIEW_EXTRAS = select(_EMPLOYER_NAME, _YEAR_TOTAL, _ACTIVE_LOAN)


async def overview_extras(
    session: AsyncSession, *, account_id: int, employer_id: int, start: date, end: date
) -> tuple[str | None, int, bool]:
    """Employer name, deposits for paid-for months in [start, end], any active loan.

    One round trip: the overview is the most asked question (every 账户查询 click).
    """
    params = {"account_id": account_id, "employer_id": employer_id, "start": start, "end": end}
    row = (await session.execute(_OVERVIEW_EXTRAS, params)).one()
    return row[0], int(row[1]), bool(row[2])


# `overview_extras` on the read-only connections (PostgreSQL), as a prepared statement.
_OVERVIEW_EXTRAS_SQL = f"""
SELECT (SELECT name FROM employer WHERE id = $1) AS employer,
       (SELECT coalesce(sum(employer_amount + employee_amount), 0) FROM deposit
         WHERE account_id = $2 AND paid_for_month >= $3 AND paid_for_month <= $4) AS year_total,
       EXISTS (SELECT 1 FROM loan WHERE account_id = $2 AND status = '{LoanStatus.ACTIVE.value}')
         AS has_loan
"""  # noqa: S608 - a constant of ours, not input


async def overview_extras_read(
    db: ReadOnlyDatabase, *, account_id: int, employer_id: int, start: date, end: date
) -> tuple[str | None, int, bool]:
    """As `overview_extras`, read from the latest committed rows without a session."""
    row = await db.fetchrow(_OVERVIEW_EXTRAS_SQL, employer_id, account_id, start, end)
    if row is None:  # pragma: no cover - a SELECT of three scalars always has a row
        raise RuntimeError("overview extras returned no row")
    return row["employer"], int(row["year_total"]), bool(row["has_loan"])


async def employer_name(session: AsyncSession, employer_id: int) -> str | None:
    return await session.scalar(select(Employer.name).where(Employer.id == employer_id))


async def deposit_count_and_sum(
    session: AsyncSession, *, account_id: int, start: date, end: date
) -> tuple[int, int]:
    """How many deposits, and their total, for paid-for months in [start, end]."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Deposit.employer_amount + Deposit.employee_amount), 0),
            ).where(
                Deposit.account_id == account_id,
                Deposit.paid_for_month >= start,
                Deposit.paid_for_month <= end,
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def deposits(
    session: AsyncSession, *, account_id: int, start: date, end: date, offset: int, limit: int
) -> Sequence[Deposit]:
    result = await session.scalars(
        select(Deposit)
        .where(
            Deposit.account_id == account_id,
            Deposit.paid_for_month >= start,
            Deposit.paid_for_month <= end,
        )
        .order_by(Deposit.paid_for_month.desc())
        .offset(offset)
        .limit(limit)
    )
    return result.all()


async def deposit_month_range(session: AsyncSession, account_id: int) -> tuple[date, date] | None:
    row = (
        await session.execute(
            select(func.min(Deposit.paid_for_month), func.max(Deposit.paid_for_month)).where(
                Deposit.account_id == account_id
            )
        )
    ).one()
    return None if row[0] is None else (row[0], row[1])


async def interest_postings(session: AsyncSession, account_id: int) -> Sequence[InterestPosting]:
    result = await session.scalars(
        select(InterestPosting)
        .where(InterestPosting.account_id == account_id)
        .order_by(InterestPosting.year.desc())
    )
    return result.all()


async def loans(session: AsyncSession, account_id: int) -> Sequence[Loan]:
    result = await session.scalars(
        select(Loan).where(Loan.account_id == account_id).order_by(Loan.start_date.desc())
    )
    return result.all()


async def loan(session: AsyncSession, *, account_id: int, loan_id: int) -> Loan | None:
    """One loan, only when it belongs to this account."""
    return await session.scalar(
        select(Loan).where(Loan.id == loan_id, Loan.account_id == account_id)
    )


async def schedules(
    session: AsyncSession, loan_ids: Sequence[int]
) -> dict[int, list[RepaymentSchedule]]:
    """Every period of these loans, in period order, by loan id."""
    found: dict[int, list[RepaymentSchedule]] = {i: [] for i in loan_ids}
    if not loan_ids:
        return found
    result = await session.scalars(
        select(RepaymentSchedule)
        .where(RepaymentSchedule.loan_id.in_(loan_ids))
        .order_by(RepaymentSchedule.loan_id, RepaymentSchedule.period_no)
    )
    for row in result:
        found[row.loan_id].append(row)
    return found


async def balance_before(session: AsyncSession, *, account_id: int, day: date) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(JournalEntry.amount), 0)).where(
            JournalEntry.account_id == account_id, JournalEntry.value_date < day
        )
    )
    return int(total or 0)


async def journal(
    session: AsyncSession, *, account_id: int, start: date, end: date
) -> Sequence[JournalEntry]:
    result = await session.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.account_id == account_id,
            JournalEntry.value_date >= start,
            JournalEntry.value_date <= end,
        )
        .order_by(JournalEntry.value_date, JournalEntry.id)
    )
    return result.all()
