"""The caller's own account: overview, deposits, interest and withdrawals.

Every function finds the account from the caller's channel + openid through
`binding.queryable_account` (NotBound / InitialPasswordMustChange); no id given by the
caller can reach another account, and ids of rows (withdrawals) are looked up together
with the caller's account id.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from wxbackend.account import display
from wxbackend.account import repository as repo
from wxbackend.account.schemas import (
    DepositPage,
    DepositRead,
    InterestList,
    InterestRead,
    OverviewRead,
    RecentDeposits,
    WithdrawalDetail,
    WithdrawalPage,
    WithdrawalRead,
)
from wxbackend.bind import binding
from wxbackend.enums import Channel
from wxbackend.errors import NotFound
from wxbackend.fund import calc
from wxbackend.fund.models import ACCOUNT_STATUS_NAMES, Deposit, FundAccount
from wxbackend.fund.rows import AccountRow
from wxbackend.reads import ReadOnlyDatabase
from wxbackend.security.masking import mask_account_no
from wxbackend.withdraw import queries as withdrawals
from wxbackend.withdraw.rules import RuleBook
from wxbackend.withdraw.views import withdrawal_view

MAX_PAGE_SIZE = 100


class WithdrawalNotFound(NotFound):
    code = "account.withdrawal_not_found"
    default_message = "未找到该提取申请。"


async def caller_account(session: AsyncSession, *, channel: Channel, openid: str) -> FundAccount:
    """The caller's bound account, once any initial password has been changed."""
    return await binding.queryable_account(session, channel=channel, openid=openid)


def _page(page: int, size: int) -> tuple[int, int, int]:
    page, size = max(1, page), max(1, min(size, MAX_PAGE_SIZE))
    return page, size, (page - 1) * size


async def get_overview(
    session: AsyncSession, *, channel: Channel, openid: str, today: date
) -> OverviewRead:
    account = await caller_account(session, channel=channel, openid=openid)
    extras = await repo.overview_extras(
        session,
        account_id=account.id,
        employer_id=account.employer_id,
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
    )
    return _overview(account, extras, today)


async def read_overview(
    db: ReadOnlyDatabase, *, channel: Channel, openid: str, today: date
) -> OverviewRead:
    """`get_overview` on the read-only connections: the same figures, fresh from the
    latest committed rows, without a session (the 账户查询 click)."""
    account = await binding.queryable_account_row(db, channel=channel, openid=openid)
    extras = await repo.overview_extras_read(
        db,
        account_id=account.id,
        employer_id=account.employer_id,
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
    )
    return _overview(account, extras, today)


def _overview(
    account: FundAccount | AccountRow, extras: tuple[str | None, int, bool], today: date
) -> OverviewRead:
    employer, year_total, has_loan = extras
    shares = calc.deposit_shares(
        account.deposit_base, account.employer_ratio_bp, account.employee_ratio_bp
    )
    return OverviewRead(
        account_no=mask_account_no(account.account_no),
        name=account.name_masked,
        employer=display.mask_employer(employer or ""),
        status=account.status,
        status_label=ACCOUNT_STATUS_NAMES[account.status],
        status_note=display.STATUS_NOTES[account.status],
        balance=account.balance,
        deposit_base=account.deposit_base,
        employer_ratio_bp=account.employer_ratio_bp,
        employee_ratio_bp=account.employee_ratio_bp,
        employer_monthly=shares.employer_amount,
        employee_monthly=shares.employee_amount,
        monthly_amount=shares.total,
        paid_up_to=f"{account.paid_up_to:%Y-%m}" if account.paid_up_to else None,
        year=today.year,
        year_deposits=year_total,
        opened_on=account.opened_on,
        has_loan=has_loan,
    )


def _deposit_read(d: Deposit) -> DepositRead:
    return DepositRead(
        month=f"{d.paid_for_month:%Y-%m}",
        deposit_base=d.deposit_base,
        employer_ratio_bp=d.employer_ratio_bp,
        employee_ratio_bp=d.employee_ratio_bp,
        employer_amount=d.employer_amount,
        employee_amount=d.employee_amount,
        amount=d.amount,
        posted_on=d.posted_on,
    )


