"""WeChatFaceVerify against the WeChat sandbox, tokens from the real AccessTokenBroker."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_tencent_sandbox import serve_in_thread
from wxbackend.faceid import (
    FaceChannelUnsupported,
    FaceReason,
    FaceResult,
    Identity,
    WeChatFaceVerify,
)
from wxbackend.sandbox.wechat import WeChatSandboxState, create_wechat_sandbox
from wxbackend.store import Store
from wxbackend.wechat.tokens import AccessTokenBroker
from wxbackend.wechat.transport import WeChatHttp

ZHANG_SAN = Identity(name="张三", id_no="310101199801011234")
APP_ID = "wxm1n1pr0gram0001"


@pytest.fixture(scope="module")
def wechat() -> Iterator[tuple[WeChatSandboxState, str]]:
    """The WeChat sandbox with the face 2.0 router, as the app wires it; yields its base URL."""
    state = WeChatSandboxState()

    sandbox = create_wechat_sandbox(state)  # the face 2.0 endpoints come with it
    with serve_in_thread(sandbox) as port:
        yield state, f"http://127.0.0.1:{port}"


@pytest.fixture
def faces(wechat: tuple[WeChatSandboxState, str], store: Store) -> WeChatFaceVerify:
    _, base_url = wechat
    http = WeChatHttp(app_id=APP_ID, base_url=base_url, timeout_s=5)
    tokens = AccessTokenBroker(store=store, http=http, app_id=APP_ID, app_secret="mp-secret")
    return WeChatFaceVerify(tokens=tokens, http=http)


async def _check(
    faces: WeChatFaceVerify, base_url: str, outcome: str | None, **result_args: str
) -> FaceResult:
    session = await faces.start(
        openid="o-mini", identity=ZHANG_SAN, nonce="seq-1", channel="miniprogram"
    )
    assert session.provider == "wechat"
    assert session.url is None
    if outcome is not None:
        async with httpx.AsyncClient() as http:
            done = await http.post(
                f"{base_url}/_sandbox/face/{session.token}", json={"outcome": outcome}
            )
        assert done.status_code == 200
    args = {"openid": "o-mini", "nonce": "seq-1", **result_args}
    return await faces.result(token=session.token, identity=ZHANG_SAN, **args)


async def test_pass_passes(faces: WeChatFaceVerify, wechat: tuple[WeChatSandboxState, str]) -> None:
    result = await _check(faces, wechat[1], "pass")
    assert (result.passed, result.reason, result.provider_code) == (
        True,
        FaceReason.PASSED,
        "verify_ret=10000",
    )


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        ("fail", FaceReason.FACE_MISMATCH),
        ("other", FaceReason.FACE_MISMATCH),
        ("cancel", FaceReason.NOT_FINISHED),
        (None, FaceReason.NOT_FINISHED),
    ],
)
async def test_anything_but_10000_is_refused(
    faces: WeChatFaceVerify,
    wechat: tuple[WeChatSandboxState, str],
    outcome: str | None,
    reason: FaceReason,
) -> None:
    result = await _check(faces, wechat[1], outcome)
    assert (result.passed, result.reason) == (False, reason)


async def test_cert_hash_of_another_identity_is_refused(
    faces: WeChatFaceVerify, wechat: tuple[WeChatSandboxState, str]
) -> None:
    _, base_url = wechat
    session = await faces.start(
        openid="o-mini", identity=ZHANG_SAN, nonce="seq-2", channel="miniprogram"
    )
    async with httpx.AsyncClient() as http:
        await http.post(f"{base_url}/_sandbox/face/{session.token}", json={"outcome": "pass"})
    li_si = Identity(name="李四", id_no="110101199003070046")

    result = await faces.result(token=session.token, openid="o-mini", identity=li_si, nonce="seq-2")

    assert (result.passed, result.provider_code) == (False, "verify_ret=10001")


async def test_other_nonce_is_refused(
    faces: WeChatFaceVerify, wechat: tuple[WeChatSandboxState, str]
) -> None:
    result = await _check(faces, wechat[1], "pass", nonce="seq-other")
    assert (result.passed, result.provider_code) == (False, "verify_ret=10001")


async def test_other_openid_is_refused(
    faces: WeChatFaceVerify, wechat: tuple[WeChatSandboxState, str]
) -> None:
    result = await _check(faces, wechat[1], "pass", openid="o-someone-else")
    assert (result.passed, result.provider_code) == (False, "errcode=40003")


async def test_expired_access_token_is_refreshed_once(
    faces: WeChatFaceVerify, wechat: tuple[WeChatSandboxState, str]
) -> None:
    state, base_url = wechat
    await faces.start(openid="o-mini", identity=ZHANG_SAN, nonce="seq-3", channel="miniprogram")
    issued = state.tokens_issued
    state.expire_tokens()

    result = await _check(faces, base_url, "pass")

    assert result.passed
    assert state.tokens_issued == issued + 1


async def test_h5_is_not_offered(faces: WeChatFaceVerify) -> None:
    with pytest.raises(FaceChannelUnsupported):
        await faces.start(openid="o", identity=ZHANG_SAN, nonce="n", channel="h5")
