"""HttpBank against the sandbox bank, served by a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import structlog
from pydantic import SecretStr

from tests.sandbox_server import SandboxServer
from wxbackend import clock
from wxbackend.clock import today_in_china
from wxbackend.config import Settings
from wxbackend.withdraw.bank import BankAnswer, BankStatus, BankUnreachable, PaymentOrder
from wxbackend.withdraw.bank_http import (
    BankAuthRejected,
    BankUntrustedAnswer,
    HttpBank,
    signature,
)

TYPE1 = "6222020000000001234"
CLIENT_TIMEOUT_S = 0.5


def order(n: int, amount: int = 123_45, card_no: str = TYPE1) -> PaymentOrder:
    return PaymentOrder(f"WD{n:012d}", card_no, "张三丰", "ICBC", amount)


@pytest.fixture
async def bank(sandbox_settings: Settings) -> AsyncIterator[HttpBank]:
    settings = sandbox_settings.bank.model_copy(update={"timeout_s": CLIENT_TIMEOUT_S})
    client = HttpBank(settings)
    yield client
    await client.aclose()


async def control(
    server: SandboxServer,
    method: str,
    path: str,
    body: object = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """A call the test makes itself: the sandbox's controls, or a hand-made request."""
    async with httpx.AsyncClient(base_url=server.bank_url) as client:
        if isinstance(body, bytes):
            return await client.request(method, path, content=body, headers=headers)
        return await client.request(method, path, json=body, headers=headers)


async def fault(server: SandboxServer, **body: object) -> None:
    (await control(server, "POST", "/_sandbox/faults", body)).raise_for_status()


async def test_pay_then_query_paid(bank: HttpBank, wechat_sandbox: SandboxServer) -> None:
    assert await bank.pay(order(1)) == BankAnswer(BankStatus.PAID, "", "入账成功")
    assert (await bank.query("WD000000000001")).status is BankStatus.PAID
    listed = (await control(wechat_sandbox, "GET", "/_sandbox/payments")).json()["items"]
    assert [(p["reference"], p["amount"], p["card_no"]) for p in listed] == [
        ("WD000000000001", 123_45, "622202*********1234")
    ]
    assert listed[0]["holder_name"] == "张**"


