"""Forgot password from every page that asks for it, bound or not (SMS code + face)."""

from __future__ import annotations

from tests.api.signing_world import PASSWORD, World
from tests.api.test_h5_pages import csrf_of, logged_in, post_form, sign_up_through_pages
from tests.api.test_password_binding import signed_on_the_website
from tests.builders import make_card
from wxbackend.db import session_scope

NEW = "470258"


async def test_an_unbound_holder_who_forgot_sets_a_new_password_at_sign_up(world: World) -> None:
    person = await signed_on_the_website(world)
    token = await world.mp_login()
    await world.sign_up_to_face(token, person)
    assert (await world.pass_face(token)).json()["step"] == "password"
    state = (await world.call(token, "GET", "/api/signing")).json()
    assert state["password_must_set"] is False  # the account has a password already

    forgotten = await world.call(token, "POST", "/api/signing/password", {"password": "135790"})
    assert forgotten.json()["code"] == "password.wrong"
    same = await world.call(
        token, "POST", "/api/signing/password", {"password": PASSWORD, "forgot": True}
    )
    assert same.json()["code"] == "password.same_as_current"
    bound = await world.call(
        token, "POST", "/api/signing/password", {"password": NEW, "forgot": True}
    )
    assert bound.json()["bound"] is True, bound.text
    old = await world.call(token, "POST", "/api/binding/unbind", {"password": PASSWORD})
    assert old.json()["code"] == "password.wrong"
    assert (
        await world.call(token, "POST", "/api/binding/unbind", {"password": NEW})
    ).status_code == 204


async def test_forgot_cannot_skip_the_sms_and_face_checks(world: World) -> None:
    person = await signed_on_the_website(world)
    token = await world.mp_login()
    await world.sign_up_to_face(token, person)
    early = await world.call(
        token, "POST", "/api/signing/password", {"password": NEW, "forgot": True}
    )
    assert (early.status_code, early.json()["code"]) == (409, "signing.wrong_step")


async def test_the_forgot_link_sends_each_holder_to_their_way(world: World) -> None:
    await logged_in(world)
    unbound = await world.client.get("/h5/password/forgot")
    assert unbound.headers["location"] == "/h5/signup?forgot=1"
    # The reset page used to send an unbound holder to a sign-up that asked for the password.
    reset = await world.client.get("/h5/password/reset")
    assert reset.headers["location"] == "/h5/signup?forgot=1"
    signup = await world.client.get("/h5/signup?forgot=1")
    assert "最后一步即可直接设置新密码" in signup.text

    person = await world.person()
    await sign_up_through_pages(world, person)
    bound = await world.client.get("/h5/password/forgot")
    assert bound.headers["location"] == "/h5/password/reset"


async def test_every_page_that_asks_for_the_password_offers_forgot(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    login_page = await world.client.get("/h5/bind/password")
    assert 'href="/h5/password/forgot"' in login_page.text
    await sign_up_through_pages(world, person)
    async with session_scope(world.sessionmaker) as session:
        await make_card(session, world.vault, person.account)
    for path in ("/h5/password", "/h5/unbind", "/h5/card"):
        page = await world.client.get(path)
        assert page.status_code == 200, path
        assert 'type="password"' in page.text, path
        assert 'href="/h5/password/forgot"' in page.text, path


async def test_the_h5_sign_up_password_step_lets_a_forgetful_holder_set_one(
    world: World,
) -> None:
    person = await signed_on_the_website(world)
    await logged_in(world)
    version = world.settings.signing.agreement_version
    await world.a_minute_passes(person)
    for action, data in (
        ("/h5/signup/agreement", {"agree": "1", "version": version}),
        ("/h5/signup/identity", {"name": person.name, "id_no": person.id_no}),
        ("/h5/signup/sms", {}),
    ):
        assert (await post_form(world, "/h5/signup", action, data)).status_code == 303
    code = world.last_sms_code(person.mobile)
    await post_form(world, "/h5/signup", "/h5/signup/sms/verify", {"code": code})
    started = await post_form(world, "/h5/signup", "/h5/signup/face", {})
    face_token = started.headers["location"].rsplit("/", 1)[1]
    world.faces.complete(face_token)
    await world.client.get("/h5/signup/face-done", params={"token": face_token})

    step = await world.client.get("/h5/signup")
    assert "您的账户已设置查询密码，请输入以完成绑定" in step.text
    assert 'href="/h5/signup?forgot=1"' in step.text
    forgot = await world.client.get("/h5/signup?forgot=1")
    assert 'name="forgot" value="1"' in forgot.text
    mismatch = await world.client.post(
        "/h5/signup/password",
        data={"csrf": csrf_of(forgot), "forgot": "1", "password": NEW, "confirm": "470259"},
    )
    assert mismatch.status_code == 422
    assert 'name="forgot" value="1"' in mismatch.text  # the same form comes back
    done = await world.client.post(
        "/h5/signup/password",
        data={"csrf": csrf_of(forgot), "forgot": "1", "password": NEW, "confirm": NEW},
    )
    assert done.headers["location"] == "/h5/signup/done", done.text
