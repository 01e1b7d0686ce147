"""The callback endpoint through the whole app: verification, modes, refusals, replies."""

from __future__ import annotations

import httpx
import pytest

from wxbackend import clock
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SignedCallback, SimulatedUser
from wxbackend.config import Settings
from wxbackend.content import load_content

URL = "/wechat/callback"


@pytest.fixture
def user(settings: Settings) -> SimulatedUser:
    return SimulatedUser(callback_crypto(settings), openid="o-api-user-1")


@pytest.fixture
def texts(settings: Settings) -> dict[str, str]:
    return dict(load_content(public_base_url=settings.server.public_base_url).texts)


async def post(client: httpx.AsyncClient, signed: SignedCallback) -> httpx.Response:
    return await client.post(URL, params=signed.params, content=signed.body)


async def test_url_verification_echoes_echostr(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    params = user.sign("", mode="plain").params | {"echostr": "echo-12345"}
    response = await client.get(URL, params=params)
    assert response.status_code == 200
    assert response.text == "echo-12345"


async def test_url_verification_refuses_a_bad_signature(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    params = user.sign("", mode="plain").params | {"echostr": "echo-12345", "nonce": "other"}
    response = await client.get(URL, params=params)
    assert response.status_code == 403
    assert "echo-12345" not in response.text


@pytest.mark.parametrize("mode", ["plain", "compatible", "safe"])
async def test_each_mode_answers_a_text_message(
    client: httpx.AsyncClient, user: SimulatedUser, texts: dict[str, str], mode: str
) -> None:
    response = await post(client, user.sign(user.text("帮助"), mode=mode))  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    # A request carrying Encrypt (compatible or safe mode) is answered encrypted.
    encrypted = "<Encrypt>" in response.text
    assert encrypted == (mode != "plain")
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.text == texts["help"]
    assert reply.fields["ToUserName"] == "o-api-user-1"


async def test_wrong_signature_and_wrong_msg_signature_are_told_apart(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    signed = user.sign(user.text("帮助"), mode="safe")
    bad_signature = SignedCallback(signed.params | {"signature": "0" * 40}, signed.body)
    response = await post(client, bad_signature)
    assert (response.status_code, response.json()["code"]) == (403, "wechat_bad_signature")

    signed = user.sign(user.text("帮助"), mode="safe")
    bad_msg_signature = SignedCallback(signed.params | {"msg_signature": "0" * 40}, signed.body)
    response = await post(client, bad_msg_signature)
    assert (response.status_code, response.json()["code"]) == (403, "wechat_bad_msg_signature")


async def test_stale_timestamp_is_refused(client: httpx.AsyncClient, user: SimulatedUser) -> None:
    old = str(int(clock.timestamp()) - 3600)
    response = await post(client, user.sign(user.text("帮助"), mode="safe", timestamp=old))
    assert (response.status_code, response.json()["code"]) == (403, "wechat_stale_timestamp")


async def test_reused_nonce_with_another_body_is_refused(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    first = user.sign(user.text("帮助"), mode="plain", nonce="fixed-nonce-1")
    assert (await post(client, first)).status_code == 200
    forged = user.sign(
        user.text("余额"), mode="plain", nonce="fixed-nonce-1", timestamp=first.params["timestamp"]
    )
    response = await post(client, forged)
    assert (response.status_code, response.json()["code"]) == (403, "wechat_replayed_nonce")


async def test_identical_resend_gets_the_same_reply(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    signed = user.sign(user.text("帮助"), mode="plain")
    first, again = await post(client, signed), await post(client, signed)
    assert again.status_code == 200
    assert again.text == first.text


async def test_oversized_body_is_refused_with_413(
    client: httpx.AsyncClient, user: SimulatedUser, settings: Settings
) -> None:
    huge = user.text("公" * settings.wechat.oa.max_body_bytes)
    response = await post(client, user.sign(huge, mode="plain"))
    assert response.status_code == 413


BILLION_LAUGHS = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>"""
XXE = """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&e;</Content><MsgId>2</MsgId></xml>"""
MISSING_FROM = (
    "<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>x</Content><MsgId>3</MsgId></xml>"
)


@pytest.mark.parametrize("mode", ["plain", "safe"])
@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE, MISSING_FROM, "<xml><A>1</A>", "garbage"])
async def test_hostile_or_malformed_xml_is_a_400(
    client: httpx.AsyncClient, user: SimulatedUser, xml: str, mode: str
) -> None:
    response = await post(client, user.sign(xml, mode=mode))  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.json()["code"] == "wechat_malformed_message"


async def test_safe_envelope_without_encrypt_or_with_garbage_is_a_400(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    signed = user.sign(user.text("帮助"), mode="safe")
    no_encrypt = SignedCallback(signed.params, b"<xml><ToUserName>gh</ToUserName></xml>")
    assert (await post(client, no_encrypt)).status_code == 400
    garbage = "<xml><Encrypt>AAAA</Encrypt></xml>"
    params = signed.params | {
        "msg_signature": user.crypto.msg_signature(
            signed.params["timestamp"], signed.params["nonce"], "AAAA"
        )
    }
    assert (await post(client, SignedCallback(params, garbage.encode()))).status_code == 400


async def test_message_for_another_app_id_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    oa = settings.wechat.oa
    from wxbackend.callback.crypto import CallbackCrypto

    other = CallbackCrypto(
        token=oa.token.get_secret_value(),
        encoding_aes_key=oa.encoding_aes_key.get_secret_value(),
        app_id="wxanotheraccount1",
    )
    stranger = SimulatedUser(other, openid="o-api-user-2")
    response = await post(client, stranger.sign(stranger.text("帮助"), mode="safe"))
    assert (response.status_code, response.json()["code"]) == (403, "wechat_wrong_app_id")


async def test_unknown_message_type_gets_the_default_reply(
    client: httpx.AsyncClient, user: SimulatedUser, texts: dict[str, str]
) -> None:
    response = await post(client, user.sign(user.message("hologram"), mode="safe"))
    reply = user.read_reply(response.content)
    assert reply is not None
    assert reply.text.startswith(texts["default"])


async def test_events_without_reply_answer_success(
    client: httpx.AsyncClient, user: SimulatedUser
) -> None:
    xml = user.event("LOCATION", Latitude="32.2", Longitude="119.4", Precision="30")
    response = await post(client, user.sign(xml, mode="safe"))
    assert (response.status_code, response.text) == (200, "success")


async def test_other_methods_are_not_allowed(client: httpx.AsyncClient) -> None:
    response = await client.put(URL, content=b"<xml/>")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
