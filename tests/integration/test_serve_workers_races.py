"""`wxbackend serve --workers 2`, started as an operator starts it, on PostgreSQL and
Redis: 100 parallel applications of each kind on one account (distinct Idempotency-Keys)
accept exactly one, and refuse the rest with the rule's Chinese reason — across two
worker processes, each with its own connection pool, that both served the burst.

tests/api/test_withdrawal_races.py runs the same bursts in-process (every kind, both
backends); this is the check an in-process stand-in cannot make.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.api.test_withdrawal_races import PARALLEL, bodies_for, retired_man_id_no
from tests.builders import make_account, make_card
from tests.conftest import BACKEND
from tests.live_server import free_socket
from tests.processes import fresh_services, service_env, spawned, wait_ready
from tests.sandbox_server import SandboxServer
from wxbackend.config import DatabaseSettings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault
from wxbackend.withdraw.models import Withdrawal

pytestmark = pytest.mark.skipif(
    BACKEND != "services",
    reason="several server processes need PostgreSQL and Redis: the services pass runs it",
)
PASSWORD = "258369"
# What the losers hear: the same kind is open, or the other (exclusive) kind is.
REFUSALS = {
    "rent": {"您已有一笔租房提取正在办理中，请办结或撤回后再申请。"},
    "illness": {"您已有一笔重大疾病提取正在办理中，请办结或撤回后再申请。"},
    "retirement": {"您已有一笔退休提取（销户）正在办理中，请办结或撤回后再申请。"},
    "mixed": {
        "您已有一笔退休提取（销户）正在办理中，请办结或撤回后再申请。",
        "您已有一笔重大疾病提取正在办理中，请办结或撤回后再申请。",
        "您有一笔退休提取（销户）正在办理中，不能同时申请重大疾病提取，请办结或撤回后再申请。",
        "您有一笔重大疾病提取正在办理中，不能同时申请退休提取（销户），请办结或撤回后再申请。",
    },
}


@dataclass
class Served:
    base_url: str
    log: Path
    database_url: str
    sandbox: SandboxServer


@pytest.fixture(scope="module")
async def served(
    sandbox_server: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Served]:
    """One `serve --workers 2` for the module, its access lines in `log`."""
    home = tmp_path_factory.mktemp("serve-home")
    sock = free_socket()  # a free port, closed again for the server to take
    port = sock.getsockname()[1]
    sock.close()
    log = home / "serve.log"
    async with fresh_services() as (database_url, prefix):
        env = service_env(
            home,
            database_url=database_url,
            prefix=prefix,
            sandbox=sandbox_server,
            # 400 requests at once queue for a database connection (behind the accounts'
            # locks) and, on a starved event loop, for a Redis one: wait, not 503.
            WXB_DATABASE__POOL_TIMEOUT_S="60",
            WXB_STORE__POOL_TIMEOUT_S="30",
            PROMETHEUS_MULTIPROC_DIR=str(home),
        )
        args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
        with spawned(args, env, log) as process:
            base_url = f"http://127.0.0.1:{port}"
            await wait_ready(base_url, process, log)
            yield Served(base_url, log, database_url, sandbox_server)


async def sign_up(served: Served, vault: Vault, *, id_no: str | None) -> tuple[str, int]:
    """A holder with 3 months deposited and a card, signed up over HTTP; (token, account)."""
    engine = create_engine(DatabaseSettings(url=served.database_url))
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            extra = {"id_no": id_no} if id_no else {}
            account = await make_account(session, vault, months_of_deposits=3, **extra)
            await make_card(session, vault, account)
            name, person_id, mobile = (
                fund.reveal_name(vault, account),
                fund.reveal_id_no(vault, account),
                fund.reveal_mobile(vault, account),
            )
    finally:
        await engine.dispose()
    sandbox = served.sandbox
    code = sandbox.wechat.issue_code(
        kind="jscode", openid=f"o-proc-{secrets.token_hex(6)}", unionid=None
    )
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        login = await client.post("/api/mp/session", json={"code": code})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        version = (await client.get("/api/signing", headers=auth)).json()["agreement_version"]
        for path, body in (
            ("/api/signing/agreement", {"version": version}),
            ("/api/signing/identity", {"name": name, "id_no": person_id}),
            ("/api/signing/sms", None),
        ):
            response = await client.post(path, json=body, headers=auth)
            assert response.status_code == 200, response.text
        sent = (
            await client.get(f"{sandbox.base_url}/tencent/_sandbox/sms", params={"phone": mobile})
        ).json()["messages"]
        verified = await client.post(
            "/api/signing/sms/verify", json={"code": sent[-1]["params"][0]}, headers=auth
        )
        assert verified.json()["step"] == "face", verified.text
        started = (await client.post("/api/signing/face", json={}, headers=auth)).json()
        done = await client.post(
            f"{sandbox.base_url}/{started['provider']}/_sandbox/face/{started['token']}",
            json={"outcome": "pass"},
        )
        assert done.status_code == 200, done.text
        result = await client.post("/api/signing/face/result", json={}, headers=auth)
        assert result.json()["step"] == "password", result.text
        bound = await client.post(
            "/api/signing/password", json={"password": PASSWORD}, headers=auth
        )
        assert bound.json()["bound"] is True, bound.text
    return auth["Authorization"].removeprefix("Bearer "), account.id


async def burst(base_url: str, token: str, bodies: list[dict[str, str]]) -> Counter[str]:
    """Every body on a connection of its own; a Counter of outcomes and refusal texts.

    The connections start 2 ms apart: connecting all in the same instant, the first
    worker to wake accepts every one (asyncio accepts up to 100 per wake-up). They are
    still all in flight together: each waits for the account's lock far longer.
    """
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:

        async def one(n: int, body: dict[str, str]) -> str:
            await asyncio.sleep(n * 0.002)
            response = await client.post(
                "/api/withdrawals",
                json={"password": PASSWORD, **body},
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": secrets.token_hex(12),
                },
            )
            if response.status_code == 201:
                return "accepted"
            assert response.status_code == 422, response.text
            answer = response.json()
            assert answer["code"] == "withdrawal.refused", response.text
            return str(answer["message"])

        return Counter(await asyncio.gather(*(one(n, b) for n, b in enumerate(bodies))))


def worker_pids(log: Path) -> Counter[int]:
    """Which processes answered POST /api/withdrawals, from the access lines."""
    served: Counter[int] = Counter()
    for line in log.read_text(encoding="utf-8").splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("event") == "http.request" and entry.get("path") == "/api/withdrawals":
            served[entry["pid"]] += 1
    return served


KINDS = ["rent", "illness", "retirement", "mixed"]


def outcome_problems(kind: str, outcome: Counter[str]) -> list[str]:
    """What is wrong with one kind's burst: not exactly one accepted, or a loser that
    was not refused with the rule's reason (a 5xx fails in `burst` already)."""
    refused = Counter(outcome)
    accepted = refused.pop("accepted", 0)
    problems = [] if accepted == 1 else [f"{kind}: {accepted} accepted"]
    allowed = REFUSALS[kind]
    problems += [f"{kind}: {n} × {text}" for text, n in refused.items() if text not in allowed]
    return problems