async def recent_deposits(
    session: AsyncSession, *, channel: Channel, openid: str, limit: int, today: date
) -> RecentDeposits:
    """The latest `limit` deposits, and how many months this year has, with their total."""
    account = await caller_account(session, channel=channel, openid=openid)
    rows = await repo.deposits(
        session,
        account_id=account.id,
        start=date.min,
        end=date.max,
        offset=0,
        limit=max(1, min(limit, MAX_PAGE_SIZE)),
    )
    count, amount = await repo.deposit_count_and_sum(
        session,
        account_id=account.id,
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
    )
    return RecentDeposits(
        name=account.name_masked,
        status=account.status,
        status_label=ACCOUNT_STATUS_NAMES[account.status],
        status_note=display.STATUS_NOTES[account.status],
        year=today.year,
        year_count=count,
        year_amount=amount,
        items=[_deposit_read(d) for d in rows],
    )


async def list_deposits(
    session: AsyncSession,
    *,
    channel: Channel,
    openid: str,
    year: int | None,
    page: int,
    size: int,
    today: date,
) -> DepositPage:
    """One calendar year's deposits (by paid-for month), newest first, a page at a time."""
    account = await caller_account(session, channel=channel, openid=openid)
    span = await repo.deposit_month_range(session, account.id)
    years = list(range(span[1].year, span[0].year - 1, -1)) if span else []
    if year is None:
        year = years[0] if years else today.year
    page, size, offset = _page(page, size)
    start, end = date(year, 1, 1), date(year, 12, 31)
    total, amount = await repo.deposit_count_and_sum(
        session, account_id=account.id, start=start, end=end
    )
    rows = await repo.deposits(
        session, account_id=account.id, start=start, end=end, offset=offset, limit=size
    )
    return DepositPage(
        year=year,
        years=years,
        page=page,
        size=size,
        total=total,
        year_amount=amount,
        items=[_deposit_read(d) for d in rows],
    )


async def list_interest(session: AsyncSession, *, channel: Channel, openid: str) -> InterestList:
    """Every yearly interest posting (结息, each 30 June), newest first."""
    account = await caller_account(session, channel=channel, openid=openid)
    items = []
    for p in await repo.interest_postings(session, account.id):
        start, end = calc.deposit_year(p.year)
        items.append(
            InterestRead(
                year=p.year,
                period_start=start,
                period_end=end,
                rate_bp=p.rate_bp,
                amount=p.amount,
                posted_on=p.posted_on,
            )
        )
    return InterestList(items=items)


async def list_withdrawals(
    session: AsyncSession, *, rules: RuleBook, channel: Channel, openid: str, page: int, size: int
) -> WithdrawalPage:
    """The caller's withdrawals, including those still under review, newest first."""
    account = await caller_account(session, channel=channel, openid=openid)
    page, size, offset = _page(page, size)
    total, rows = await withdrawals.withdrawals_page(
        session, account_id=account.id, offset=offset, limit=size
    )
    items = [await withdrawal_view(session, rules, w, events=False) for w in rows]
    return WithdrawalPage(
        page=page, size=size, total=total, items=[WithdrawalRead.of(v) for v in items]
    )


async def get_withdrawal(
    session: AsyncSession, *, rules: RuleBook, channel: Channel, openid: str, withdrawal_id: int
) -> WithdrawalDetail:
    """One of the caller's withdrawals with its steps; anybody else's is "not found"."""
    account = await caller_account(session, channel=channel, openid=openid)
    found = await withdrawals.find_own_withdrawal(
        session, account_id=account.id, withdrawal_id=withdrawal_id
    )
    if found is None:
        raise WithdrawalNotFound()
    return WithdrawalDetail.of(await withdrawal_view(session, rules, found))
