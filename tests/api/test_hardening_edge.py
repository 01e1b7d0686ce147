"""The edge, from outside: body caps, 500/503 answers with request ids, proxy trust,
security headers, Retry-After, API docs, request ids in logs."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.api.edge_app import app_client, fake_gateways, free_port, with_settings
from tests.api.signing_world import World
from tests.api.test_h5_pages import bound_person_with_card, csrf_of
from wxbackend.config import Settings
from wxbackend.store import RedisStore, Store
from wxbackend.wechat.fakes import FakeMiniProgram
from wxbackend.wechat.gateway import MiniProgramSession


class BrokenMiniProgram(FakeMiniProgram):
    """A gateway with a bug in it: every login raises."""

    async def code_to_session(self, js_code: str) -> MiniProgramSession:
        raise RuntimeError("bug")


async def test_large_json_body_is_refused_before_it_is_read(world: World) -> None:
    # Finding 7: a 100 MB JSON body to an unauthenticated endpoint was read in full.
    consumed = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal consumed
        for _ in range(100):
            consumed += 1
            yield b" " * (1024 * 1024)

    response = await world.client.post(
        "/api/mp/session", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert consumed <= 2


async def test_declared_large_upload_is_refused_unread_before_auth(world: World) -> None:
    response = await world.client.post(
        "/api/withdrawals/1/documents",
        content=b"x" * 1024,
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(100 * 1024 * 1024),
        },
    )
    assert response.status_code == 413


async def test_streamed_upload_is_cut_at_the_document_cap(world: World) -> None:
    consumed = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal consumed
        yield (
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-"
        )
        for _ in range(100):
            consumed += 1
            yield b"x" * (1024 * 1024)

    response = await world.client.post(
        "/api/withdrawals/1/documents",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert consumed <= world.settings.withdraw.max_document_bytes // (1024 * 1024) + 2


@pytest.mark.parametrize(
    "path",
    [
        "/api/withdrawals/9223372036854775808",
        "/staff/api/withdrawals/9223372036854775808",
        "/staff/api/withdrawals/1/documents/99999999999999999999",
    ],
)
async def test_huge_path_ids_are_refused_not_500(world: World, path: str) -> None:
    # Finding 8: path ids >= 2^63 raised a 500.
    from tests.api.test_staff_auth import staff_login

    if path.startswith("/staff/"):
        _username, token = await staff_login(world)
    else:
        token = await world.mp_login()
        await world.sign_up(token, await world.person())
    response = await world.call(token, "GET", path)
    assert response.status_code == 422, response.text


async def test_a_bug_answers_500_with_its_request_id_logged(
    settings: Settings, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    # Finding 8 (request_id null) and 13 (request.failed without request id).
    gateways = fake_gateways(mp=BrokenMiniProgram())
    async with app_client(settings, store, gateways=gateways) as client:
        response = await client.post("/api/mp/session", json={"code": "x"})
    assert response.status_code == 500
    body = response.json()
    assert body["request_id"] == response.headers["x-request-id"]
    assert "12329" in body["message"]
    failed = [
        json.loads(line)
        for line in capsys.readouterr().err.splitlines()
        if '"request.failed"' in line
    ]
    assert [line["request_id"] for line in failed] == [body["request_id"]]


async def test_store_outage_answers_503_with_retry_after(settings: Settings) -> None:
    # Finding 17: a Redis outage answered 500 on the API and on the H5 pages.
    down = RedisStore(f"redis://127.0.0.1:{free_port()}/0", prefix="wxbdown:")
    mp = FakeMiniProgram()
    mp.add_js_code("js-down", openid="o-down")
    async with app_client(settings, down, gateways=fake_gateways(mp=mp)) as client:
        api = await client.post("/api/mp/session", json={"code": "js-down"})
        client.cookies.set(settings.sessions.cookie_name, "t")
        page = await client.get("/h5/account")
    await down.close()
    assert api.status_code == 503, api.text
    assert int(api.headers["retry-after"]) > 0
    assert api.json()["code"] == "service_busy"
    assert api.json()["request_id"] == api.headers["x-request-id"]
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "系统繁忙" in page.text
    assert page.headers["x-request-id"] in page.text


async def _staff_logins_from_many_addresses(
    client: httpx.AsyncClient, *, behind: str = ""
) -> list[int]:
    """31 wrong staff logins, each claiming another address in X-Forwarded-For."""
    statuses = []
    for n in range(31):
        response = await client.post(
            "/staff/api/session",
            json={"username": f"nobody{n:02d}", "password": "wrong-password-1"},
            headers={"X-Forwarded-For": f"198.51.100.{n}{behind}"},
        )
        statuses.append(response.status_code)
    return statuses


async def test_forwarded_for_from_an_untrusted_peer_does_not_escape_the_staff_cap(
    settings: Settings, store: Store
) -> None:
    # Finding 9: the per-address staff login cap trusted X-Forwarded-For from anyone:
    # served as `wxbackend serve` serves, a peer on 127.0.0.1 picked its own address.
    from tests.live_server import live_app
    from wxbackend.cli.serve import UVICORN_OPTIONS

    app_store = None if settings.store.redis_url else store
    live = with_settings(settings, store={"key_prefix": settings.store.key_prefix + "xff:"})
    options = {"gateways": fake_gateways(), "store": app_store, "uvicorn_options": UVICORN_OPTIONS}
    with live_app(live, **options) as (url, _app):  # type: ignore[arg-type]
        async with httpx.AsyncClient(base_url=url) as client:
            statuses = await _staff_logins_from_many_addresses(client)
    if settings.store.redis_url:
        cleanup = RedisStore(settings.store.redis_url, prefix=settings.store.key_prefix + "xff:")
        await cleanup.delete_prefix()
        await cleanup.close()
    assert statuses == [401] * 30 + [429]


async def test_forwarded_for_is_ignored_from_a_peer_that_is_not_a_proxy(
    settings: Settings, store: Store
) -> None:
    async with app_client(settings, store, peer=("203.0.113.9", 40000)) as client:
        statuses = await _staff_logins_from_many_addresses(client)
    assert statuses == [401] * 30 + [429]


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    settings: Settings, store: Store
) -> None:
    behind_proxy = with_settings(settings, server={"trusted_proxies": ["10.0.0.0/8"]})
    async with app_client(behind_proxy, store, peer=("10.1.2.3", 40000)) as client:
        statuses = await _staff_logins_from_many_addresses(client, behind=", 10.9.9.9")
    assert statuses == [401] * 31


async def test_every_answer_carries_security_headers(world: World) -> None:
    # Finding 11.
    token = await world.mp_login()
    for response in (
        await world.call(token, "GET", "/api/account"),
        await world.client.get("/h5/points"),
        await world.client.get("/healthz"),
        await world.client.post("/api/mp/session", json={}),
    ):
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in headers  # production only


async def test_production_adds_hsts_and_hides_the_api_docs(
    settings: Settings, store: Store
) -> None:
    # Production's own defaults (docs off), without its refusals (this is a test database).
    production_like = with_settings(settings, server={"api_docs": False}).model_copy(
        update={"env": "production"}
    )
    async with app_client(production_like, store) as client:
        docs = await client.get("/docs")
        schema = await client.get("/openapi.json")
        health = await client.get("/healthz")
    assert (docs.status_code, schema.status_code) == (404, 404)
    assert health.headers["strict-transport-security"].startswith("max-age=")
    async with app_client(settings, store) as client:
        assert (await client.get("/openapi.json")).status_code == 200


async def test_too_many_requests_carry_retry_after(world: World) -> None:
    token = await world.mp_login()
    person = await world.person()
    version = world.settings.signing.agreement_version
    await world.call(token, "POST", "/api/signing/agreement", {"version": version})
    statuses = []
    for _ in range(world.settings.signing.identity_attempts_per_openid_per_day + 1):
        response = await world.call(
            token, "POST", "/api/signing/identity", {"name": "错名", "id_no": person.id_no}
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert int(response.headers["retry-after"]) > 3600


async def test_request_ids_are_logged_as_sent_and_personal_ones_replaced(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # Finding 13: the masking processor turned ids like a84c19813724461b (its digits look
    # like a mobile number) into a84c198****2446b, so the id a user quotes was not found.
    capsys.readouterr()
    answered = [(await world.client.get("/healthz")).headers["x-request-id"] for _ in range(300)]
    logged = [
        json.loads(line)["request_id"]
        for line in capsys.readouterr().err.splitlines()
        if '"http.request"' in line
    ]
    assert logged == answered
    # An id sent in that looks like personal data is not logged: it is replaced.
    personal = await world.client.get("/healthz", headers={"X-Request-Id": "110101199003077777"})
    assert personal.headers["x-request-id"] != "110101199003077777"
    assert "110101199003077777" not in capsys.readouterr().err


async def test_h5_withdrawal_of_zero_is_a_chinese_refusal(world: World) -> None:
    # Finding 8: the H5 form with amount 0 answered raw JSON 500.
    await bound_person_with_card(world, "o-h5-zero")
    form = await world.client.get("/h5/withdrawals/new")
    data = {"csrf": csrf_of(form), "kind": "rent", "amount": "0", "idempotency_key": "k-zero"}
    response = await world.client.post("/h5/withdrawals/new", data=data)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "提取金额须大于0元" in response.text
