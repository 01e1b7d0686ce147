"""Security notices, from the HTTP action to what the sandbox WeChat and Tencent SMS
received (real wechatpy and tencentcloud SDKs, delivered by the outbox worker pass).

Each action tells the holder once, on the channel docs/notifications.md names for it,
with masked values only; a replayed request or a second worker pass adds nothing; an
action that is refused (and rolled back) tells nobody; the SMS opt-out does not apply.
The app runs on fake gateways for the steps themselves (its SMS codes go to FakeSms),
so the sandbox only ever sees the notices. A fresh database per test: no other test's
notices are delivered here.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.api.signing_world import PASSWORD, Person, World, open_world
from tests.api.test_desk_review import signed_in
from tests.builders import make_card
from tests.desk_client import DeskClient
from tests.sandbox_server import SandboxServer
from wxbackend.bind.models import Binding
from wxbackend.cards.luhn import make_card_no
from wxbackend.config import DatabaseSettings, Settings
from wxbackend.db import create_engine, create_sessionmaker, session_scope
from wxbackend.gateways import build_gateways
from wxbackend.notify import service as notify
from wxbackend.notify.delivery import Notifier, deliver_due
from wxbackend.notify.models import OutboxNotice
from wxbackend.notify.runner import build_notifier
from wxbackend.security.masking import mask_openid
from wxbackend.security.pii import Vault
from wxbackend.staff.models import StaffRole
from wxbackend.store import Store

NEW_PASSWORD = "470258"
ADVICE = "如非本人操作请立即致电12329或到柜台"


@dataclass
class Centre:
    """The app (fakes for the steps) and the worker's notifier (the sandbox) on one DB."""

    world: World
    notifier: Notifier
    sandbox: SandboxServer

    async def deliver(self) -> None:
        """Two worker passes: the second must find nothing left to send."""
        await deliver_due(self.notifier)
        again = await deliver_due(self.notifier)
        assert (again.sent, again.retrying) == ([], [])

    async def _get(self, path: str, **params: str) -> Any:
        async with httpx.AsyncClient(base_url=self.sandbox.base_url) as http:
            response = await http.get(path, params=params)
            response.raise_for_status()
            return response.json()

    async def templates(self, openid: str) -> list[dict[str, str]]:
        """The template messages to `openid`, each as its template id and field values."""
        items = (await self._get("/wechat/_sandbox/sent", kind="template"))["items"]
        return [
            {"id": m["body"]["template_id"]} | {k: v["value"] for k, v in m["body"]["data"].items()}
            for m in items
            if m["body"]["touser"] == openid
        ]

    async def sms(self, mobile: str) -> list[tuple[str, list[str]]]:
        messages = (await self._get("/tencent/_sandbox/sms"))["messages"]
        return [(m["template_id"], m["params"]) for m in messages if m["phone"] == "+86" + mobile]

    async def everything_said(self) -> str:
        """What every message says (fields, params, links), not whom it went to."""
        said: list[object] = []
        for kind in ("template", "subscribe"):
            for message in (await self._get("/wechat/_sandbox/sent", kind=kind))["items"]:
                body = message["body"]
                said += [body["data"], body.get("url"), body.get("page")]
        said += [m["params"] for m in (await self._get("/tencent/_sandbox/sms"))["messages"]]
        return repr(said)

    async def notices(self, account_id: int) -> list[str]:
        async with session_scope(self.world.sessionmaker) as session:
            rows = await session.scalars(
                select(OutboxNotice.kind)
                .where(OutboxNotice.account_id == account_id)
                .order_by(OutboxNotice.id)
            )
            return list(rows.all())


@pytest.fixture
async def centre(
    fresh_database_url: str,
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    vault: Vault,
) -> AsyncIterator[Centre]:
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
    try:
        async for world in open_world(settings, store, vault, engine):
            yield Centre(world, notifier, wechat_sandbox)
    finally:
        await engine.dispose()


@pytest.fixture
async def desks() -> AsyncIterator[list[DeskClient]]:
    made: list[DeskClient] = []
    yield made
    for client in made:
        await client.aclose()


