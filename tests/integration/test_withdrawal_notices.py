"""A withdrawal reviewed and paid tells its applicant once per step, through the sandbox
WeChat with the real wechatpy, delivered by the same worker pass that paid it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select

from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.bind.models import Binding
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.enums import Channel
from wxbackend.gateways import build_gateways
from wxbackend.notify.models import OutboxNotice
from wxbackend.security.pii import Vault
from wxbackend.store import Store
from wxbackend.withdraw import service
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.withdraw.models import Withdrawal, WithdrawalStatus
from wxbackend.worker import run_worker

if TYPE_CHECKING:
    from tests.sandbox_server import SandboxServer


async def _templates(sandbox: SandboxServer) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=sandbox.base_url) as http:
        response = await http.get("/wechat/_sandbox/sent", params={"kind": "template"})
        items: list[dict[str, Any]] = response.json()["items"]
        return items


async def test_approval_and_payment_each_reach_the_user_once(
    fresh_database_url: str,
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    vault: Vault,
) -> None:
    settings = sandbox_settings.model_copy(
        update={"database": DatabaseSettings(url=fresh_database_url)}
    )
    engine = create_engine(settings.database)
    sessions = create_sessionmaker(engine)
    async with session_scope(sessions) as session:
        account = await make_account(session, vault, months_of_deposits=3)
        session.add(
            Binding(account_id=account.id, channel=Channel.OFFICIAL_ACCOUNT, openid="o-paid-1")
        )
        card = await make_card(session, vault, account, card_no="6222020000000009876")
        withdrawal = Withdrawal(
            account_id=account.id,
            card_id=card.id,
            kind="illness",
            kind_name="重大疾病提取",
            amount=300_000,
            status=WithdrawalStatus.UNDER_REVIEW,
            applied_on=clock.today_in_china(),
        )
        session.add(withdrawal)
        await session.flush()
        await service.approve(session, withdrawal, actor="staff:reviewer1")

    gateways = replace(build_gateways(settings, store), bank=FakeBank())
    await run_worker(settings, once=True, gateways=gateways)
    await run_worker(settings, once=True, gateways=gateways)  # nothing twice

    sent = await _templates(wechat_sandbox)
    by_template = {m["body"]["template_id"]: m["body"] for m in sent}
    assert sorted(by_template) == ["oa-withdrawal-paid", "oa-withdrawal-progress"]
    assert len(sent) == 2
    paid = {k: v["value"] for k, v in by_template["oa-withdrawal-paid"]["data"].items()}
    assert paid["thing1"] == "重大疾病提取"
    assert paid["amount2"] == "¥3000.00"
    assert paid["thing3"] == "中国工商银行 ****9876"
    approved = {k: v["value"] for k, v in by_template["oa-withdrawal-progress"]["data"].items()}
    assert approved["phrase3"] == "审核通过"
    assert by_template["oa-withdrawal-paid"]["touser"] == "o-paid-1"
    assert by_template["oa-withdrawal-paid"]["url"].endswith(f"/h5/withdrawals/{withdrawal.id}")
    async with sessions() as session:
        statuses = (
            await session.scalars(
                select(OutboxNotice.status).where(OutboxNotice.account_id == account.id)
            )
        ).all()
        assert sorted(statuses) == ["sent", "sent"]
    await engine.dispose()
