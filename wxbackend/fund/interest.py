"""Interest (结息): each deposit year's posting on 30 June, and 销户结息 up to a closing day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.fund import calc
from wxbackend.fund import repository as repo
from wxbackend.fund.models import EntryType, InterestPosting
from wxbackend.fund.service import AccountNotFound, post_entry


async def post_interest(
    session: AsyncSession, *, account_id: int, year: int, rate_bp: int = calc.INTEREST_RATE_BP
) -> InterestPosting | None:
    """Post one deposit year's interest on 30 June; a second call for the year is a no-op."""
    if await repo.get_interest_posting(session, account_id=account_id, year=year):
        return None
    start, end = calc.deposit_year(year)
    opening = await repo.journal_sum_before(session, account_id=account_id, day=start)
    movements = await repo.movements_between(session, account_id=account_id, start=start, end=end)
    amount = calc.yearly_interest(
        opening_balance=opening, movements=movements, year=year, rate_bp=rate_bp
    )
    posting = InterestPosting(
        account_id=account_id, year=year, rate_bp=rate_bp, amount=amount, posted_on=end
    )
    session.add(posting)
    if amount > 0:
        await post_entry(
            session,
            account_id=account_id,
            entry_type=EntryType.INTEREST,
            amount=amount,
            value_date=end,
            ref=f"interest:{year}",
        )
    await session.flush()
    return posting


async def post_closing_interest(
    session: AsyncSession, *, account_id: int, on: date, rate_bp: int = calc.INTEREST_RATE_BP
) -> int:
    """销户结息: interest from the last 30 June posting up to the closing day, posted once.

    Earlier deposit years not posted yet are posted first (the last posting may be older
    than the last 30 June). Recorded as the closing deposit year's interest posting (same
    journal ref), so the yearly run on 30 June never pays that year again. Returns the
    closing year's amount (0 when already posted).
    """
    account = await repo.get_account(session, account_id)
    if account is None:
        raise AccountNotFound()
    year = calc.deposit_year_of(on)
    for earlier in range(calc.deposit_year_of(account.opened_on), year):
        await post_interest(session, account_id=account_id, year=earlier, rate_bp=rate_bp)
    if await repo.get_interest_posting(session, account_id=account_id, year=year):
        return 0
    start, _end = calc.deposit_year(year)
    opening = await repo.journal_sum_before(session, account_id=account_id, day=start)
    movements = await repo.movements_between(
        session, account_id=account_id, start=start, end=on - timedelta(days=1)
    )
    amount = calc.interest_between(
        opening_balance=opening, movements=movements, start=start, end=on, rate_bp=rate_bp
    )
    session.add(
        InterestPosting(
            account_id=account_id, year=year, rate_bp=rate_bp, amount=amount, posted_on=on
        )
    )
    if amount > 0:
        await post_entry(
            session,
            account_id=account_id,
            entry_type=EntryType.INTEREST,
            amount=amount,
            value_date=on,
            ref=f"interest:{year}",
            memo="销户结息",
        )
    await session.flush()
    return amount
