"""Notices through the sandbox: real wechatpy and Tencent SDK against local WeChat/Tencent.

Each test uses a fresh database, so due notices of other tests never mix in.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.builders import make_account
from tests.sandbox_server import SandboxServer
from wxbackend import clock
from wxbackend.bind.models import Binding
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.enums import Channel
from wxbackend.fund import service as fund
from wxbackend.gateways import build_gateways
from wxbackend.notify import service
from wxbackend.notify.delivery import Notifier, deliver_due, deliver_one
from wxbackend.notify.models import NoticeStatus, OutboxNotice, SubscribeConsent
from wxbackend.notify.runner import build_notifier
from wxbackend.security.pii import Vault
from wxbackend.store import Store

TEMPLATE = "/cgi-bin/message/template/send"
SUBSCRIBE = "/cgi-bin/message/subscribe/send"
MP_PAID = "mp-withdrawal-paid"


@dataclass
class World:
    notifier: Notifier
    sandbox: SandboxServer
    vault: Vault

    async def person(
        self, *, oa: bool = False, mp: bool = False, consents: int = 0
    ) -> tuple[int, str]:
        """An account (with a mobile), bound as asked; returns (account id, mobile)."""
        async with session_scope(self.notifier.sessionmaker) as session:
            account = await make_account(session, self.vault)
            for channel, wanted in ((Channel.OFFICIAL_ACCOUNT, oa), (Channel.MINI_PROGRAM, mp)):
                if wanted:
                    openid = f"o-{channel.value}-{account.id}"
                    session.add(Binding(account_id=account.id, channel=channel, openid=openid))
            if consents:
                session.add(
                    SubscribeConsent(
                        openid=f"o-mp-{account.id}", template_id=MP_PAID, remaining=consents
                    )
                )
            return account.id, fund.reveal_mobile(self.vault, account) or ""

    async def paid(self, account_id: int) -> int:
        async with session_scope(self.notifier.sessionmaker) as session:
            notice = await service.enqueue_notice(
                session,
                account_id=account_id,
                kind="withdrawal_paid",
                values={
                    "kind_name": "租房提取",
                    "amount": "¥3,000.00",
                    "bank_card": "工商银行 ****1234",
                },
                link_path="/h5/withdrawals/42",
            )
            return notice.id

    async def notice(self, notice_id: int) -> OutboxNotice:
        async with session_scope(self.notifier.sessionmaker) as session:
            row = await session.get(OutboxNotice, notice_id)
            assert row is not None
            return row

    async def consent(self, account_id: int) -> int:
        async with session_scope(self.notifier.sessionmaker) as session:
            remaining = await session.scalar(
                select(SubscribeConsent.remaining).where(
                    SubscribeConsent.openid == f"o-mp-{account_id}"
                )
            )
            return int(remaining or 0)

    async def get(self, path: str, **params: str) -> Any:
        async with httpx.AsyncClient(base_url=self.sandbox.base_url) as http:
            response = await http.get(path, params=params)
            response.raise_for_status()
            return response.json()

    async def sent(self, kind: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await self.get("/wechat/_sandbox/sent", kind=kind))["items"]
        return items

    async def sms(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = (await self.get("/tencent/_sandbox/sms"))["messages"]
        return items

    async def calls(self, path: str) -> int:
        return int((await self.get("/wechat/_sandbox/stats"))["calls"].get(path, 0))

    async def fault(self, path: str, errcode: int, count: int = 1, delay_s: float = 0) -> None:
        async with httpx.AsyncClient(base_url=self.sandbox.base_url) as http:
            body = {"path": path, "errcode": errcode, "count": count, "delay_s": delay_s}
            response = await http.post("/wechat/_sandbox/faults", json=body)
            response.raise_for_status()


@pytest.fixture
async def world(
    fresh_database_url: str,
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    vault: Vault,
) -> AsyncIterator[World]:
    settings = sandbox_settings.model_copy(
        update={"database": DatabaseSettings(url=fresh_database_url)}
    )
    engine = create_engine(settings.database)
    notifier = build_notifier(
        settings,
        sessionmaker=create_sessionmaker(engine),
        vault=vault,
        gateways=build_gateways(settings, store),
    )
    yield World(notifier, wechat_sandbox, vault)
    await engine.dispose()


def later(seconds: float) -> datetime:
    return clock.now() + timedelta(seconds=seconds)


async def test_official_account_user_gets_one_template_message(world: World) -> None:
    account_id, _ = await world.person(oa=True, mp=True, consents=1)
    notice_id = await world.paid(account_id)

    report = await deliver_due(world.notifier)

    assert report.sent == [notice_id]
    [message] = await world.sent("template")
    body = message["body"]
    assert body["touser"] == f"o-oa-{account_id}"
    assert body["template_id"] == "oa-withdrawal-paid"
    assert body["client_msg_id"] == f"outbox-{notice_id}"
    assert body["url"].endswith("/h5/withdrawals/42")
    data = {key: item["value"] for key, item in body["data"].items()}
    assert data["thing1"] == "租房提取"
    assert data["amount2"] == "¥3000.00"
    assert data["thing3"] == "工商银行 ****1234"
    assert data["time4"].startswith(f"{clock.now().astimezone(clock.CHINA_TZ):%Y年%m月%d日}")
    row = await world.notice(notice_id)
    assert (row.status, row.channel, row.wechat_msgid) == ("sent", "template", message["msgid"])
    assert await world.sent("subscribe") == []
    assert await world.consent(account_id) == 1  # the consent is kept for later
    assert await deliver_due(world.notifier) == type(report)()  # nothing left to do


async def test_mini_program_user_with_consent_gets_subscribe_message(world: World) -> None:
    account_id, _ = await world.person(mp=True, consents=2)
    notice_id = await world.paid(account_id)

    await deliver_due(world.notifier)

    [message] = await world.sent("subscribe")
    assert message["body"]["touser"] == f"o-mp-{account_id}"
    assert message["body"]["template_id"] == MP_PAID
    assert message["body"]["page"] == "pages/withdraw/index"
    assert message["body"]["data"]["amount2"] == {"value": "¥3000.00"}
    assert await world.consent(account_id) == 1
    assert (await world.notice(notice_id)).channel == "subscribe"
    assert await world.sms() == []


async def test_no_consent_falls_back_to_sms(world: World) -> None:
    account_id, mobile = await world.person(mp=True, consents=0)
    notice_id = await world.paid(account_id)

    await deliver_due(world.notifier)

    assert await world.sent("subscribe") == []
    [sms] = await world.sms()
    assert sms["phone"] == "+86" + mobile
    assert sms["template_id"] == "200103"
    assert sms["params"] == ["¥3,000.00", "工商银行 ****1234"]
    assert (await world.notice(notice_id)).channel == "sms"


async def test_subscribe_43101_uses_up_the_consent_and_moves_to_sms(world: World) -> None:
    account_id, _ = await world.person(mp=True, consents=3)
    notice_id = await world.paid(account_id)
    await world.fault(SUBSCRIBE, 43101)

    await deliver_due(world.notifier)

    assert await world.sent("subscribe") == []
    assert len(await world.sms()) == 1
    row = await world.notice(notice_id)
    assert (row.status, row.channel) == ("sent", "sms")
    assert await world.consent(account_id) == 0


async def test_invalid_openid_moves_on_to_the_next_channel(world: World) -> None:
    account_id, _ = await world.person(oa=True, mp=True, consents=1)
    notice_id = await world.paid(account_id)
    await world.fault(TEMPLATE, 40003)

    await deliver_due(world.notifier)

    assert await world.sent("template") == []
    assert len(await world.sent("subscribe")) == 1
    assert (await world.notice(notice_id)).channel == "subscribe"


async def test_wechat_minus_one_is_retried_with_backoff(world: World) -> None:
    account_id, _ = await world.person(oa=True)
    notice_id = await world.paid(account_id)
    await world.fault(TEMPLATE, -1)

    first = await deliver_due(world.notifier)
    assert first.retrying == [notice_id]
    row = await world.notice(notice_id)
    assert row.status == "pending"
    assert row.last_error == "template errcode -1"
    assert row.next_attempt_at > later(25)
    assert (await deliver_due(world.notifier)).sent == []  # not due yet

    assert (await deliver_due(world.notifier, now=later(31))).sent == [notice_id]
    assert len(await world.sent("template")) == 1


async def test_wechat_timeout_is_retried_and_delivered_once(world: World) -> None:
    account_id, _ = await world.person(oa=True)
    notice_id = await world.paid(account_id)
    # The sandbox answers after 2.5 s; the client gives up after 2 s.
    await world.fault(TEMPLATE, 0, delay_s=2.5)

    assert (await deliver_due(world.notifier)).retrying == [notice_id]
    assert (await world.notice(notice_id)).last_error == "template errcode -1"
    await asyncio.sleep(1)  # let the slow request finish in the sandbox

    assert (await deliver_due(world.notifier, now=later(31))).sent == [notice_id]
    assert await world.calls(TEMPLATE) == 2
    [message] = await world.sent("template")  # the user sees one message
    assert message["body"]["client_msg_id"] == f"outbox-{notice_id}"


class WorkerKilled(BaseException):
    """Stands for the process dying: nothing after the send runs."""


async def test_worker_killed_mid_send_resends_once_after_the_lease(world: World) -> None:
    account_id, _ = await world.person(oa=True)
    notice_id = await world.paid(account_id)
    real_send = world.notifier.senders.oa.send_template

    async def send_then_die(**kwargs: Any) -> int:
        await real_send(**kwargs)
        raise WorkerKilled

    object.__setattr__(world.notifier.senders.oa, "send_template", send_then_die)
    with pytest.raises(WorkerKilled):
        await deliver_due(world.notifier)
    object.__delattr__(world.notifier.senders.oa, "send_template")

    row = await world.notice(notice_id)
    assert (row.status, row.attempts) == ("sending", 1)
    assert (await deliver_due(world.notifier)).sent == []  # the lease still holds

    lease = world.notifier.settings.lease_s
    assert (await deliver_due(world.notifier, now=later(lease + 1))).sent == [notice_id]
    assert await world.calls(TEMPLATE) == 2
    [message] = await world.sent("template")
    assert message["body"]["client_msg_id"] == f"outbox-{notice_id}"
    row = await world.notice(notice_id)
    assert (row.status, row.attempts, row.wechat_msgid) == ("sent", 2, message["msgid"])


async def test_failing_notice_ends_dead_with_its_reason_and_can_be_retried(
    world: World,
) -> None:
    account_id, _ = await world.person(oa=True)
    notice_id = await world.paid(account_id)
    attempts = world.notifier.settings.max_attempts
    await world.fault(TEMPLATE, -1, count=attempts)

    moment = clock.now()
    for _ in range(attempts):
        await deliver_due(world.notifier, now=moment)
        moment += timedelta(hours=2)
    row = await world.notice(notice_id)
    assert (row.status, row.attempts, row.last_error) == ("dead", attempts, "template errcode -1")
    assert (await deliver_due(world.notifier, now=moment)).sent == []

    async with session_scope(world.notifier.sessionmaker) as session:
        assert await service.retry_dead(session, notice_id=notice_id) == 1
    assert (await deliver_due(world.notifier)).sent == [notice_id]


async def test_no_channel_at_all_is_dead_at_once(world: World) -> None:
    async with session_scope(world.notifier.sessionmaker) as session:
        account = await make_account(session, world.vault, mobile=None)
    notice_id = await world.paid(account.id)

    assert (await deliver_due(world.notifier)).dead == [notice_id]
    row = await world.notice(notice_id)
    assert row.last_error is not None
    assert "没有可用的通知渠道" in row.last_error


async def test_two_workers_never_send_a_notice_twice(world: World) -> None:
    ids = []
    for _ in range(4):
        oa_user, _ = await world.person(oa=True)
        sms_user, _ = await world.person()
        ids += [await world.paid(oa_user), await world.paid(sms_user)]

    reports = await asyncio.gather(deliver_due(world.notifier), deliver_due(world.notifier))

    assert sorted(reports[0].sent + reports[1].sent) == sorted(ids)
    assert await world.calls(TEMPLATE) == 4  # not merely deduplicated: sent once
    assert len(await world.sms()) == 4


async def test_one_notice_claimed_by_one_of_many(world: World) -> None:
    account_id, _ = await world.person()
    notice_id = await world.paid(account_id)

    outcomes = await asyncio.gather(*(deliver_one(world.notifier, notice_id) for _ in range(5)))

    assert [o for o in outcomes if o is not None] == [NoticeStatus.SENT]
    assert len(await world.sms()) == 1
