"""The H5 pages over HTTP (no browser): login redirect, CSRF, field errors, masking, 404s."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.api.signing_world import PASSWORD, Person, World
from tests.builders import make_card
from wxbackend.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "/h5/",
    "/h5/account",
    "/h5/deposits?year=2025",
    "/h5/interest",
    "/h5/loan",
    "/h5/points",
    "/h5/withdrawals",
    "/h5/withdrawals/new",
    "/h5/withdrawals/1",
    "/h5/card",
    "/h5/password",
    "/h5/password/reset",
    "/h5/unbind",
    "/h5/signup",
]


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found, page.text
    return found.group(1)


async def logged_in(world: World, openid: str | None = None) -> None:
    world.client.cookies.clear()
    token = await world.h5_login(openid)
    world.client.cookies.set(world.settings.sessions.cookie_name, token)


async def post_form(world: World, page: str, action: str, data: dict[str, str]) -> httpx.Response:
    form = await world.client.get(page)
    return await world.client.post(action, data={"csrf": csrf_of(form), **data})


async def sign_up_through_pages(world: World, person: Person) -> None:
    version = world.settings.signing.agreement_version
    steps = [
        ("/h5/signup/agreement", {"agree": "1", "version": version}),
        ("/h5/signup/identity", {"name": person.name, "id_no": person.id_no}),
        ("/h5/signup/sms", {}),
    ]
    await world.a_minute_passes(person)
    for action, data in steps:
        assert (await post_form(world, "/h5/signup", action, data)).status_code == 303
    code = world.last_sms_code(person.mobile)
    verified = await post_form(world, "/h5/signup", "/h5/signup/sms/verify", {"code": code})
    assert verified.headers["location"] == "/h5/signup"
    started = await post_form(world, "/h5/signup", "/h5/signup/face", {})
    face_url = started.headers["location"]
    token = face_url.rsplit("/", 1)[1]
    world.faces.complete(token)
    back = await world.client.get("/h5/signup/face-done", params={"token": token})
    assert back.headers["location"] == "/h5/signup", back.text
    done = await post_form(
        world, "/h5/signup", "/h5/signup/password", {"password": PASSWORD, "confirm": PASSWORD}
    )
    assert done.headers["location"] == "/h5/signup/done", done.text


@pytest.mark.parametrize("path", PAGES)
async def test_page_without_login_redirects_to_oauth_login(world: World, path: str) -> None:
    response = await world.client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert location.path == "/h5/login"
    assert parse_qs(location.query)["next"] == [path]


async def test_post_without_login_redirects_to_login(world: World) -> None:
    response = await world.client.post("/h5/signup/agreement", data={"agree": "1"})
    assert response.status_code == 302
    assert response.headers["location"] == "/h5/login?next=%2Fh5%2F"


async def test_post_without_or_with_a_foreign_csrf_token_is_refused(world: World) -> None:
    await logged_in(world)
    version = world.settings.signing.agreement_version
    missing = await world.client.post(
        "/h5/signup/agreement", data={"agree": "1", "version": version}
    )
    forged = await world.client.post(
        "/h5/signup/agreement", data={"agree": "1", "version": version, "csrf": "0" * 64}
    )
    assert (missing.status_code, forged.status_code) == (403, 403)
    assert "页面已过期" in missing.text
    page = await world.client.get("/h5/signup")
    assert 'action="/h5/signup/agreement"' in page.text  # still on the first step


async def test_csrf_token_of_another_session_is_refused(world: World) -> None:
    await logged_in(world)
    other_csrf = csrf_of(await world.client.get("/h5/signup"))
    await logged_in(world)
    response = await world.client.post(
        "/h5/signup/agreement", data={"agree": "1", "csrf": other_csrf}
    )
    assert response.status_code == 403


async def test_sign_up_through_the_pages_binds_and_shows_the_account(world: World) -> None:
    person = await world.person(name="王建国")
    await logged_in(world)
    await sign_up_through_pages(world, person)
    done = await world.client.get("/h5/signup/done")
    account = await world.client.get("/h5/account")
    assert "签约成功" in done.text
    assert account.status_code == 200
    assert "王**" in account.text
    assert "¥" in account.text
    assert 'id="balance"' in account.text
    assert person.account.account_no not in account.text
    assert person.name not in account.text
    assert account.headers["cache-control"] == "no-store"


async def test_identity_refusal_is_shown_next_to_the_id_number(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    version = world.settings.signing.agreement_version
    await post_form(world, "/h5/signup", "/h5/signup/agreement", {"agree": "1", "version": version})
    bad_format = await post_form(
        world, "/h5/signup", "/h5/signup/identity", {"name": person.name, "id_no": "12345"}
    )
    mismatch = await post_form(
        world, "/h5/signup", "/h5/signup/identity", {"name": "李四", "id_no": person.id_no}
    )
    assert bad_format.status_code == 422
    assert 'id="error-id_no"' in bad_format.text
    assert "身份证号码格式不正确" in bad_format.text
    assert mismatch.status_code == 400
    assert 'id="error-id_no"' in mismatch.text
    assert "身份信息核验未通过" in mismatch.text
    assert person.id_no not in mismatch.text  # never echoed back


async def test_agreement_must_be_ticked(world: World) -> None:
    await logged_in(world)
    response = await post_form(world, "/h5/signup", "/h5/signup/agreement", {"version": "x"})
    assert response.status_code == 422
    assert 'id="error-agree"' in response.text


async def test_wrong_sms_code_is_shown_next_to_the_code_and_mobile_is_masked(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    version = world.settings.signing.agreement_version
    await world.a_minute_passes(person)
    for action, data in (
        ("/h5/signup/agreement", {"agree": "1", "version": version}),
        ("/h5/signup/identity", {"name": person.name, "id_no": person.id_no}),
        ("/h5/signup/sms", {}),
    ):
        await post_form(world, "/h5/signup", action, data)
    page = await world.client.get("/h5/signup?sent=1")
    wrong = "000000" if world.last_sms_code(person.mobile) != "000000" else "111111"
    refused = await post_form(world, "/h5/signup", "/h5/signup/sms/verify", {"code": wrong})
    assert person.mobile[:3] + "****" + person.mobile[-4:] in page.text
    assert person.mobile not in page.text
    assert refused.status_code == 422
    assert 'id="error-code"' in refused.text
    assert "短信验证码错误" in refused.text


async def test_unbound_follower_is_sent_to_sign_up(world: World) -> None:
    await logged_in(world)
    for path in ("/h5/account", "/h5/withdrawals", "/h5/card"):
        response = await world.client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/h5/signup")


async def bound_person_with_card(world: World, openid: str) -> Person:
    person = await world.person()
    await logged_in(world, openid)
    await sign_up_through_pages(world, person)
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, person.account)
    return person


async def confirmed_withdrawal(world: World, kind: str, amount: str) -> httpx.Response:
    """The apply form, its confirmation page, then the password: the filed answer."""
    form = await world.client.get("/h5/withdrawals/new")
    data = {"csrf": csrf_of(form), "kind": kind, "amount": amount}
    confirm = await world.client.post("/h5/withdrawals/new", data=data)
    assert confirm.status_code == 200, confirm.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', confirm.text)
    assert key
    data = {**data, "idempotency_key": key.group(1), "password": PASSWORD}
    return await world.client.post("/h5/withdrawals/confirm", data=data)


async def test_rent_withdrawal_through_the_pages_once_per_form(world: World) -> None:
    await bound_person_with_card(world, "o-h5-rent")
    form = await world.client.get("/h5/withdrawals/new")
    data = {"csrf": csrf_of(form), "kind": "rent", "amount": "1000.00"}
    confirm = await world.client.post("/h5/withdrawals/new", data=data)
    assert "租房提取" in confirm.text
    assert "¥1,000.00" in confirm.text
    assert "622202" in confirm.text  # the masked card
    assert "即时审核" in confirm.text  # what happens next
    key = re.search(r'name="idempotency_key" value="([^"]+)"', confirm.text)
    assert key
    data = {**data, "idempotency_key": key.group(1), "csrf": csrf_of(confirm)}
    wrong = await world.client.post("/h5/withdrawals/confirm", data={**data, "password": "000000"})
    assert wrong.status_code == 400
    assert 'id="error-password"' in wrong.text
    assert "还可尝试" in wrong.text
    assert (await world.client.get("/h5/withdrawals")).text.count('href="/h5/withdrawals/') == 1
    data["password"] = PASSWORD
    first = await world.client.post("/h5/withdrawals/confirm", data=data)
    again = await world.client.post("/h5/withdrawals/confirm", data=data)
    assert first.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    detail = await world.client.get(first.headers["location"])
    listing = await world.client.get("/h5/withdrawals")
    assert "¥1,000.00" in detail.text
    assert "租房提取" in detail.text
    assert listing.text.count('href="/h5/withdrawals/') == 2  # one application + "new"


async def test_withdrawal_amount_error_is_shown_next_to_the_amount(world: World) -> None:
    await bound_person_with_card(world, "o-h5-amount")
    form = await world.client.get("/h5/withdrawals/new")
    response = await world.client.post(
        "/h5/withdrawals/new",
        data={"csrf": csrf_of(form), "kind": "rent", "amount": "12.345"},
    )
    assert response.status_code == 422
    assert 'id="error-amount"' in response.text


async def test_another_persons_withdrawal_is_not_found(world: World) -> None:
    await bound_person_with_card(world, "o-h5-owner")
    applied = await confirmed_withdrawal(world, "rent", "800.00")
    own_path = applied.headers["location"]
    await bound_person_with_card(world, "o-h5-intruder")
    seen = await world.client.get(own_path)
    cancel = await post_form(world, "/h5/card", own_path + "/cancel", {})
    assert seen.status_code == 404
    assert "未找到" in seen.text
    assert cancel.status_code == 404
    assert (await world.client.get("/h5/withdrawals/abc")).status_code == 404


async def test_card_number_error_is_shown_next_to_the_card_number(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    await sign_up_through_pages(world, person)
    response = await post_form(
        world, "/h5/card", "/h5/card", {"card_no": "6222020000000000001", "confirm_type1": "1"}
    )
    assert response.status_code == 422
    assert 'id="error-card_no"' in response.text


async def test_menu_and_reply_links_resolve_to_pages(world: World) -> None:
    menu = tomllib.loads((ROOT / "menus" / "official_account.toml").read_text("utf-8"))
    views = [
        sub["url"].replace("{public_base_url}", "")
        for button in menu["button"]
        for sub in button.get("sub_button", [])
        if sub["type"] == "view"
    ]
    replies = ["/h5/account", "/h5/deposits", "/h5/withdrawals", "/h5/loan", "/h5/signup"]
    assert views
    await bound_person_with_card(world, "o-h5-menu")
    for path in [*views, *replies]:
        response = await world.client.get(path, follow_redirects=True)
        assert response.status_code == 200, (path, response.text)
        assert "<title>" in response.text


async def test_static_files_are_served_from_the_package(world: World) -> None:
    own = await world.client.get("/h5/static/app.css")
    assert own.status_code == 200
    assert ".h5-page" in own.text
