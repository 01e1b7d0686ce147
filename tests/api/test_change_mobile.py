"""Changing the mobile online: face check, a code to the new number, the old one told."""

from __future__ import annotations

from tests.api.signing_world import Person, World
from tests.api.test_h5_pages import csrf_of, logged_in, post_form, sign_up_through_pages
from tests.builders import next_number, valid_mobile
from wxbackend.db import session_scope
from wxbackend.fund import service as fund
from wxbackend.security.masking import mask_mobile


async def _bound(world: World) -> tuple[str, Person]:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up(token, person)
    return token, person


def _new_mobile() -> str:
    return valid_mobile(next_number() + 500_000)


async def _stored_mobile(world: World, person: Person) -> str | None:
    async with session_scope(world.sessionmaker) as session:
        account = await fund.get_account(session, person.account.id)
        assert account is not None
        return fund.reveal_mobile(world.vault, account)


async def test_a_holder_changes_the_mobile_with_face_and_a_code_to_the_new_number(
    world: World,
) -> None:
    token, person = await _bound(world)
    new = _new_mobile()
    assert (await world.call(token, "GET", "/api/mobile")).json()["step"] == "face"
    assert (await world.pass_face(token, prefix="/api/mobile")).json()["step"] == "sms"
    await world.a_minute_passes(person)
    sent = await world.call(token, "POST", "/api/mobile/sms", {"mobile": new})
    assert sent.status_code == 200, sent.text
    assert sent.json()["masked_mobile"] == mask_mobile(new)
    assert (await world.call(token, "GET", "/api/mobile")).json()["masked_mobile"] == (
        mask_mobile(new)
    )
    code = world.last_sms_code(new)
    assert world.sms.sent_to(person.mobile)[-1].params[0] != code  # not to the old phone

    done = await world.call(token, "POST", "/api/mobile/sms/verify", {"code": code})
    assert done.json()["step"] == "bound", done.text
    assert await _stored_mobile(world, person) == new
    told = world.sms.sent_to(person.mobile)[-1]
    assert told.template_id == world.settings.signing.mobile_changed_sms_template_id
    assert told.params[0] == mask_mobile(new)

    # From now on codes go to the new number (a password reset, for instance).
    await world.a_minute_passes(person)
    reset = await world.call(token, "POST", "/api/password/reset/sms")
    assert reset.json()["masked_mobile"] == mask_mobile(new)


async def test_the_new_number_needs_the_face_check_first(world: World) -> None:
    token, person = await _bound(world)
    early = await world.call(token, "POST", "/api/mobile/sms", {"mobile": _new_mobile()})
    assert (early.status_code, early.json()["code"]) == (409, "signing.wrong_step")
    assert await _stored_mobile(world, person) == person.mobile


async def test_same_malformed_or_unconfirmed_numbers_change_nothing(world: World) -> None:
    token, person = await _bound(world)
    await world.pass_face(token, prefix="/api/mobile")
    same = await world.call(token, "POST", "/api/mobile/sms", {"mobile": person.mobile})
    assert same.json()["message"] == "新手机号码与原号码相同，无需更换。"
    bad = await world.call(token, "POST", "/api/mobile/sms", {"mobile": "1380013800"})
    assert (bad.status_code, bad.json()["field"]) == (422, "mobile")
    await world.a_minute_passes(person)
    assert (
        await world.call(token, "POST", "/api/mobile/sms", {"mobile": _new_mobile()})
    ).status_code == 200
    wrong = await world.call(token, "POST", "/api/mobile/sms/verify", {"code": "000000"})
    assert wrong.json()["code"] in ("signing.sms_code_wrong",)
    assert await _stored_mobile(world, person) == person.mobile


async def test_an_unbound_follower_cannot_change_a_mobile(world: World) -> None:
    token = await world.mp_login()
    refused = await world.call(token, "GET", "/api/mobile")
    assert refused.json()["code"] == "binding.not_bound"


async def test_the_h5_pages_change_the_mobile(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    await sign_up_through_pages(world, person)
    home = await world.client.get("/h5/")
    assert 'href="/h5/mobile"' in home.text
    started = await post_form(world, "/h5/mobile", "/h5/mobile/face", {})
    face_token = started.headers["location"].rsplit("/", 1)[1]
    world.faces.complete(face_token)
    back = await world.client.get("/h5/mobile/face-done", params={"token": face_token})
    assert back.headers["location"] == "/h5/mobile"
    page = await world.client.get("/h5/mobile")
    assert "请输入新的手机号码" in page.text
    new = _new_mobile()
    await world.a_minute_passes(person)
    sent = await world.client.post("/h5/mobile/sms", data={"csrf": csrf_of(page), "mobile": new})
    assert sent.headers["location"] == "/h5/mobile?sent=1"
    page = await world.client.get("/h5/mobile?sent=1")
    assert f"验证码已发送至 {mask_mobile(new)}" in page.text
    verified = await world.client.post(
        "/h5/mobile/sms/verify", data={"csrf": csrf_of(page), "code": world.last_sms_code(new)}
    )
    assert verified.headers["location"] == "/h5/mobile/done"
    done = await world.client.get("/h5/mobile/done")
    assert "手机号码已更换" in done.text
    assert await _stored_mobile(world, person) == new
