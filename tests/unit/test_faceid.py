"""Face verification rules without I/O: cert_hash, verdicts, the fake, the factory."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any, TypeVar

import httpx
import pytest
import requests
from requests import PreparedRequest
from requests.adapters import BaseAdapter

from wxbackend.config import Settings
from wxbackend.faceid import (
    FaceReason,
    FaceVerificationUnavailable,
    Identity,
    TencentFaceId,
    WeChatFaceVerify,
    build_face_verifiers,
    cert_hash,
)
from wxbackend.faceid.fakes import FakeFaceVerifier
from wxbackend.wechat.gateway import WeChatApiError
from wxbackend.wechat.transport import WeChatHttp

T = TypeVar("T")
ZHANG_SAN = Identity(name="张三", id_no="310101199801011234")


def test_cert_hash_matches_the_documented_example() -> None:
    assert (
        cert_hash(ZHANG_SAN) == "3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b"
    )


def test_identity_never_shows_the_full_id_number() -> None:
    assert "310101199801011234" not in repr(ZHANG_SAN)
    assert "张三" not in str(ZHANG_SAN)


def test_identity_matches_ignoring_case_of_x_and_spaces() -> None:
    person = Identity(name="王五", id_no="11010119900307004x")
    assert person.matches(name=" 王五", id_no="11010119900307004X")
    assert not person.matches(name="王六", id_no="11010119900307004X")
    assert not person.matches(name=None, id_no=None)


def _text(**fields: Any) -> SimpleNamespace:
    base = {
        "ErrCode": 0,
        "Name": "张三",
        "IdCard": "310101199801011234",
        "Extra": "n-1",
        "Sim": "93.5",
    }
    return SimpleNamespace(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({}, FaceReason.PASSED),
        ({"ErrCode": None}, FaceReason.NOT_FINISHED),
        ({"ErrCode": 17}, FaceReason.NOT_FINISHED),
        ({"ErrCode": 15}, FaceReason.EXPIRED),
        ({"ErrCode": 1002}, FaceReason.LIVENESS_FAILED),
        ({"ErrCode": 2016}, FaceReason.FACE_MISMATCH),
        ({"ErrCode": 2006}, FaceReason.IDENTITY_MISMATCH),
        ({"ErrCode": 4}, FaceReason.REJECTED),
        ({"IdCard": "110101199003070046"}, FaceReason.IDENTITY_MISMATCH),
        ({"Name": "李四"}, FaceReason.IDENTITY_MISMATCH),
        ({"Extra": "n-2"}, FaceReason.NONCE_MISMATCH),
        ({"Extra": None}, FaceReason.NONCE_MISMATCH),
    ],
)
def test_tencent_verdict(fields: dict[str, Any], reason: FaceReason) -> None:
    result = TencentFaceId._verdict(_text(**fields), identity=ZHANG_SAN, nonce="n-1")
    assert result.reason is reason
    assert result.passed is (reason is FaceReason.PASSED)
    assert result.message


class _Tokens:
    """Hands out one token; retries once on a token errcode, like AccessTokenBroker."""

    def __init__(self) -> None:
        self.tokens = ["stale", "fresh"]

    async def call(self, request: Callable[[str], Awaitable[T]]) -> T:
        try:
            return await request(self.tokens[0])
        except WeChatApiError as exc:
            if exc.errcode != 40001:
                raise
            self.tokens.pop(0)
        return await request(self.tokens[0])


class _Network(BaseAdapter):
    """WeChat's side of the wire for WeChatHttp: an httpx-style handler answers each call."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        super().__init__()
        self._handler = handler

    def send(self, request: PreparedRequest, **kwargs: Any) -> requests.Response:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        try:
            answer = self._handler(
                httpx.Request(request.method or "GET", request.url or "", content=body or b"")
            )
        except httpx.TransportError as exc:
            raise requests.ConnectionError(str(exc)) from exc
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(answer.headers)
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


def _wechat(handler: Callable[[httpx.Request], httpx.Response]) -> WeChatFaceVerify:
    http = WeChatHttp(
        app_id="wxm1n1pr0gram0001",
        base_url="https://wx.test",
        timeout_s=5,
        adapter=_Network(handler),
    )
    return WeChatFaceVerify(tokens=_Tokens(), http=http)


