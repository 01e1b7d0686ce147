"""100 parallel applications of each kind on one account, through the HTTP API: exactly
as many are accepted as the rules allow (one open application per kind; a closing kind
excludes every other), on one app and on two app servers sharing the database and store.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.signing_world import PASSWORD, World, open_world, world_on
from tests.builders import make_card, next_number
from tests.live_server import live_app
from wxbackend import clock
from wxbackend.cards.fakes import FakeBankCardVerifier
from wxbackend.config import Settings
from wxbackend.db import session_scope
from wxbackend.faceid.fakes import FakeFaceVerifier
from wxbackend.fund import loans as fund_loans
from wxbackend.fund import service as fund
from wxbackend.fund.idcard import make_id_no
from wxbackend.fund.models import AccountStatus, FundAccount, RepaymentMethod
from wxbackend.gateways import Gateways
from wxbackend.security.pii import Vault
from wxbackend.sms.fakes import FakeSms
from wxbackend.store import RedisStore, Store
from wxbackend.wechat.fakes import FakeMiniProgram, FakeOfficialAccount
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.withdraw.models import Withdrawal
from wxbackend.withdraw.retirement import Sex, earliest_retirement_day

PARALLEL = 100


def patient(settings: Settings) -> Settings:
    """The test settings, with requests waiting for a database connection up to a minute:
    100 requests at once queue for the pool instead of answering 503."""
    database = settings.database.model_copy(update={"pool_timeout_s": 60.0})
    return settings.model_copy(update={"database": database})


@pytest.fixture
async def race_world(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine
) -> AsyncIterator[World]:
    async for world in open_world(patient(settings), store, vault, engine):
        yield world


def retired_man_id_no() -> str:
    """A man who reached the statutory retirement age a year ago."""
    born = clock.today_in_china().replace(day=1) - timedelta(days=365 * 64)
    id_no = make_id_no("510104", born, (next_number() % 500) * 2 + 1)
    assert earliest_retirement_day(Sex.MALE, born) < clock.today_in_china()
    return id_no


async def holder_for(world: World, kind: str) -> tuple[str, int]:
    """A signed-up holder with a card, set up so that `kind` is allowed once."""
    overrides: dict[str, object] = {}
    if kind in ("retirement", "mixed"):
        overrides["id_no"] = retired_man_id_no()
    person = await world.person(**overrides)
    token = await world.mp_login()
    await world.sign_up(token, person)
    today = clock.today_in_china()
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, person.account)
        if kind == "leave_city":
            await session.execute(
                update(FundAccount)
                .where(FundAccount.id == person.account.id)
                .values(status=AccountStatus.SEALED, status_changed_on=today - timedelta(days=200))
            )
        if kind == "loan_repayment":
            await fund_loans.add_loan(
                session,
                account_id=person.account.id,
                contract_no=f"RACE{next_number():010d}",
                principal=50_000_000,
                annual_rate_bp=310,
                term_months=240,
                method=RepaymentMethod.EQUAL_INSTALMENT,
                start_date=date(today.year - 2, today.month, 1),
                today=today,
            )
    return token, person.account.id


async def burst(
    client: httpx.AsyncClient, token: str, bodies: list[dict[str, str]]
) -> Counter[str]:
    async def one(body: dict[str, str]) -> str:
        response = await client.post(
            "/api/withdrawals",
            json={"password": PASSWORD, **body},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": secrets.token_hex(12)},
        )
        if response.status_code == 201:
            return "accepted"
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "withdrawal.refused", response.text
        return "refused"

    return Counter(await asyncio.gather(*(one(b) for b in bodies)))


def bodies_for(kind: str) -> list[dict[str, str]]:
    if kind == "mixed":  # half closing, half illness: the first to win excludes the other
        return [
            {"kind": "retirement"} if n % 2 else {"kind": "illness", "amount": "100.00"}
            for n in range(PARALLEL)
        ]
    if kind in ("retirement", "leave_city"):
        return [{"kind": kind}] * PARALLEL
    return [{"kind": kind, "amount": "100.00"}] * PARALLEL


async def stored_count(world: World, account_id: int) -> int:
    async with world.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).select_from(Withdrawal).where(Withdrawal.account_id == account_id)
        )
        assert await fund.check_ledger(session) == []
        return int(count or 0)


KINDS = ["rent", "purchase", "loan_repayment", "retirement", "leave_city", "illness", "mixed"]


@pytest.mark.parametrize("kind", KINDS)
async def test_parallel_applications_accept_exactly_what_the_rules_allow(
    race_world: World, kind: str
) -> None:
    token, account_id = await holder_for(race_world, kind)
    outcome = await burst(race_world.client, token, bodies_for(kind))
    assert outcome == Counter(accepted=1, refused=PARALLEL - 1)
    assert await stored_count(race_world, account_id) == 1


async def test_two_app_servers_on_one_database_accept_one(
    settings: Settings, store: Store, vault: Vault, engine: AsyncEngine
) -> None:
    """Two servers (each its own event loop, connection pool and Redis client) share the
    database and the store, as `serve --workers 2` does; half the requests go to each."""
    faces = FakeFaceVerifier()
    gateways = Gateways(
        wechat_oa=FakeOfficialAccount(),
        wechat_mp=FakeMiniProgram(),
        sms=FakeSms(),
        face_verifiers={"h5": faces, "miniprogram": faces},
        card_verifier=FakeBankCardVerifier(),
        bank=FakeBank(),
    )
    serving = patient(settings)
    # With Redis each server opens its own client in its own loop (as each worker process
    # does), on the test store's key prefix; embedded, they share the in-process store.
    shared: Store | None = None
    if isinstance(store, RedisStore):
        serving = serving.model_copy(
            update={"store": serving.store.model_copy(update={"key_prefix": store.key_prefix})}
        )
    else:
        shared = store
    # Requests queue behind the account's lock for seconds: keep idle connections open
    # longer than that, or the server closes one as the client reuses it (ReadError).
    keep_open = {"timeout_keep_alive": 120}
    with (
        live_app(serving, gateways=gateways, store=shared, uvicorn_options=keep_open) as (
            first_url,
            _,
        ),
        live_app(serving, gateways=gateways, store=shared, uvicorn_options=keep_open) as (
            second_url,
            _,
        ),
    ):
        limits = httpx.Limits(max_connections=PARALLEL)
        async with (
            httpx.AsyncClient(base_url=first_url, timeout=120, limits=limits) as first,
            httpx.AsyncClient(base_url=second_url, timeout=120, limits=limits) as second,
        ):
            world = world_on(
                first,
                gateways,
                engine=engine,
                vault=vault,
                settings=settings,
                store=store,
            )
            token, account_id = await holder_for(world, "rent")
            bodies = bodies_for("rent")
            half = PARALLEL // 2
            outcomes = await asyncio.gather(
                burst(first, token, bodies[:half]), burst(second, token, bodies[half:])
            )
    assert outcomes[0] + outcomes[1] == Counter(accepted=1, refused=PARALLEL - 1)
    assert await stored_count(world, account_id) == 1
