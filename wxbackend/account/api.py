"""The caller's own account for the mini-program and the H5 pages.

Every route takes the account from the session (channel + openid); ids in paths name
rows that are then looked up within that account only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from wxbackend.account import loans, service, statement
from wxbackend.account.schemas import (
    DepositPage,
    InterestList,
    LoanList,
    OverviewRead,
    SchedulePage,
    WithdrawalDetail,
    WithdrawalPage,
)
from wxbackend.account.statement_pdf import render_statement_pdf
from wxbackend.auth.deps import CurrentUser
from wxbackend.clock import now, today_in_china
from wxbackend.deps import RowId, SessionDep, SettingsDep, VaultDep
from wxbackend.fund.models import RepaymentStatus
from wxbackend.withdraw.deps import RulesDep

router = APIRouter(prefix="/api/account", tags=["account"])

Page = Annotated[int, Query(ge=1, le=10_000)]
Size = Annotated[int, Query(ge=1, le=service.MAX_PAGE_SIZE)]


@router.get("")
async def overview(user: CurrentUser, session: SessionDep) -> OverviewRead:
    """Balance, status, employer (masked), base, ratios, monthly amount, this year's total."""
    return await service.get_overview(
        session, channel=user.channel, openid=user.openid, today=today_in_china()
    )


@router.get("/deposits")
async def deposits(
    user: CurrentUser,
    session: SessionDep,
    year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
    page: Page = 1,
    size: Size = 12,
) -> DepositPage:
    """Deposits of one year (default: the latest year with deposits), newest first."""
    return await service.list_deposits(
        session,
        channel=user.channel,
        openid=user.openid,
        year=year,
        page=page,
        size=size,
        today=today_in_china(),
    )


@router.get("/interest")
async def interest(user: CurrentUser, session: SessionDep) -> InterestList:
    return await service.list_interest(session, channel=user.channel, openid=user.openid)


@router.get("/withdrawals")
async def withdrawals(
    user: CurrentUser, session: SessionDep, rules: RulesDep, page: Page = 1, size: Size = 20
) -> WithdrawalPage:
    return await service.list_withdrawals(
        session, rules=rules, channel=user.channel, openid=user.openid, page=page, size=size
    )


@router.get("/withdrawals/{withdrawal_id}")
async def withdrawal(
    user: CurrentUser, session: SessionDep, rules: RulesDep, withdrawal_id: RowId
) -> WithdrawalDetail:
    """One of the caller's withdrawals; another person's id is 404, like a missing one."""
    return await service.get_withdrawal(
        session, rules=rules, channel=user.channel, openid=user.openid, withdrawal_id=withdrawal_id
    )


@router.get("/loans")
async def loan_list(user: CurrentUser, session: SessionDep) -> LoanList:
    return await loans.list_loans(session, channel=user.channel, openid=user.openid)


@router.get("/loans/{loan_id}/schedule")
async def schedule(
    user: CurrentUser,
    session: SessionDep,
    loan_id: RowId,
    status: RepaymentStatus | None = None,
    page: Page = 1,
    size: Size = 24,
) -> SchedulePage:
    return await loans.get_schedule(
        session,
        channel=user.channel,
        openid=user.openid,
        loan_id=loan_id,
        status=status,
        page=page,
        size=size,
    )


@router.get(
    "/statement/{year}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def yearly_statement(
    user: CurrentUser,
    session: SessionDep,
    vault: VaultDep,
    settings: SettingsDep,
    year: Annotated[int, Path(ge=1990, le=2200)],
) -> Response:
    """The yearly statement (对账单) as a printable PDF."""
    built = await statement.build_statement(
        session,
        vault,
        channel=user.channel,
        openid=user.openid,
        year=year,
        today=today_in_china(),
    )
    body = render_statement_pdf(
        built,
        centre=settings.centre.name,
        hotlines=settings.centre.hotlines,
        font_path=settings.certificates.font_path,
        now=now(),
    )
    headers = {
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
        "Content-Disposition": f'inline; filename="statement-{year}.pdf"',
    }
    return Response(body, media_type="application/pdf", headers=headers)
