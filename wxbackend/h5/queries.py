"""Read-only pages: home, account overview, deposits, interest, loan, service points.

They call the same service functions as the JSON API (`account.service`, `account.loans`,
`points.service`), which start from the caller's own account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from wxbackend.account import loans, service
from wxbackend.bind import binding
from wxbackend.bind.errors import NotBound
from wxbackend.clock import today_in_china
from wxbackend.deps import SessionDep
from wxbackend.errors import NotFound
from wxbackend.fund.models import RepaymentStatus
from wxbackend.h5.web import PageRoute, UserDep, render
from wxbackend.points import service as points
from wxbackend.points.schemas import PointRead
from wxbackend.security.masking import mask_account_no

router = APIRouter(prefix="/h5", route_class=PageRoute, include_in_schema=False)

Page = Annotated[int, Query(ge=1, le=10_000)]


@router.get("/")
async def home(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The hub: what the follower can do, and whom they are bound as."""
    try:
        account = await binding.bound_account(session, channel=user.channel, openid=user.openid)
    except NotBound:
        return render(request, "home.html", user=user, bound=False)
    return render(
        request,
        "home.html",
        user=user,
        bound=True,
        name=account.name_masked,
        account_no=mask_account_no(account.account_no),
    )


@router.get("/account")
async def account(request: Request, session: SessionDep, user: UserDep) -> Response:
    overview = await service.get_overview(
        session, channel=user.channel, openid=user.openid, today=today_in_china()
    )
    return render(request, "account.html", user=user, a=overview)


@router.get("/deposits")
async def deposits(
    request: Request,
    session: SessionDep,
    user: UserDep,
    year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
    page: Page = 1,
) -> Response:
    found = await service.list_deposits(
        session,
        channel=user.channel,
        openid=user.openid,
        year=year,
        page=page,
        size=12,
        today=today_in_china(),
    )
    pages = max(1, -(-found.total // found.size))
    return render(request, "deposits.html", user=user, d=found, pages=pages)


@router.get("/interest")
async def interest(request: Request, session: SessionDep, user: UserDep) -> Response:
    found = await service.list_interest(session, channel=user.channel, openid=user.openid)
    return render(request, "interest.html", user=user, items=found.items)


@router.get("/loan")
async def loan(
    request: Request,
    session: SessionDep,
    user: UserDep,
    loan_id: Annotated[int | None, Query(alias="id", ge=1, le=2**62)] = None,
    status: RepaymentStatus | None = None,
    page: Page = 1,
) -> Response:
    """The caller's loans; the schedule of the chosen one (another person's id: 404)."""
    found = (await loans.list_loans(session, channel=user.channel, openid=user.openid)).items
    chosen = next((x for x in found if x.id == loan_id), None) if loan_id else None
    if loan_id and chosen is None:
        raise NotFound("未找到该笔贷款。")
    chosen = chosen or (found[0] if found else None)
    schedule = None
    if chosen is not None:
        schedule = await loans.get_schedule(
            session,
            channel=user.channel,
            openid=user.openid,
            loan_id=chosen.id,
            status=status,
            page=page,
            size=12,
        )
    pages = max(1, -(-schedule.total // schedule.size)) if schedule else 1
    return render(
        request,
        "loan.html",
        user=user,
        loans=found,
        loan=chosen,
        schedule=schedule,
        status=status.value if status else "",
        pages=pages,
    )


@router.get("/points")
async def service_points(
    request: Request,
    session: SessionDep,
    user: UserDep,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Every hall (or those matching `q`); nearest first once the browser sent its spot."""
    near = (lat, lng) if lat is not None and lng is not None else None
    found = await points.search_points(
        session,
        district=None,
        keyword=q or None,
        open_now_only=False,
        near=near,
        limit=points.MAX_RESULTS,
    )
    items = [PointRead.of(f) for f in found]
    return render(request, "points.html", user=user, items=items, near=near, q=q or "")
