"""The worker delivers notices (in-process, or through Dramatiq on Redis); delivery reports."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from tests.builders import make_account
from wxbackend.bind.models import Binding
from wxbackend.cards.fakes import FakeBankCardVerifier
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.content import load_content
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.enums import Channel
from wxbackend.faceid.fakes import FakeFaceVerifier
from wxbackend.gateways import Gateways
from wxbackend.handlers import build_registry
from wxbackend.handlers.messages import InboundMessage
from wxbackend.handlers.registry import HandlerContext
from wxbackend.notify import service
from wxbackend.notify.models import NoticeStatus, OutboxNotice
from wxbackend.notify.runner import notice_pass
from wxbackend.security.pii import Vault
from wxbackend.sms.fakes import FakeSms
from wxbackend.store import Store
from wxbackend.wechat.fakes import FakeMiniProgram, FakeOfficialAccount
from wxbackend.withdraw.fakes import FakeBank
from wxbackend.worker import run_worker


@dataclass
class Setup:
    settings: Settings
    gateways: Gateways
    sms: FakeSms
    oa: FakeOfficialAccount


@pytest.fixture
def setup(fresh_database_url: str, settings: Settings) -> Setup:
    sms, oa, faces = FakeSms(), FakeOfficialAccount(), FakeFaceVerifier()
    gateways = Gateways(
        wechat_oa=oa,
        wechat_mp=FakeMiniProgram(),
        sms=sms,
        face_verifiers={"h5": faces, "miniprogram": faces},
        card_verifier=FakeBankCardVerifier(),
        bank=FakeBank(),
    )
    fresh = settings.model_copy(update={"database": DatabaseSettings(url=fresh_database_url)})
    return Setup(fresh, gateways, sms, oa)


async def _notice(settings: Settings, vault: Vault, *, oa: bool = False) -> int:
    engine = create_engine(settings.database)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            account = await make_account(session, vault)
            if oa:
                session.add(
                    Binding(
                        account_id=account.id,
                        channel=Channel.OFFICIAL_ACCOUNT,
                        openid=f"o-oa-{account.id}",
                    )
                )
            notice = await service.enqueue_notice(
                session,
                account_id=account.id,
                kind="withdrawal_rejected",
                values={"amount": "¥500.00", "reason": "材料不全"},
            )
            return notice.id
    finally:
        await engine.dispose()


async def _status(settings: Settings, notice_id: int) -> OutboxNotice:
    engine = create_engine(settings.database)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            row = await session.get(OutboxNotice, notice_id)
            assert row is not None
            return row
    finally:
        await engine.dispose()


async def test_worker_once_delivers_notices_next_to_payouts(setup: Setup, vault: Vault) -> None:
    notice_id = await _notice(setup.settings, vault)

    report = await run_worker(setup.settings, once=True, gateways=setup.gateways)

    assert report.paid == []
    [sms] = setup.sms.sent
    assert sms.template_id == "200102"
    assert sms.params == ("住房公积金提取", "材料不全")
    assert (await _status(setup.settings, notice_id)).status == NoticeStatus.SENT


async def test_template_send_job_finished_updates_the_delivery_record(
    setup: Setup, vault: Vault, store: Store
) -> None:
    notice_id = await _notice(setup.settings, vault, oa=True)
    await run_worker(setup.settings, once=True, gateways=setup.gateways)
    [sent] = setup.oa.sent_templates
    engine = create_engine(setup.settings.database)
    ctx = HandlerContext(
        store=store,
        settings=setup.settings,
        content=load_content(public_base_url="https://gjj.example.org"),
        sessionmaker=create_sessionmaker(engine),
    )
    event = InboundMessage(
        to_user="gh_centre",
        from_user=sent.openid,
        create_time=1_700_000_000,
        msg_type="event",
        event="TEMPLATESENDJOBFINISH",
        fields={"MsgID": str(sent.msgid), "Status": "failed:user block"},
    )
    try:
        assert await build_registry().dispatch(event, ctx) is None
    finally:
        await engine.dispose()
    row = await _status(setup.settings, notice_id)
    assert (row.wechat_msgid, row.delivery_status) == (sent.msgid, "failed:user block")


async def test_dramatiq_queue_delivers_each_notice_once(setup: Setup, vault: Vault) -> None:
    if not setup.settings.store.redis_url:
        pytest.skip("the job queue needs Redis (WXB_TEST_BACKEND=services)")
    ids = [await _notice(setup.settings, vault) for _ in range(3)]
    engine = create_engine(setup.settings.database)
    try:
        async with notice_pass(
            setup.settings,
            sessionmaker=create_sessionmaker(engine),
            vault=vault,
            gateways=setup.gateways,
            use_queue=True,
        ) as notices:
            assert notices.queue is not None
            assert sorted(await notices.run()) == ids  # type: ignore[arg-type]
            assert await notices.run() == []  # queued: not handed out twice
            await notices.queue.enqueue(ids[0])  # a duplicate message is harmless
            for _ in range(100):
                if len(setup.sms.sent) >= 3:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.3)
    finally:
        await engine.dispose()
    assert len(setup.sms.sent) == 3
    for notice_id in ids:
        assert (await _status(setup.settings, notice_id)).status == NoticeStatus.SENT


async def _holder_with_notices(
    setup: Setup, vault: Vault, *, deposit: bool, withdrawal: bool
) -> None:
    engine = create_engine(setup.settings.database)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            account = await make_account(session, vault)
            await service.set_sms_choices(
                session, account_id=account.id, deposit=deposit, withdrawal=withdrawal
            )
            await service.enqueue_notice(
                session,
                account_id=account.id,
                kind="withdrawal_paid",
                values={"amount": "¥3,000.00", "bank_card": "工商银行 ****1234"},
            )
            await service.enqueue_notice(
                session,
                account_id=account.id,
                kind="deposit_posted",
                values={"month": "2026年11月", "amount": "¥1,920.00"},
            )
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("deposit", "withdrawal", "templates"),
    [
        (True, True, {"200103", "200106"}),
        (False, True, {"200103"}),
        (True, False, {"200106"}),
        (False, False, set()),
    ],
)
async def test_the_worker_sends_only_the_sms_the_holder_takes(
    setup: Setup, vault: Vault, deposit: bool, withdrawal: bool, templates: set[str]
) -> None:
    await _holder_with_notices(setup, vault, deposit=deposit, withdrawal=withdrawal)
    await run_worker(setup.settings, once=True, gateways=setup.gateways)
    assert {sms.template_id for sms in setup.sms.sent} == templates