async def _official_account_holder(centre: Centre) -> tuple[str, str, Person]:
    """Signed up in the official account's H5: (token, openid, person)."""
    openid = "oFollower" + secrets.token_hex(8)
    token = await centre.world.h5_login(openid)
    person = await centre.world.person()
    await centre.world.sign_up(token, person)
    return token, openid, person


async def _apply(centre: Centre, token: str, key: str, password: str = PASSWORD) -> int:
    body = {"kind": "rent", "amount": "1500.00", "password": password}
    response = await centre.world.client.post(
        "/api/withdrawals",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )
    return response.status_code


async def test_a_binding_is_told_on_the_mobile_not_on_the_wechat_just_bound(
    centre: Centre,
) -> None:
    _, openid, person = await _official_account_holder(centre)

    await centre.deliver()

    [(template_id, params)] = await centre.sms(person.mobile)
    assert template_id == "200109"
    assert params[1:] == ["微信公众号", mask_openid(openid)]
    assert re.fullmatch(r"\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}", params[0])
    assert await centre.templates(openid) == []  # the new binding may be an intruder's


async def test_each_change_reaches_the_holders_wechat_once_and_a_refusal_none(
    centre: Centre,
) -> None:
    world = centre.world
    token, openid, person = await _official_account_holder(centre)
    first, second = make_card_no("622202", 7001), make_card_no("622848", 7002)

    # Refused actions, each rolled back: nothing is told.
    wrong = {"old_password": "135790", "new_password": NEW_PASSWORD}
    assert (await world.call(token, "POST", "/api/password/change", wrong)).status_code == 400
    stranger = make_card_no("621700", 7003)
    world.cards.set_holder(stranger, name="别人", id_no=person.id_no, mobile=person.mobile)
    refused = await world.call(
        token, "POST", "/api/cards", {"card_no": stranger, "confirm_type1": True}
    )
    assert refused.status_code == 400

    change = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert (await world.call(token, "POST", "/api/password/change", change)).status_code == 204
    bound = await world.call(token, "POST", "/api/cards", {"card_no": first, "confirm_type1": True})
    assert bound.status_code == 201, bound.text
    replace = {"card_no": second, "confirm_type1": True, "password": "111111"}
    assert (await world.call(token, "POST", "/api/cards", replace)).status_code == 400
    replace["password"] = NEW_PASSWORD
    assert (await world.call(token, "POST", "/api/cards", replace)).status_code == 201

    assert await _apply(centre, token, "key-wrong", password="135790") == 400
    assert await _apply(centre, token, "key-1", password=NEW_PASSWORD) == 201
    assert await _apply(centre, token, "key-1", password=NEW_PASSWORD) == 201  # replayed

    await centre.deliver()

    # (Progress notices of the application itself are test_withdrawal_notices.py's.)
    sent = [m for m in await centre.templates(openid) if m["id"] != "oa-withdrawal-progress"]
    times = [m.pop("time2", None) or m.pop("time3", None) or m.pop("time4", None) for m in sent]
    assert all(re.fullmatch(r"\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}", t or "") for t in times)
    assert sent == [
        {"id": "oa-account-security", "thing1": "查询密码已修改", "thing3": ADVICE},
        {
            "id": "oa-card-changed",
            "thing1": "已绑定提取收款银行卡",
            "thing2": f"中国工商银行 ****{first[-4:]}",
            "thing4": ADVICE,
        },
        {
            "id": "oa-card-changed",
            "thing1": "提取收款银行卡已更换",
            "thing2": f"中国农业银行 ****{second[-4:]}",
            "thing4": ADVICE,
        },
        {
            "id": "oa-withdrawal-submitted",
            "thing1": "租房提取",
            "amount2": "¥1500.00",
            "thing3": f"中国农业银行 ****{second[-4:]}",
            "thing5": ADVICE,
        },
    ]
    assert [t for t, _ in await centre.sms(person.mobile)] == ["200109"]  # the binding only
    everything = await centre.everything_said()
    for secret in (first, second, person.mobile, person.id_no, person.name):
        assert secret not in everything


