"""Mini-program face login (刷脸登录) end to end: WeChat 人脸核身 2.0 (and 慧眼) sandboxes.

The real WeChat transport and Tencent Cloud SDK talk to the sandbox over HTTP; the
"phone" completes the check at the sandbox's control endpoint, as wx.requestFacialVerify
would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.builders import make_account
from wxbackend.app import create_app
from wxbackend.bind.models import Credential
from wxbackend.bind.passwords import hash_password
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault
from wxbackend.store import Store

if TYPE_CHECKING:
    from tests.sandbox_server import SandboxServer

Person = tuple[str, str]  # name, ID number


async def _client(settings: Settings, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, store=store)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            yield c


async def _holder(engine: AsyncEngine, vault: Vault, *, signed: bool) -> Person:
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(session, vault, name="吴建华", months_of_deposits=3)
        if signed:
            session.add(
                Credential(
                    account_id=account.id,
                    password_hash=await hash_password("258369"),
                    is_initial=False,
                )
            )
        return fund.reveal_name(vault, account), fund.reveal_id_no(vault, account)


def _with_provider(settings: Settings, provider: str) -> Settings:
    signing = settings.signing.model_copy(update={"face_provider_mp": provider})
    return settings.model_copy(update={"signing": signing})


async def _login(client: httpx.AsyncClient, sandbox: SandboxServer, openid: str) -> dict:
    code = sandbox.wechat.issue_code(kind="jscode", openid=openid, unionid=None)
    login = await client.post("/api/mp/session", json={"code": code})
    assert login.status_code == 200, login.text
    assert login.json()["bound"] is False
    return {"Authorization": f"Bearer {login.json()['token']}"}


async def _phone(sandbox: SandboxServer, provider: str, token: str, outcome: str) -> None:
    async with httpx.AsyncClient() as phone:
        done = await phone.post(
            f"{sandbox.base_url}/{provider}/_sandbox/face/{token}", json={"outcome": outcome}
        )
        assert done.status_code == 200, done.text


@pytest.mark.parametrize("provider", ["wechat", "tencent"])
async def test_a_signed_holder_logs_in_to_the_mini_program_by_face(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    engine: AsyncEngine,
    vault: Vault,
    provider: str,
) -> None:
    name, id_no = await _holder(engine, vault, signed=True)
    async for client in _client(_with_provider(sandbox_settings, provider), store):
        auth = await _login(client, wechat_sandbox, f"o-face-login-{provider}")
        step = await client.post(
            "/api/mp/face-login/identity", json={"name": name, "id_no": id_no}, headers=auth
        )
        assert step.json()["step"] == "face", step.text
        started = (await client.post("/api/mp/face-login/face", json={}, headers=auth)).json()
        assert started["provider"] == provider
        assert started["url"] is None  # wx.requestFacialVerify / wx.startVerify on the phone
        await _phone(wechat_sandbox, provider, started["token"], "pass")
        done = await client.post("/api/mp/face-login/face/result", json={}, headers=auth)
        assert done.json()["step"] == "bound", done.text
        status = (await client.get("/api/binding", headers=auth)).json()
        assert (status["bound"], status["channel"]) == (True, "mp")
        assert (await client.get("/api/account", headers=auth)).status_code == 200


async def test_someone_elses_face_does_not_log_in(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    name, id_no = await _holder(engine, vault, signed=True)
    async for client in _client(_with_provider(sandbox_settings, "wechat"), store):
        auth = await _login(client, wechat_sandbox, "o-face-login-other")
        await client.post(
            "/api/mp/face-login/identity", json={"name": name, "id_no": id_no}, headers=auth
        )
        started = (await client.post("/api/mp/face-login/face", json={}, headers=auth)).json()
        await _phone(wechat_sandbox, "wechat", started["token"], "other")
        refused = await client.post("/api/mp/face-login/face/result", json={}, headers=auth)
        assert (refused.status_code, refused.json()["code"]) == (400, "signing.face_not_passed")
        assert (await client.get("/api/binding", headers=auth)).json()["bound"] is False


async def test_face_login_is_for_signed_holders_and_the_mini_program(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    name, id_no = await _holder(engine, vault, signed=False)
    async for client in _client(_with_provider(sandbox_settings, "wechat"), store):
        auth = await _login(client, wechat_sandbox, "o-face-login-unsigned")
        refused = await client.post(
            "/api/mp/face-login/identity", json={"name": name, "id_no": id_no}, headers=auth
        )
        assert refused.json()["code"] == "binding.not_signed"
        assert "签约绑定" in refused.json()["message"]
        # Nothing started: no face check can be paid for.
        again = await client.post("/api/mp/face-login/face", json={}, headers=auth)
        assert again.json()["code"] == "signing.wrong_step"