async def stored(database_url: str, account_ids: list[int]) -> list[int]:
    """Withdrawals stored per account; and the ledger is clean."""
    engine = create_engine(DatabaseSettings(url=database_url))
    try:
        async with create_sessionmaker(engine)() as session:
            assert await fund.check_ledger(session) == []
            return [
                int(
                    await session.scalar(
                        select(func.count())
                        .select_from(Withdrawal)
                        .where(Withdrawal.account_id == account_id)
                    )
                    or 0
                )
                for account_id in account_ids
            ]
    finally:
        await engine.dispose()


async def test_two_server_processes_accept_exactly_one_of_a_hundred_of_each_kind(
    served: Served, vault: Vault
) -> None:
    """The four bursts run at once, each on its own account (faster than one by one: a
    holder's burst is checked one request at a time behind the account's lock)."""
    holders = await asyncio.gather(
        *(
            sign_up(
                served,
                vault,
                id_no=retired_man_id_no() if kind in ("retirement", "mixed") else None,
            )
            for kind in KINDS
        )
    )
    before = worker_pids(served.log)
    outcomes = await asyncio.gather(
        *(
            burst(served.base_url, token, bodies_for(kind))
            for kind, (token, _) in zip(KINDS, holders, strict=True)
        )
    )

    problems = [p for k, o in zip(KINDS, outcomes, strict=True) for p in outcome_problems(k, o)]
    assert problems == [], outcomes
    assert await stored(served.database_url, [a for _, a in holders]) == [1] * len(KINDS)
    # Both workers took part: the bursts were not decided inside one process.
    total = PARALLEL * len(KINDS)
    for _ in range(50):  # an access line is written as its response ends
        served_now = worker_pids(served.log) - before
        if sum(served_now.values()) >= total:
            break
        await asyncio.sleep(0.1)
    assert sum(served_now.values()) == total
    assert len(served_now) == 2, served_now
    assert min(served_now.values()) >= total // 10, served_now
