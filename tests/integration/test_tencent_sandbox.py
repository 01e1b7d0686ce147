"""The Tencent Cloud sandbox, driven by the real tencentcloud SDK over real HTTP.

`serve_tencent_sandbox()` runs the sandbox in uvicorn on a free 127.0.0.1 port, mounted the
way the app mounts it (/sandbox/tencent), and yields settings whose endpoint points at it.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.faceid.v20180301 import faceid_client, models

from wxbackend import clock
from wxbackend.config import TencentCloudSettings
from wxbackend.sandbox.tencent import TencentSandboxState, tencent_sandbox_router
from wxbackend.tencent import build_sdk_client, tc3

SECRET_ID = "AKIDsandboxtest"
SECRET_KEY = "sandbox-test-secret-key"


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[int]:
    """`app` served by uvicorn in a daemon thread on a free 127.0.0.1 port; yields the port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_tencent_sandbox() -> Iterator[tuple[TencentSandboxState, TencentCloudSettings]]:
    """The sandbox mounted as the app mounts it; yields its state and settings aimed at it."""
    sandbox = FastAPI()
    app = FastAPI()
    app.mount("/sandbox", sandbox)
    with serve_in_thread(app) as port:
        endpoint = f"127.0.0.1:{port}/sandbox/tencent"
        state = TencentSandboxState(
            secret_id=SECRET_ID, secret_key=SECRET_KEY, public_url=f"http://{endpoint}"
        )
        sandbox.include_router(tencent_sandbox_router(state), prefix="/tencent")
        yield (
            state,
            TencentCloudSettings(
                secret_id=SecretStr(SECRET_ID),
                secret_key=SecretStr(SECRET_KEY),
                endpoint=endpoint,
                protocol="http",
                faceid_rule_id="1",
            ),
        )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[TencentSandboxState, TencentCloudSettings]]:
    with serve_tencent_sandbox() as served:
        yield served


def _check_card(settings: TencentCloudSettings, card: str, secret_key: str | None = None) -> Any:
    client = build_sdk_client(faceid_client.FaceidClient, settings, secret_key=secret_key)
    request = models.CheckBankCardInformationRequest()
    request.BankCard = card
    return client.CheckBankCardInformation(request)


def test_signed_request_is_accepted(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    response = _check_card(settings, "6217000010000000003")
    assert response.Result == "0"


def test_wrong_secret_key_fails_the_signature(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    with pytest.raises(TencentCloudSDKException) as raised:
        _check_card(settings, "6217000010000000003", secret_key="not-the-key")
    assert raised.value.get_code() == "AuthFailure.SignatureFailure"


def test_unknown_secret_id_is_refused(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    other = settings.model_copy(update={"secret_id": SecretStr("AKIDsomeoneelse")})
    with pytest.raises(TencentCloudSDKException) as raised:
        _check_card(other, "6217000010000000003")
    assert raised.value.get_code() == "AuthFailure.SecretIdNotFound"


def _signed_post(
    settings: TencentCloudSettings, *, action: str, params: dict[str, str], timestamp: int
) -> dict[str, object]:
    """A request signed by hand (not by the SDK), so its timestamp can be anything."""
    body = json.dumps(params).encode()
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    headers = {"content-type": "application/json", "host": settings.endpoint}
    signature = tc3.signature(
        secret_key=SECRET_KEY,
        method="POST",
        canonical_uri="/",
        query="",
        headers=headers,
        signed_headers=("content-type", "host"),
        body=body,
        timestamp=str(timestamp),
        date=date,
        service="faceid",
    )
    headers |= {
        "authorization": f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{date}/faceid/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}",
        "x-tc-action": action,
        "x-tc-timestamp": str(timestamp),
        "x-tc-version": "2018-03-01",
    }
    answer = httpx.post(f"http://{settings.endpoint}", content=body, headers=headers)
    assert answer.status_code == 200
    response: dict[str, object] = answer.json()["Response"]
    return response


def test_hand_signed_request_matches_the_sdk_scheme(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    params = {"BankCard": "6222021234567890128"}
    response = _signed_post(
        settings, action="CheckBankCardInformation", params=params, timestamp=int(clock.timestamp())
    )
    assert response["AccountBank"] == "中国工商银行"


def test_stale_timestamp_is_refused(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    params = {"BankCard": "6222021234567890128"}
    stale = int(clock.timestamp()) - 301
    response = _signed_post(
        settings, action="CheckBankCardInformation", params=params, timestamp=stale
    )
    assert response["Error"] == {
        "Code": "AuthFailure.SignatureExpire",
        "Message": "签名过期，请检查本地时间。",
    }


def test_tampered_body_fails_the_signature(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    timestamp = int(clock.timestamp())
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    signed = json.dumps({"BankCard": "6222021234567890128"}).encode()
    headers = {"content-type": "application/json", "host": settings.endpoint}
    signature = tc3.signature(
        secret_key=SECRET_KEY, method="POST", canonical_uri="/", query="", headers=headers,
        signed_headers=("content-type", "host"), body=signed, timestamp=str(timestamp),
        date=date, service="faceid",
    )  # fmt: skip
    headers |= {
        "authorization": f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{date}/faceid/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}",
        "x-tc-action": "CheckBankCardInformation",
        "x-tc-timestamp": str(timestamp),
        "x-tc-version": "2018-03-01",
    }
    sent = json.dumps({"BankCard": "6222101234567890121"}).encode()
    answer = httpx.post(f"http://{settings.endpoint}", content=sent, headers=headers)
    assert answer.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize(
    ("card", "result", "account_type"),
    [
        ("6217000010000000003", "0", 1),  # CCB debit
        ("6222101234567890121", "0", 2),  # ICBC credit range 622210-622215
        ("6217000010000000004", "-3", None),  # fails the Luhn check
        ("6200001234567890128", "-1", None),  # BIN not in the table
    ],
)
def test_bank_card_type_comes_from_the_bin(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
    card: str,
    result: str,
    account_type: int | None,
) -> None:
    _, settings = sandbox
    response = _check_card(settings, card)
    assert (response.Result, response.AccountType) == (result, account_type)


def test_bank_card_4e_reports_listed_cards_as_mismatched(
    sandbox: tuple[TencentSandboxState, TencentCloudSettings],
) -> None:
    _, settings = sandbox
    client = build_sdk_client(faceid_client.FaceidClient, settings)

    def verify(card: str) -> str:
        request = models.BankCard4EVerificationRequest()
        request.Name, request.IdCard, request.Phone = "张三", "310101199801011234", "13800138000"
        request.BankCard = card
        return str(client.BankCard4EVerification(request).Result)

    assert verify("6222021234567890128") == "0"
    assert verify("6217000010000000003") == "-1"
