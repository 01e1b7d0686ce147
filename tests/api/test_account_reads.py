"""The 账户查询 click's read path (read-only connections, no ORM session) gives the
ORM path's figures: for every kind of caller, and right after money moves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.api.signing_world import World
from tests.api.test_account_api import add_loan, bound
from tests.api.test_account_callback import ask, texts
from tests.conftest import BACKEND
from wxbackend import clock
from wxbackend.account import service
from wxbackend.account.schemas import OverviewRead
from wxbackend.bind.errors import NotBound
from wxbackend.bind.initial import issue_initial_passwords
from wxbackend.bind.passwords import InitialPasswordMustChange
from wxbackend.db import session_scope
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.fund.models import Employer, FundAccount
from wxbackend.handlers import menu_keys
from wxbackend.reads import ReadOnlyDatabase, open_read_only

pytestmark = pytest.mark.skipif(
    BACKEND != "services", reason="the read-only path is PostgreSQL's (SQLite reads the ORM)"
)

OA = Channel.OFFICIAL_ACCOUNT


@pytest.fixture
async def reader(world: World) -> AsyncIterator[ReadOnlyDatabase]:
    db = await open_read_only(world.settings.database)
    assert db is not None
    yield db
    await db.close()


async def both(world: World, reader: ReadOnlyDatabase, openid: str) -> OverviewRead:
    """The overview by both paths; they must agree, field for field."""
    today = clock.today_in_china()
    async with session_scope(world.sessionmaker) as session:
        orm = await service.get_overview(session, channel=OA, openid=openid, today=today)
    fast = await service.read_overview(reader, channel=OA, openid=openid, today=today)
    assert fast == orm
    return fast


async def test_read_path_matches_the_orm_right_after_a_posting(
    world: World, reader: ReadOnlyDatabase
) -> None:
    _, openid, person = await bound(world, oa=True, name="王建国")
    before = await both(world, reader, openid)
    assert before.balance == 576_000
    this_month = clock.today_in_china().replace(day=1)
    async with session_scope(world.sessionmaker) as session:
        account = await session.get(FundAccount, person.account.id)
        assert account is not None
        await fund.post_deposit(
            session, account=account, month=this_month, posted_on=clock.today_in_china()
        )
    after = await both(world, reader, openid)
    assert after.balance == before.balance + 192_000
    assert after.paid_up_to == f"{this_month:%Y-%m}"
    # And the click itself (served by the app's own read path) shows the new balance.
    assert "账户余额：¥7,680.00" in await ask(world, openid, menu_keys.ACCOUNT_QUERY)


async def test_read_path_never_shows_an_uncommitted_posting(
    world: World, reader: ReadOnlyDatabase
) -> None:
    _, openid, person = await bound(world, oa=True, name="王建国")
    async with session_scope(world.sessionmaker) as session:
        account = await session.get(FundAccount, person.account.id)
        assert account is not None
        await fund.post_deposit(
            session, account=account, month=clock.today_in_china().replace(day=1),
            posted_on=clock.today_in_china(),
        )  # fmt: skip
        await session.flush()
        read = await service.read_overview(
            reader, channel=OA, openid=openid, today=clock.today_in_china()
        )
        assert read.balance == 576_000  # not yet committed
    assert (await both(world, reader, openid)).balance == 768_000  # committed: at once


async def test_read_path_matches_for_a_loan_and_a_renamed_employer(
    world: World, reader: ReadOnlyDatabase
) -> None:
    _, openid, person = await bound(world, oa=True, name="王建国")
    await add_loan(world, person.account.id)
    async with session_scope(world.sessionmaker) as session:
        employer = await session.get(Employer, person.account.employer_id)
        assert employer is not None
        employer.name = "成都新名字科技有限公司"
    found = await both(world, reader, openid)
    assert found.has_loan
    assert found.employer == "成都*****有限公司"


async def test_read_path_refuses_whom_the_orm_refuses(
    world: World, reader: ReadOnlyDatabase
) -> None:
    today = clock.today_in_china()
    with pytest.raises(NotBound):
        await service.read_overview(reader, channel=OA, openid="o-nobody", today=today)
    _, openid, person = await bound(world, oa=True, name="王建国")
    async with session_scope(world.sessionmaker) as session:
        employer = await session.get(Employer, person.account.employer_id)
        assert employer is not None
        await issue_initial_passwords(session, employer_code=employer.code, reissue=True)
    with pytest.raises(InitialPasswordMustChange):
        await service.read_overview(reader, channel=OA, openid=openid, today=today)
    reply = await ask(world, openid, menu_keys.ACCOUNT_QUERY)
    assert reply == texts(world)["account_initial_password"]


async def test_read_connections_cannot_write(world: World, reader: ReadOnlyDatabase) -> None:
    _, _, person = await bound(world, oa=True, name="王建国")
    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
        await reader.fetchrow(
            "UPDATE fund_account SET balance = 0 WHERE id = $1", person.account.id
        )