async def test_a_holder_who_turned_sms_off_still_gets_security_sms(centre: Centre) -> None:
    world = centre.world
    person = await world.person()
    token = await world.mp_login()  # mini-program, no subscribe consent: SMS it is
    await world.sign_up(token, person)
    card_no = make_card_no("622202", 7101)
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, person.account, card_no=card_no)
    off = {"deposit": False, "withdrawal": False}
    assert (await world.call(token, "PUT", "/api/notify/sms", off)).status_code == 200

    change = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert (await world.call(token, "POST", "/api/password/change", change)).status_code == 204
    assert await _apply(centre, token, "key-sms", password=NEW_PASSWORD) == 201
    await centre.deliver()

    sent = await centre.sms(person.mobile)
    assert [t for t, _ in sent] == ["200109", "200111", "200115"]  # not the opted-out ones
    assert sent[2][1][1:] == ["租房提取", "¥1,500.00", f"中国工商银行 ****{card_no[-4:]}"]


async def test_unbinding_and_resets_reach_the_mobile_whoever_did_them(
    centre: Centre, desks: list[DeskClient]
) -> None:
    world = centre.world
    token, openid, person = await _official_account_holder(centre)
    account_id = person.account.id

    # Forgot the password: SMS code + face check, then a new one.
    await world.a_minute_passes(person)
    assert (await world.call(token, "POST", "/api/password/reset/sms")).status_code == 200
    code = world.last_sms_code(person.mobile)
    await world.call(token, "POST", "/api/password/reset/sms/verify", {"code": code})
    await world.pass_face(token, prefix="/api/password/reset")
    done = await world.call(token, "POST", "/api/password/reset", {"password": NEW_PASSWORD})
    assert done.json()["step"] == "bound"
    # The holder unbinds the official account themselves.
    unbind = await world.call(token, "POST", "/api/binding/unbind", {"password": NEW_PASSWORD})
    assert unbind.status_code == 204

    # A mini-program binding unbound at the counter, and a counter reset.
    mp_openid = "oLostPhone" + secrets.token_hex(6)
    await world.sign_up(await world.mp_login(mp_openid), person, password=NEW_PASSWORD)
    async with world.sessionmaker() as session:
        binding_id = await session.scalar(select(Binding.id).where(Binding.openid == mp_openid))
    counter = await signed_in(world, desks, StaffRole.COUNTER)
    page = f"/desk/counter/accounts/{account_id}"
    await counter.get(page)
    checked = {"identity_checked": "1"}
    gone = await counter.post(f"{page}/bindings/{binding_id}/unbind", checked)
    assert gone.headers["location"].endswith("?done=unbound")
    await counter.get(page)
    assert (await counter.post(f"{page}/password", checked)).status_code == 200

    await centre.deliver()

    sent = await centre.sms(person.mobile)
    assert [(t, p[1:]) for t, p in sent] == [
        ("200109", ["微信公众号", mask_openid(openid)]),
        ("200112", ["自助"]),
        ("200110", ["微信公众号", mask_openid(openid), "自助"]),
        ("200109", ["微信小程序", mask_openid(mp_openid)]),
        ("200110", ["微信小程序", mask_openid(mp_openid), "柜台"]),
        ("200112", ["在柜台"]),
    ]
    assert await centre.templates(openid) == []


async def test_the_same_event_is_written_once(centre: Centre) -> None:
    person = await centre.world.person()
    for _ in range(2):  # e.g. a producer retried after its first commit
        async with session_scope(centre.world.sessionmaker) as session:
            await notify.enqueue_security_notice(
                session,
                account_id=person.account.id,
                kind="card_bound",
                values={"bank_card": "中国工商银行 ****9876"},
                dedup_key="41",
            )
    assert await centre.notices(person.account.id) == ["card_bound"]
    await centre.deliver()
    assert [t for t, _ in await centre.sms(person.mobile)] == ["200113"]


async def test_two_producers_of_one_event_at_once_write_it_once(centre: Centre) -> None:
    person = await centre.world.person()

    async def produce() -> None:
        async with session_scope(centre.world.sessionmaker) as session:
            await notify.enqueue_security_notice(
                session,
                account_id=person.account.id,
                kind="withdrawal_submitted",
                values={"amount": "¥1,500.00", "bank_card": "中国工商银行 ****9876"},
                dedup_key="77",
            )
            await asyncio.sleep(0.2)  # both have written before either commits

    await asyncio.gather(produce(), produce())

    assert await centre.notices(person.account.id) == ["withdrawal_submitted"]
