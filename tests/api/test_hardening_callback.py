"""Callback paths around the signatures: a URL check's signature, compatible-mode fields."""

from __future__ import annotations

import httpx
import pytest

from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings

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
