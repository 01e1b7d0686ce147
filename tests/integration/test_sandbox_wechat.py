"""The WeChat sandbox's own behaviour, over HTTP in process."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from wxbackend.config import Settings
from wxbackend.sandbox import create_sandbox_app

APP = {"grant_type": "client_credential", "appid": "wxapp1", "secret": "s3cret"}


@pytest.fixture
async def sandbox() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_sandbox_app(Settings()))
    async with httpx.AsyncClient(transport=transport, base_url="http://sbx/wechat") as client:
        yield client


async def stable_token(sandbox: httpx.AsyncClient, *, force: bool = False) -> str:
    response = await sandbox.post("/cgi-bin/stable_token", json={**APP, "force_refresh": force})
    token: str = response.json()["access_token"]
    return token


async def stats(sandbox: httpx.AsyncClient) -> dict[str, object]:
    body: dict[str, object] = (await sandbox.get("/_sandbox/stats")).json()
    return body


async def test_stable_token_is_the_same_while_valid(sandbox: httpx.AsyncClient) -> None:
    first = await stable_token(sandbox)
    assert await stable_token(sandbox) == first
    assert (await stats(sandbox))["tokens_issued"] == 1
    assert (await stats(sandbox))["token_requests"] == 2


async def test_forced_refresh_issues_a_new_token_and_keeps_the_old_one_alive(
    sandbox: httpx.AsyncClient,
) -> None:
    old = await stable_token(sandbox)
    new = await stable_token(sandbox, force=True)
    assert new != old
    for token in (old, new):
        answer = await sandbox.get("/cgi-bin/menu/delete", params={"access_token": token})
        assert answer.json()["errcode"] == 0


async def test_plain_token_endpoint_issues_a_token_per_call(sandbox: httpx.AsyncClient) -> None:
    params = {k: APP[k] for k in ("grant_type", "appid", "secret")}
    first = (await sandbox.get("/cgi-bin/token", params=params)).json()
    second = (await sandbox.get("/cgi-bin/token", params=params)).json()
    assert first["access_token"] != second["access_token"]
    assert first["expires_in"] == 7200


async def test_unknown_and_expired_tokens_are_refused(sandbox: httpx.AsyncClient) -> None:
    unknown = await sandbox.get("/cgi-bin/menu/get", params={"access_token": "nope"})
    assert unknown.json()["errcode"] == 40001

    token = await stable_token(sandbox)
    await sandbox.post("/_sandbox/tokens/expire")
    expired = await sandbox.get("/cgi-bin/menu/get", params={"access_token": token})
    assert expired.json()["errcode"] == 42001


async def test_template_send_dedupes_by_client_msg_id(sandbox: httpx.AsyncClient) -> None:
    params = {"access_token": await stable_token(sandbox)}
    body = {"touser": "o1", "template_id": "T", "client_msg_id": "c1", "data": {}}
    first = await sandbox.post("/cgi-bin/message/template/send", params=params, json=body)
    second = await sandbox.post("/cgi-bin/message/template/send", params=params, json=body)
    assert first.json()["msgid"] == second.json()["msgid"]
    sent = (await sandbox.get("/_sandbox/sent", params={"kind": "template"})).json()["items"]
    assert len(sent) == 1


async def test_fault_applies_to_the_next_n_calls_then_clears(sandbox: httpx.AsyncClient) -> None:
    fault = {"path": "/cgi-bin/stable_token", "errcode": 45009, "count": 2}
    assert (await sandbox.post("/_sandbox/faults", json=fault)).status_code == 200
    answers = [(await sandbox.post("/cgi-bin/stable_token", json=APP)).json() for _ in range(3)]
    assert [a.get("errcode") for a in answers[:2]] == [45009, 45009]
    assert "access_token" in answers[2]


async def test_issued_login_code_is_single_use(sandbox: httpx.AsyncClient) -> None:
    issued = await sandbox.post("/_sandbox/codes", json={"openid": "o-9", "kind": "oauth"})
    params = {**APP, "code": issued.json()["code"], "grant_type": "authorization_code"}
    first = (await sandbox.get("/sns/oauth2/access_token", params=params)).json()
    again = (await sandbox.get("/sns/oauth2/access_token", params=params)).json()
    assert first["openid"] == "o-9"
    assert again["errcode"] == 40163


async def test_code_of_the_other_kind_is_invalid(sandbox: httpx.AsyncClient) -> None:
    issued = await sandbox.post("/_sandbox/codes", json={"openid": "o-9", "kind": "oauth"})
    params = {**APP, "js_code": issued.json()["code"], "grant_type": "authorization_code"}
    answer = (await sandbox.get("/sns/jscode2session", params=params)).json()
    assert answer["errcode"] == 40029


async def test_reset_forgets_everything(sandbox: httpx.AsyncClient) -> None:
    params = {"access_token": await stable_token(sandbox)}
    body = {"touser": "o1", "msgtype": "text", "text": {"content": "hi"}}
    await sandbox.post("/cgi-bin/message/custom/send", params=params, json=body)

    await sandbox.post("/_sandbox/reset")

    assert (await sandbox.get("/_sandbox/sent", params={"kind": "custom"})).json()["items"] == []
    assert (await stats(sandbox))["tokens_issued"] == 0
    answer = await sandbox.get("/cgi-bin/menu/get", params=params)
    assert answer.json()["errcode"] == 40001


async def test_malformed_body_is_47001(sandbox: httpx.AsyncClient) -> None:
    answer = await sandbox.post("/cgi-bin/stable_token", content=b"not json")
    assert answer.json()["errcode"] == 47001


async def test_main_app_mounts_the_sandbox(client: httpx.AsyncClient) -> None:
    answer = await client.post("/sandbox/wechat/cgi-bin/stable_token", json=APP)
    assert answer.status_code == 200
    assert answer.json()["access_token"].startswith("sbx_")
