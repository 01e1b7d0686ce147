"""Mini-program and official-account logins."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.signing_world import World


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 401, "login.code_invalid"),
        (40163, 401, "login.code_used"),
        (45011, 429, "login.too_frequent"),
        (40226, 403, "login.risky_user"),
        (-1, 503, "login.unavailable"),
    ],
)
async def test_code_exchange_errors_get_clear_chinese_answers(
    world: World, errcode: int, status: int, code: str
) -> None:
    world.mp.fail_next(errcode)
    response = await world.client.post("/api/mp/session", json={"code": "any"})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["message"])


async def test_sessions_are_opaque_and_required(world: World) -> None:
    token = await world.mp_login()
    assert len(token) >= 22  # ≥ 128 bits, URL-safe base64
    assert (await world.client.get("/api/binding")).status_code == 401
    forged = await world.call(token + "x", "GET", "/api/binding")
    assert forged.status_code == 401
    await world.client.post("/api/session/logout", headers={"Authorization": f"Bearer {token}"})
    assert (await world.call(token, "GET", "/api/binding")).status_code == 401


async def test_oauth_sets_a_secure_session_cookie(world: World) -> None:
    start = await world.client.get("/h5/login", params={"next": "/h5/account"})
    location = urlsplit(start.headers["location"])
    query = parse_qs(location.query)
    assert query["scope"] == ["snsapi_base"]
    assert location.fragment == "wechat_redirect"
    state = query["state"][0]
    world.oa.add_oauth_code("c-1", openid="o-h5-user")
    done = await world.client.get("/h5/oauth/callback", params={"code": "c-1", "state": state})
    assert done.status_code == 302
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=lax" in cookie
    assert (await world.client.get("/api/binding")).json()["channel"] == "oa"


async def test_oauth_state_must_belong_to_this_browser(world: World) -> None:
    start = await world.client.get("/h5/login")
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    world.client.cookies.clear()  # another browser: no state cookie
    world.oa.add_oauth_code("c-2", openid="o-victim")
    forged = await world.client.get("/h5/oauth/callback", params={"code": "c-2", "state": state})
    assert forged.status_code == 403
    assert forged.json()["code"] == "login.state_invalid"


async def test_a_reused_code_in_the_same_browser_keeps_the_login(world: World) -> None:
    start = await world.client.get("/h5/login", params={"next": "/h5/deposits"})
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    world.oa.add_oauth_code("c-3", openid="o-back-button")
    first = await world.client.get("/h5/oauth/callback", params={"code": "c-3", "state": state})
    again = await world.client.get("/h5/oauth/callback", params={"code": "c-3", "state": state})
    assert first.status_code == again.status_code == 302
    assert again.headers["location"] == "/h5/deposits"
    assert (await world.client.get("/api/binding")).status_code == 200


async def test_login_redirects_only_to_our_own_pages(world: World) -> None:
    for target in ("https://evil.example/", "//evil.example/h5/", "/h5/..\\evil"):
        start = await world.client.get("/h5/login", params={"next": target})
        state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
        code = f"c-{abs(hash(target))}"
        world.oa.add_oauth_code(code, openid="o-redirect")
        done = await world.client.get("/h5/oauth/callback", params={"code": code, "state": state})
        assert done.headers["location"] == "/h5/"
