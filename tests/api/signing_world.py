"""A whole app on fake gateways, with helpers to log in and walk the signing steps."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.builders import make_account
from wxbackend.app import create_app
from wxbackend.cards.fakes import FakeBankCardVerifier
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.faceid.fakes import FakeFaceVerifier
from wxbackend.fund import service as fund
from wxbackend.fund.models import FundAccount
from wxbackend.gateways import Gateways
from wxbackend.security.pii import Vault
from wxbackend.sms.fakes import FakeSms
from wxbackend.store import Store
from wxbackend.wechat.fakes import FakeMiniProgram, FakeOfficialAccount
from wxbackend.withdraw.bank import BankGateway
from wxbackend.withdraw.fakes import FakeBank

_codes = itertools.count(1)
PASSWORD = "258369"


@dataclass
class Person:
    """A fund account holder and what they know."""

    account: FundAccount
    name: str
    id_no: str
    mobile: str


@dataclass
class World:
    client: httpx.AsyncClient
    oa: FakeOfficialAccount
    mp: FakeMiniProgram
    sms: FakeSms
    faces: FakeFaceVerifier
    sessionmaker: async_sessionmaker[AsyncSession]
    vault: Vault
    settings: Settings
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)
    cards: FakeBankCardVerifier = field(default_factory=FakeBankCardVerifier)
    bank: BankGateway | None = None  # the app's paying bank (a FakeBank in open_world)

    async def person(self, **overrides: object) -> Person:
        async with session_scope(self.sessionmaker) as session:
            account = await make_account(session, self.vault, months_of_deposits=3, **overrides)
            return Person(
                account,
                fund.reveal_name(self.vault, account),
                fund.reveal_id_no(self.vault, account),
                fund.reveal_mobile(self.vault, account) or "",
            )

    async def mp_login(self, openid: str | None = None, unionid: str | None = None) -> str:
        """Log a mini-program user in; returns the bearer token (remembered by openid)."""
        openid = openid or "o-mp-" + secrets.token_hex(6)
        code = f"js-{next(_codes)}"
        self.mp.add_js_code(code, openid=openid, unionid=unionid)
        response = await self.client.post("/api/mp/session", json={"code": code})
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        self.tokens[openid] = token
        return token

    async def h5_login(self, openid: str | None = None, unionid: str | None = None) -> str:
        """The official-account OAuth round trip; returns the session cookie's value."""
        openid = openid or "o-oa-" + secrets.token_hex(6)
        start = await self.client.get("/h5/login", params={"next": "/h5/account"})
        assert start.status_code == 302, start.text
        state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
        code = f"oauth-{next(_codes)}"
        self.oa.add_oauth_code(code, openid=openid, unionid=unionid)
        done = await self.client.get("/h5/oauth/callback", params={"code": code, "state": state})
        assert done.status_code == 302, done.text
        assert done.headers["location"] == "/h5/account"
        token = self.client.cookies[self.settings.sessions.cookie_name]
        self.client.cookies.clear()
        self.tokens[openid] = token
        return token

    async def a_minute_passes(self, person: Person) -> None:
        """Lift the one-code-a-minute gap for this person's mobile."""
        await self.store.delete(f"sms:gap:{person.account.id}")

    async def call(
        self, token: str, method: str, path: str, json: object | None = None
    ) -> httpx.Response:
        return await self.client.request(
            method, path, json=json, headers={"Authorization": f"Bearer {token}"}
        )

    def last_sms_code(self, mobile: str) -> str:
        return self.sms.sent_to(mobile)[-1].params[0]

    async def sign_up_to_face(self, token: str, person: Person) -> None:
        """Agreement, identity and SMS code: the steps before the face check."""
        version = self.settings.signing.agreement_version
        steps = [
            ("POST", "/api/signing/agreement", {"version": version}),
            ("POST", "/api/signing/identity", {"name": person.name, "id_no": person.id_no}),
            ("POST", "/api/signing/sms", None),
        ]
        await self.a_minute_passes(person)
        current = (await self.call(token, "GET", "/api/signing")).json()["step"]
        if current != "agreement":
            steps = steps[1:]
        for method, path, body in steps:
            response = await self.call(token, method, path, body)
            assert response.status_code == 200, response.text
        code = self.last_sms_code(person.mobile)
        response = await self.call(token, "POST", "/api/signing/sms/verify", {"code": code})
        assert response.json()["step"] == "face", response.text

    async def pass_face(self, token: str, prefix: str = "/api/signing") -> httpx.Response:
        started = await self.call(token, "POST", prefix + "/face", {})
        assert started.status_code == 200, started.text
        self.faces.complete(started.json()["token"])
        return await self.call(token, "POST", prefix + "/face/result", {})

    async def sign_up(self, token: str, person: Person, password: str = PASSWORD) -> None:
        await self.sign_up_to_face(token, person)
        assert (await self.pass_face(token)).json()["step"] == "password"
        response = await self.call(token, "POST", "/api/signing/password", {"password": password})
        assert response.json()["bound"] is True, response.text


async def open_world(
    settings: Settings, store: Store, vault: Vault, engine: object
) -> AsyncIterator[World]:
    from sqlalchemy.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    faces = FakeFaceVerifier()
    gateways = Gateways(
        wechat_oa=FakeOfficialAccount(),
        wechat_mp=FakeMiniProgram(),
        sms=FakeSms(),
        face_verifiers={"h5": faces, "miniprogram": faces},
        card_verifier=FakeBankCardVerifier(),
        bank=FakeBank(),
    )
    app = create_app(settings, store=store, gateways=gateways)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            yield world_on(
                client, gateways, engine=engine, vault=vault, settings=settings, store=store
            )


def world_on(
    client: httpx.AsyncClient,
    gateways: Gateways,
    *,
    engine: object,
    vault: Vault,
    settings: Settings,
    store: Store,
) -> World:
    """A World whose client talks to a server running elsewhere (tests/live_server.py)."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    assert isinstance(gateways.wechat_oa, FakeOfficialAccount)
    assert isinstance(gateways.wechat_mp, FakeMiniProgram)
    assert isinstance(gateways.sms, FakeSms)
    faces = gateways.face_verifiers["h5"]
    assert isinstance(faces, FakeFaceVerifier)
    assert isinstance(gateways.card_verifier, FakeBankCardVerifier)
    return World(
        cards=gateways.card_verifier,
        bank=gateways.bank,
        client=client,
        oa=gateways.wechat_oa,
        mp=gateways.wechat_mp,
        sms=gateways.sms,
        faces=faces,
        sessionmaker=create_sessionmaker(engine),
        vault=vault,
        settings=settings,
        store=store,
    )
