"""TencentFaceId through the real SDK against the sandbox: the verdict is read server-side."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.integration.test_tencent_sandbox import serve_tencent_sandbox
from wxbackend.config import TencentCloudSettings
from wxbackend.faceid import FaceReason, FaceVerificationUnavailable, Identity, TencentFaceId
from wxbackend.sandbox.tencent import TencentSandboxState

ZHANG_SAN = Identity(name="张三", id_no="310101199801011234")
REDIRECT = "https://gjj.example.gov.cn/sign/face-done?step=2"

Served = tuple[TencentSandboxState, TencentCloudSettings]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Served]:
    with serve_tencent_sandbox() as served:
        yield served


@pytest.fixture
def faceid(sandbox: Served) -> TencentFaceId:
    return TencentFaceId(sandbox[1])


async def _finish(url: str, outcome: str) -> str:
    """Does what the person does on the H5 page; returns where the browser goes next."""
    async with httpx.AsyncClient() as http:
        page = await http.get(url)
        assert page.status_code == 200
        assert "本人通过" in page.text
        assert "活体攻击" in page.text
        chosen = await http.post(url, data={"outcome": outcome})
    assert chosen.status_code == 303
    return chosen.headers["location"]


async def test_pass_on_the_face_page_passes(faceid: TencentFaceId) -> None:
    nonce = secrets.token_hex(16)
    session = await faceid.start(
        openid="o-1", identity=ZHANG_SAN, nonce=nonce, channel="h5", redirect_url=REDIRECT
    )
    assert session.provider == "tencent"
    assert session.url is not None

    location = await _finish(session.url, "pass")

    target = urlsplit(location)
    assert location.startswith("https://gjj.example.gov.cn/sign/face-done?")
    assert parse_qs(target.query) == {"step": ["2"], "token": [session.token]}
    result = await faceid.result(token=session.token, openid="o-1", identity=ZHANG_SAN, nonce=nonce)
    assert result.passed
    assert result.reason is FaceReason.PASSED
    assert result.provider_code == "0"
    assert result.similarity is not None
    assert result.similarity >= 70


async def test_result_before_the_check_is_not_finished(faceid: TencentFaceId) -> None:
    session = await faceid.start(openid="o-1", identity=ZHANG_SAN, nonce="n-1", channel="h5")
    result = await faceid.result(token=session.token, openid="o-1", identity=ZHANG_SAN, nonce="n-1")
    assert (result.passed, result.reason, result.provider_code) == (
        False,
        FaceReason.NOT_FINISHED,
        "17",
    )


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("fail", FaceReason.FACE_MISMATCH),
        # ErrCode 0, but for somebody else's name and ID number: refused all the same.
        ("other", FaceReason.IDENTITY_MISMATCH),
        ("spoof", FaceReason.LIVENESS_FAILED),
    ],
)
async def test_failed_checks_are_refused(
    sandbox: Served, faceid: TencentFaceId, outcome: str, reason: FaceReason
) -> None:
    state, _ = sandbox
    session = await faceid.start(
        openid="o-2", identity=ZHANG_SAN, nonce="n-2", channel="miniprogram"
    )
    assert session.url is None  # the mini-program hands the BizToken to the 慧眼 plug-in
    async with httpx.AsyncClient() as http:
        done = await http.post(
            f"{state.public_url}/_sandbox/face/{session.token}", json={"outcome": outcome}
        )
    assert done.status_code == 200

    result = await faceid.result(token=session.token, openid="o-2", identity=ZHANG_SAN, nonce="n-2")

    assert not result.passed
    assert result.reason is reason
    assert result.message  # Chinese, for the user


async def test_wrong_nonce_is_refused(sandbox: Served, faceid: TencentFaceId) -> None:
    state, _ = sandbox
    session = await faceid.start(openid="o-3", identity=ZHANG_SAN, nonce="issued", channel="h5")
    state.faces.complete(session.token, "pass")

    result = await faceid.result(
        token=session.token, openid="o-3", identity=ZHANG_SAN, nonce="another"
    )

    assert (result.passed, result.reason) == (False, FaceReason.NONCE_MISMATCH)


async def test_passed_check_of_another_identity_is_refused(
    sandbox: Served, faceid: TencentFaceId
) -> None:
    state, _ = sandbox
    session = await faceid.start(openid="o-4", identity=ZHANG_SAN, nonce="n-4", channel="h5")
    state.faces.complete(session.token, "pass")
    li_si = Identity(name="李四", id_no="110101199003070046")

    result = await faceid.result(token=session.token, openid="o-4", identity=li_si, nonce="n-4")

    assert (result.passed, result.reason) == (False, FaceReason.IDENTITY_MISMATCH)


async def test_unknown_token_is_refused(faceid: TencentFaceId) -> None:
    result = await faceid.result(token="NOT-A-TOKEN", openid="o", identity=ZHANG_SAN, nonce="n")
    assert (result.passed, result.provider_code) == (
        False,
        "InvalidParameterValue.BizTokenIllegal",
    )


async def test_expired_token_reads_as_expired(sandbox: Served, faceid: TencentFaceId) -> None:
    state, _ = sandbox
    session = await faceid.start(openid="o-5", identity=ZHANG_SAN, nonce="n-5", channel="h5")
    state.faces.checks[session.token].created_at -= 7201

    result = await faceid.result(token=session.token, openid="o-5", identity=ZHANG_SAN, nonce="n-5")

    assert (result.passed, result.reason, result.provider_code) == (
        False,
        FaceReason.EXPIRED,
        "15",
    )


async def test_bad_credentials_make_the_provider_unavailable(sandbox: Served) -> None:
    _, settings = sandbox
    wrong = settings.model_copy(update={"secret_key": settings.secret_key.__class__("wrong")})
    faceid = TencentFaceId(wrong)
    with pytest.raises(FaceVerificationUnavailable) as raised:
        await faceid.start(openid="o", identity=ZHANG_SAN, nonce="n", channel="h5")
    assert raised.value.detail == {"sdk_code": "AuthFailure.SignatureFailure"}
    assert faceid.costed_calls == 0
