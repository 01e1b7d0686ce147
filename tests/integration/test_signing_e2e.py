"""Sign-up and binding end to end: the real wechatpy and Tencent Cloud SDKs talk to the
sandbox over HTTP; nothing of ours is mocked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.builders import make_account
from wxbackend.app import create_app
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault
from wxbackend.store import Store

if TYPE_CHECKING:
    from tests.sandbox_server import SandboxServer

PASSWORD = "258369"


async def _client(settings: Settings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, store=store)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c


@pytest.fixture
async def person(engine: AsyncEngine, vault: Vault) -> tuple[str, str, str]:
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(session, vault, name="周杰", months_of_deposits=3)
        return (
            fund.reveal_name(vault, account),
            fund.reveal_id_no(vault, account),
            fund.reveal_mobile(vault, account) or "",
        )


async def _walk_to_face(
    client: httpx.AsyncClient, sandbox: SandboxServer, person: tuple[str, str, str], auth: dict
) -> None:
    name, id_no, mobile = person
    version = (await client.get("/api/signing", headers=auth)).json()["agreement_version"]
    for path, body in (
        ("/api/signing/agreement", {"version": version}),
        ("/api/signing/identity", {"name": name, "id_no": id_no}),
        ("/api/signing/sms", None),
    ):
        response = await client.post(path, json=body, headers=auth)
        assert response.status_code == 200, response.text
    async with httpx.AsyncClient() as raw:
        sent = (
            await raw.get(f"{sandbox.base_url}/tencent/_sandbox/sms", params={"phone": mobile})
        ).json()["messages"]
    code = sent[-1]["params"][0]
    verified = await client.post("/api/signing/sms/verify", json={"code": code}, headers=auth)
    assert verified.json()["step"] == "face", verified.text


async def _finish(client: httpx.AsyncClient, auth: dict, token: str | None = None) -> None:
    result = await client.post("/api/signing/face/result", json={"token": token}, headers=auth)
    assert result.json()["step"] == "password", result.text
    bound = await client.post("/api/signing/password", json={"password": PASSWORD}, headers=auth)
    assert bound.json()["bound"] is True, bound.text


@pytest.mark.parametrize("provider", ["tencent", "wechat"])
async def test_mini_program_sign_up_with_each_face_provider(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    person: tuple[str, str, str],
    provider: str,
) -> None:
    signing = sandbox_settings.signing.model_copy(update={"face_provider_mp": provider})
    settings = sandbox_settings.model_copy(update={"signing": signing})
    async for client in _client(settings, store):
        code = wechat_sandbox.wechat.issue_code(
            kind="jscode", openid=f"o-mini-{provider}", unionid=None
        )
        login = await client.post("/api/mp/session", json={"code": code})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        await _walk_to_face(client, wechat_sandbox, person, auth)

        started = (await client.post("/api/signing/face", json={}, headers=auth)).json()
        assert started["provider"] == provider
        assert started["url"] is None  # the mini-program runs the check itself
        control = "tencent" if provider == "tencent" else "wechat"
        async with httpx.AsyncClient() as phone:
            done = await phone.post(
                f"{wechat_sandbox.base_url}/{control}/_sandbox/face/{started['token']}",
                json={"outcome": "pass"},
            )
            assert done.status_code == 200, done.text
        await _finish(client, auth)
        status = (await client.get("/api/binding", headers=auth)).json()
        assert status["bound"] is True
        assert status["channel"] == "mp"


async def test_mini_program_sign_up_refuses_another_persons_face(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    person: tuple[str, str, str],
) -> None:
    async for client in _client(sandbox_settings, store):
        code = wechat_sandbox.wechat.issue_code(kind="jscode", openid="o-mini-other", unionid=None)
        token = (await client.post("/api/mp/session", json={"code": code})).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        await _walk_to_face(client, wechat_sandbox, person, auth)
        started = (await client.post("/api/signing/face", json={}, headers=auth)).json()
        async with httpx.AsyncClient() as phone:
            await phone.post(
                f"{wechat_sandbox.base_url}/tencent/_sandbox/face/{started['token']}",
                json={"outcome": "other"},
            )
        refused = await client.post("/api/signing/face/result", json={}, headers=auth)
        assert refused.status_code == 400
        assert refused.json()["code"] == "signing.face_not_passed"


async def test_official_account_oauth_h5_sign_up_and_bind(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    person: tuple[str, str, str],
) -> None:
    async for client in _client(sandbox_settings, store):
        # The H5 page sends the browser to WeChat's authorize page (the sandbox's) ...
        start = await client.get("/h5/login", params={"next": "/h5/signup"})
        authorize = start.headers["location"]
        assert authorize.startswith(wechat_sandbox.wechat_url + "/connect/oauth2/authorize")
        async with httpx.AsyncClient() as browser:
            # sandbox_openid: who the sandbox's WeChat client is logged in as.
            consent = await browser.get(
                authorize.split("#")[0] + "&sandbox_openid=o-oa-e2e", follow_redirects=False
            )
        # ... which comes back to our callback with a code and the state.
        back = urlsplit(consent.headers["location"])
        assert back.path == "/h5/oauth/callback"
        query = {k: v[0] for k, v in parse_qs(back.query).items()}
        landed = await client.get("/h5/oauth/callback", params=query)
        assert landed.status_code == 302, landed.text
        assert landed.headers["location"] == "/h5/signup"
        cookies: dict = {}  # the session cookie in the client's jar authenticates from now on

        await _walk_to_face(client, wechat_sandbox, person, cookies)
        started = (await client.post("/api/signing/face", json={}, headers=cookies)).json()
        assert started["provider"] == "tencent"
        page_url = started["url"]
        async with httpx.AsyncClient() as browser:
            page = await browser.get(page_url)
            assert "人脸核身" in page.text
            chosen = await browser.post(
                page_url.split("?")[0], data={"outcome": "pass"}, follow_redirects=False
            )
        assert chosen.status_code == 303
        returned = parse_qs(urlsplit(chosen.headers["location"]).query)
        await _finish(client, cookies, token=returned["token"][0])
        status = (await client.get("/api/binding")).json()
        assert status["bound"] is True
        assert status["channel"] == "oa"
