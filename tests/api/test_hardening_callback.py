"""Callback paths around the signatures: a URL check's signature, compatible-mode fields."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.edge_app import fake_gateways
from tests.api.test_callback_delivery import CountingHandler, post, running_app, with_budget
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker
from wxbackend.notify.delivery import deliver_one
from wxbackend.notify.kinds import LATE_REPLY
from wxbackend.notify.models import NoticeStatus, OutboxNotice
from wxbackend.notify.runner import build_notifier
from wxbackend.security.pii import Vault
from wxbackend.store import MemoryStore, Store
from wxbackend.wechat.fakes import FakeOfficialAccount

URL = "/wechat/callback"


@pytest.fixture
def user(settings: Settings) -> SimulatedUser:
    return SimulatedUser(callback_crypto(settings), openid="o-hardening-1")


async def test_url_check_signature_cannot_be_replayed_as_a_plain_message(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    # Finding 1: a GET's signature/timestamp/nonce also sign a plain-mode POST.
    params = user.sign("", mode="plain").params
    check = await client.get(URL, params=params | {"echostr": "echo-1"})
    assert check.text == "echo-1"
    forged = user.sign(user.click("ACCOUNT_QUERY"), mode="plain")
    response = await client.post(URL, params=params, content=forged.body)
    assert (response.status_code, response.json()["code"]) == (403, "wechat_replayed_nonce")


async def test_url_check_itself_may_be_repeated(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    params = user.sign("", mode="plain").params | {"echostr": "echo-2"}
    first = await client.get(URL, params=params)
    again = await client.get(URL, params=params)
    assert (first.text, again.text) == ("echo-2", "echo-2")


async def test_unsigned_fields_beside_encrypt_do_not_make_the_reply_plaintext(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    # Finding 2: <MsgType> added beside <Encrypt> used to switch to compatible mode.
    signed = user.sign(user.text("帮助"), mode="safe")
    tampered = signed.body.replace(
        b"</xml>", b"<MsgType><![CDATA[text]]></MsgType><Content>x</Content></xml>"
    )
    response = await client.post(URL, params=signed.params, content=tampered)
    assert response.status_code == 200
    assert "<Encrypt>" in response.text
    assert "<Content>" not in response.text
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.fields["ToUserName"] == "o-hardening-1"


class PausedStore(MemoryStore):
    """A store whose server stopped answering (SIGSTOP): every call hangs."""

    async def set_if_absent_each(
        self, items: Sequence[tuple[str, str, float | None]]
    ) -> list[str | None]:
        await asyncio.sleep(30)
        raise AssertionError("unreachable")


async def test_a_store_that_does_not_answer_still_lets_the_reply_meet_the_deadline(
    settings: Settings, user: SimulatedUser
) -> None:
    # Finding 16: the delivery claim ran outside the reply budget: answered after 5 s.
    handler = CountingHandler()
    budget = 1.0
    async with running_app(with_budget(settings, budget), PausedStore(), handler) as (
        app,
        client,
        _outbox,
    ):
        started = time.perf_counter()
        response = await post(client, user.sign(user.text("计数"), mode="safe"))
        took = time.perf_counter() - started
        apology = app.state.wechat_callback.content["apology"]
    assert took < budget + 0.5
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.text == apology


@pytest.mark.parametrize("words", ["帮助", "余额"])
async def test_a_store_that_does_not_answer_still_lets_a_repeatable_reply_meet_the_deadline(
    settings: Settings, user: SimulatedUser, words: str
) -> None:
    # Repeatable handlers (fixed texts, account reads) run before the store's one round
    # trip: a store that hangs there still gets the user the apology within the budget.
    budget = 1.0
    async with running_app(with_budget(settings, budget), PausedStore(), CountingHandler()) as (
        app,
        client,
        _outbox,
    ):
        started = time.perf_counter()
        response = await post(client, user.sign(user.text(words), mode="safe"))
        took = time.perf_counter() - started
        apology = app.state.wechat_callback.content["apology"]
    assert took < budget + 0.5
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.text == apology


async def test_a_late_reply_that_fails_is_retried_through_the_outbox(
    settings: Settings, store: Store, user: SimulatedUser, engine: AsyncEngine, vault: Vault
) -> None:
    # Finding 15: late customer-service replies that failed were dropped, never retried.
    handler = CountingHandler(delay_s=0.6)
    async with running_app(with_budget(settings, 0.2), store, handler) as (_, client, outbox):
        outbox.fail_next(-1, "system busy")
        response = await post(client, user.sign(user.text("计数"), mode="safe"))
        assert response.text == "success"
    assert outbox.sent_texts == []
    later = FakeOfficialAccount()
    gateways = fake_gateways()
    gateways.wechat_oa = later
    notifier = build_notifier(
        settings, sessionmaker=create_sessionmaker(engine), vault=vault, gateways=gateways
    )
    # The worker's next pass (other tests' notices share this outbox: deliver this one).
    async with create_sessionmaker(engine)() as session:
        queued = await session.scalar(
            select(OutboxNotice.id).where(
                OutboxNotice.kind == LATE_REPLY, OutboxNotice.openid == user.openid
            )
        )
    assert queued is not None
    assert await deliver_one(notifier, queued) is NoticeStatus.SENT
    assert [(s.openid, s.text) for s in later.sent_texts] == [(user.openid, "第1次处理")]