async def test_wechat_sends_the_certificate_and_retries_a_stale_token() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.params["access_token"], json.loads(request.content)))
        if request.url.params["access_token"] == "stale":
            return httpx.Response(200, json={"errcode": 40001, "errmsg": "invalid credential"})
        return httpx.Response(200, json={"errcode": 0, "verify_id": "v-1", "expires_in": 3600})

    session = await _wechat(handler).start(
        openid="o-1", identity=ZHANG_SAN, nonce="seq-1", channel="miniprogram"
    )

    assert session.token == "v-1"
    assert [token for token, _ in seen] == ["stale", "fresh"]
    assert seen[-1][1] == {
        "out_seq_no": "seq-1",
        "cert_info": {
            "cert_type": "IDENTITY_CARD",
            "cert_name": "张三",
            "cert_no": ZHANG_SAN.id_no,
        },
        "openid": "o-1",
    }


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"errcode": 0, "verify_ret": 10000}, FaceReason.PASSED),
        ({"errcode": 0, "verify_ret": 10003}, FaceReason.IDENTITY_MISMATCH),
        ({"errcode": 0, "verify_ret": 10004}, FaceReason.FACE_MISMATCH),
        ({"errcode": 0, "verify_ret": 90002}, FaceReason.NOT_FINISHED),
        ({"errcode": 0}, FaceReason.REJECTED),
        ({"errcode": 40097, "verify_ret": 10000}, FaceReason.REJECTED),
    ],
)
async def test_wechat_passes_only_on_errcode_0_and_10000(
    answer: dict[str, Any], reason: FaceReason
) -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=answer)

    result = await _wechat(handler).result(
        token="v-1", openid="o-1", identity=ZHANG_SAN, nonce="seq-1"
    )

    assert result.reason is reason
    assert bodies[0]["cert_hash"] == cert_hash(ZHANG_SAN)


async def test_wechat_unreachable_is_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FaceVerificationUnavailable):
        await _wechat(handler).result(token="v", openid="o", identity=ZHANG_SAN, nonce="n")


async def test_fake_follows_the_same_rules() -> None:
    faces = FakeFaceVerifier()
    faces.set_outcome("110101199003070046", FaceReason.FACE_MISMATCH)
    session = await faces.start(openid="o", identity=ZHANG_SAN, nonce="n", channel="h5")

    early = await faces.result(token=session.token, openid="o", identity=ZHANG_SAN, nonce="n")
    faces.complete(session.token)
    wrong_nonce = await faces.result(token=session.token, openid="o", identity=ZHANG_SAN, nonce="x")
    passed = await faces.result(token=session.token, openid="o", identity=ZHANG_SAN, nonce="n")

    assert early.reason is FaceReason.NOT_FINISHED
    assert wrong_nonce.reason is FaceReason.NONCE_MISMATCH
    assert passed.passed
    assert faces.costed_calls == 1


async def test_fake_outcome_per_identity() -> None:
    faces = FakeFaceVerifier()
    li_si = Identity(name="李四", id_no="110101199003070046")
    faces.set_outcome(li_si.id_no, FaceReason.LIVENESS_FAILED)
    session = await faces.start(openid="o", identity=li_si, nonce="n", channel="miniprogram")
    faces.complete(session.token)

    result = await faces.result(token=session.token, openid="o", identity=li_si, nonce="n")

    assert (result.passed, result.reason) == (False, FaceReason.LIVENESS_FAILED)


def test_factory_maps_channels_to_providers() -> None:
    settings = Settings()
    default = build_face_verifiers(settings)
    assert {channel: v.provider for channel, v in default.items()} == {
        "h5": "tencent",
        "miniprogram": "tencent",
    }
    mixed = build_face_verifiers(
        settings, miniprogram_provider="wechat", miniprogram_tokens=_Tokens()
    )
    assert mixed["miniprogram"].provider == "wechat"
    with pytest.raises(ValueError, match="token broker"):
        build_face_verifiers(settings, miniprogram_provider="wechat")