async def test_query_unknown_reference_is_not_found(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    assert (await bank.query("WD000000000404")).status is BankStatus.NOT_FOUND


async def test_pay_is_idempotent_by_reference(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    first = await bank.pay(order(1, 100_00))
    again = await bank.pay(order(1, 999_00))
    assert first == again
    booked = wechat_sandbox.bank.payments["WD000000000001"]
    assert (len(wechat_sandbox.bank.payments), booked.amount, booked.requests) == (1, 100_00, 2)


async def test_wrong_api_key_is_refused(
    sandbox_settings: Settings, wechat_sandbox: SandboxServer
) -> None:
    settings = sandbox_settings.bank.model_copy(update={"api_key": SecretStr("not-the-key")})
    intruder = HttpBank(settings)
    try:
        with pytest.raises(BankAuthRejected):
            await intruder.pay(order(1))
    finally:
        await intruder.aclose()
    assert wechat_sandbox.bank.payments == {}


def signed_headers(
    server: SandboxServer, method: str, path: str, body: bytes, key: str
) -> dict[str, str]:
    timestamp, nonce = str(int(clock.timestamp())), "nonce-" + str(time.monotonic_ns())
    full_path = httpx.URL(server.bank_url + path).path
    return {
        "Content-Type": "application/json",
        "X-Merchant-Id": "GJJ0001",
        "X-Timestamp": timestamp,
        "X-Nonce": nonce,
        "X-Signature": signature(
            key, head=method, path=full_path, timestamp=timestamp, nonce=nonce, body=body
        ),
    }


PAYMENT_BODY = json.dumps(
    {
        "merchant_id": "GJJ0001",
        "reference": "WD1",
        "card_no": TYPE1,
        "holder_name": "张三",
        "bank_code": "ICBC",
        "amount": 1,
    }
).encode()


async def test_badly_signed_request_is_refused(
    wechat_sandbox: SandboxServer, sandbox_settings: Settings
) -> None:
    headers = signed_headers(wechat_sandbox, "POST", "/payments", PAYMENT_BODY, "another-key")
    response = await control(wechat_sandbox, "POST", "/payments", PAYMENT_BODY, headers)
    assert (response.status_code, response.json()["code"]) == (401, "BAD_SIGNATURE")
    tampered = PAYMENT_BODY.replace(b'"amount": 1', b'"amount": 1000')
    key = sandbox_settings.bank.api_key.get_secret_value()
    headers = signed_headers(wechat_sandbox, "POST", "/payments", PAYMENT_BODY, key)
    response = await control(wechat_sandbox, "POST", "/payments", tampered, headers)
    assert (response.status_code, response.json()["code"]) == (401, "BAD_SIGNATURE")
    assert wechat_sandbox.bank.payments == {}


async def test_replayed_request_is_refused(
    wechat_sandbox: SandboxServer, sandbox_settings: Settings
) -> None:
    key = sandbox_settings.bank.api_key.get_secret_value()
    headers = signed_headers(wechat_sandbox, "POST", "/payments", PAYMENT_BODY, key)
    first = await control(wechat_sandbox, "POST", "/payments", PAYMENT_BODY, headers)
    replay = await control(wechat_sandbox, "POST", "/payments", PAYMENT_BODY, headers)
    assert first.status_code == 200
    assert (replay.status_code, replay.json()["code"]) == (401, "NONCE_REUSED")
    assert wechat_sandbox.bank.payments["WD1"].requests == 1


async def test_badly_signed_answer_is_an_unknown_outcome(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    await fault(wechat_sandbox, kind="bad_signature", reference="WD000000000001")
    with pytest.raises(BankUntrustedAnswer):
        await bank.pay(order(1))
    # It was booked all the same: only a query we can verify tells us so.
    assert (await bank.query("WD000000000001")).status is BankStatus.PAID
    await fault(wechat_sandbox, kind="bad_signature", op="query")
    with pytest.raises(BankUntrustedAnswer):
        await bank.query("WD000000000002")  # an unverifiable "not found" must not count


async def test_answer_from_another_key_is_untrusted(
    sandbox_settings: Settings, wechat_sandbox: SandboxServer
) -> None:
    # The bank signs with its merchant key; a client holding another key cannot trust it.
    wechat_sandbox.bank.api_key = "rotated-key"
    try:
        client = HttpBank(sandbox_settings.bank)
        with pytest.raises(BankUnreachable):
            await client.query("WD000000000001")
        await client.aclose()
    finally:
        wechat_sandbox.bank.api_key = sandbox_settings.bank.api_key.get_secret_value()


async def test_timeout_but_booked_then_query_says_paid(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    await fault(wechat_sandbox, kind="timeout", reference="WD000000000001", delay_s=2.0)
    started = time.monotonic()
    with pytest.raises(BankUnreachable):
        await bank.pay(order(1))
    # Gave up on its own timeout instead of waiting for the late answer (2 s).
    assert time.monotonic() - started < 2.0
    first = await bank.query("WD000000000001")
    second = await bank.query("WD000000000001")  # the bank "answers twice": same answer
    assert first.status is second.status is BankStatus.PAID
    assert wechat_sandbox.bank.payments["WD000000000001"].requests == 1


async def test_dropped_before_booking_is_not_found(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    await fault(wechat_sandbox, kind="drop_before_booking", delay_s=1.0)
    with pytest.raises(BankUnreachable):
        await bank.pay(order(1))
    assert (await bank.query("WD000000000001")).status is BankStatus.NOT_FOUND
    assert (await bank.pay(order(1))).status is BankStatus.PAID


@pytest.mark.parametrize("kind", ["timeout", "drop_before_booking"])
async def test_the_controls_show_a_held_answer_until_it_is_sent(
    bank: HttpBank, wechat_sandbox: SandboxServer, kind: str
) -> None:
    await fault(wechat_sandbox, kind=kind, reference="WD000000000001", delay_s=1.0)
    await fault(wechat_sandbox, kind="unavailable", op="query")
    with pytest.raises(BankUnreachable):
        await bank.pay(order(1))  # gave up after 0.5 s; the bank holds the answer 0.5 s more
    shown = (await control(wechat_sandbox, "GET", "/_sandbox/faults")).json()
    assert shown["holding"] == [{"reference": "WD000000000001", "kind": kind}]
    assert shown["queued"] == [
        {"kind": "unavailable", "op": "query", "reference": None, "delay_s": 5.0}
    ]
    booked = (await control(wechat_sandbox, "GET", "/_sandbox/payments")).json()["items"]
    assert len(booked) == (1 if kind == "timeout" else 0)  # booked before the hold, or not
    for _ in range(40):
        shown = (await control(wechat_sandbox, "GET", "/_sandbox/faults")).json()
        if not shown["holding"]:
            break
        await asyncio.sleep(0.05)
    assert shown["holding"] == []


async def test_server_error_is_unreachable(bank: HttpBank, wechat_sandbox: SandboxServer) -> None:
    await fault(wechat_sandbox, kind="unavailable")
    with pytest.raises(BankUnreachable):
        await bank.pay(order(1))
    await fault(wechat_sandbox, kind="unavailable", op="query")
    with pytest.raises(BankUnreachable):
        await bank.query("WD000000000001")
    assert wechat_sandbox.bank.payments == {}


async def test_connection_refused_is_unreachable(sandbox_settings: Settings) -> None:
    settings = sandbox_settings.bank.model_copy(update={"base_url": "http://127.0.0.1:9/bank"})
    client = HttpBank(settings)
    with pytest.raises(BankUnreachable):
        await client.query("WD000000000001")
    await client.aclose()


async def test_type2_card_refused_over_the_daily_limit(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    type2 = "6217000000000002222"
    assert (await bank.pay(order(1, 600_000, type2))).status is BankStatus.PAID
    refused = await bank.pay(order(2, 400_001, type2))
    assert (refused.status, refused.code) == (BankStatus.REJECTED_TYPE2, "E2001")
    assert (await bank.query("WD000000000002")).status is BankStatus.REJECTED_TYPE2


async def test_type2_set_through_the_control_endpoint(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    body = {"card_no": TYPE1, "kind": "type2"}
    response = await control(wechat_sandbox, "POST", "/_sandbox/cards", body)
    assert response.json() == {"card_no": "622202*********1234", "kind": "type2"}
    assert (await bank.pay(order(1, 1_000_001))).status is BankStatus.REJECTED_TYPE2


async def test_closed_card_fails(bank: HttpBank, wechat_sandbox: SandboxServer) -> None:
    answer = await bank.pay(order(1, card_no="6222020000000000000"))
    assert answer == BankAnswer(BankStatus.FAILED, "E1001", "收款账户已销户")


async def test_pending_then_settled(bank: HttpBank, wechat_sandbox: SandboxServer) -> None:
    await fault(wechat_sandbox, kind="pending")
    assert (await bank.pay(order(1))).status is BankStatus.PENDING
    assert (await bank.statement(today_in_china())) == []
    await control(wechat_sandbox, "POST", "/_sandbox/settle", {"reference": "WD000000000001"})
    assert (await bank.query("WD000000000001")).status is BankStatus.PAID


async def test_statement_lists_the_days_outcomes(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    await bank.pay(order(1, 100_00))
    await bank.pay(order(2, 200_00, card_no="6222020000000000000"))
    entries = await bank.statement(today_in_china())
    assert {(e.reference, e.amount, e.status) for e in entries} == {
        ("WD000000000001", 100_00, BankStatus.PAID),
        ("WD000000000002", 200_00, BankStatus.FAILED),
    }
    assert all(e.booked_at.tzinfo is not None for e in entries)
    assert await bank.statement(today_in_china().replace(year=2001)) == []


async def test_card_numbers_and_names_are_never_logged(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    await fault(wechat_sandbox, kind="unavailable")
    with structlog.testing.capture_logs() as logged:
        with pytest.raises(BankUnreachable):
            await bank.pay(order(1))
        await bank.pay(order(2))
    assert logged
    assert TYPE1 not in repr(logged)
    assert "张三丰" not in repr(logged)


async def test_a_signed_refusal_of_the_order_is_final(
    bank: HttpBank, wechat_sandbox: SandboxServer
) -> None:
    # The bank answers 400, signed: it booked nothing and never will for this order.
    answer = await bank.pay(order(9001, amount=0))
    assert answer.status is BankStatus.FAILED
    assert answer.code == "INVALID_REQUEST"
