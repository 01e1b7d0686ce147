"""Binding by account or ID number + query password (+ SMS code), the second channel."""

from __future__ import annotations

from tests.api.signing_world import PASSWORD, Person, World
from tests.api.test_h5_pages import csrf_of, logged_in
from wxbackend.bind.models import Credential
from wxbackend.bind.passwords import hash_password
from wxbackend.db import session_scope

LOGIN = "/api/binding/password/login"


async def signed_on_the_website(world: World) -> Person:
    """A holder who signed on the centre's website: a password of their own, no binding."""
    person = await world.person()
    async with session_scope(world.sessionmaker) as session:
        session.add(
            Credential(
                account_id=person.account.id,
                password_hash=await hash_password(PASSWORD),
                is_initial=False,
            )
        )
    return person


async def test_a_website_signer_binds_wechat_with_id_number_password_and_sms(
    world: World,
) -> None:
    person = await signed_on_the_website(world)
    token = await world.mp_login()
    await world.a_minute_passes(person)
    step = await world.call(token, "POST", LOGIN, {"login": person.id_no, "password": PASSWORD})
    assert step.status_code == 200, step.text
    assert step.json()["step"] == "sms"
    assert step.json()["masked_mobile"] == person.mobile[:3] + "****" + person.mobile[-4:]
    # Not bound before the code: the password alone does not bind a new openid.
    assert (await world.call(token, "GET", "/api/binding")).json()["bound"] is False

    assert (await world.call(token, "POST", "/api/binding/password/sms")).status_code == 200
    code = world.last_sms_code(person.mobile)
    done = await world.call(token, "POST", "/api/binding/password/sms/verify", {"code": code})
    assert done.json()["step"] == "bound", done.text
    status = (await world.call(token, "GET", "/api/binding")).json()
    assert status["bound"] is True
    assert status["account_no"].endswith(person.account.account_no[-4:])
    assert (await world.call(token, "GET", "/api/account")).status_code == 200


async def test_the_other_channel_of_the_same_person_binds_by_account_number_at_once(
    world: World,
) -> None:
    person = await world.person()
    mp_token = await world.mp_login(unionid="u-same-person-1")
    await world.sign_up(mp_token, person)
    oa_token = await world.h5_login(unionid="u-same-person-1")
    sent_before = len(world.sms.sent_to(person.mobile))

    step = await world.call(
        oa_token, "POST", LOGIN, {"login": person.account.account_no, "password": PASSWORD}
    )
    assert step.json()["step"] == "bound", step.text
    assert len(world.sms.sent_to(person.mobile)) == sent_before  # no SMS needed
    assert (await world.call(oa_token, "GET", "/api/binding")).json()["bound"] is True


async def test_a_stranger_with_the_account_number_needs_the_sms_code_too(world: World) -> None:
    person = await world.person()
    mp_token = await world.mp_login(unionid="u-owner-2")
    await world.sign_up(mp_token, person)
    other = await world.h5_login(unionid="u-someone-else")
    step = await world.call(
        other, "POST", LOGIN, {"login": person.account.account_no, "password": PASSWORD}
    )
    assert step.json()["step"] == "sms"
    early = await world.call(other, "POST", "/api/binding/password/sms/verify", {"code": "000000"})
    assert early.json()["code"] in ("signing.sms_code_expired", "signing.sms_code_wrong")
    assert (await world.call(other, "GET", "/api/binding")).json()["bound"] is False


async def test_wrong_passwords_use_the_same_lockout_as_everywhere(world: World) -> None:
    person = await world.person()
    mp_token = await world.mp_login()
    await world.sign_up(mp_token, person)
    oa_token = await world.h5_login()
    limit = world.settings.signing.password_max_failures
    for attempt in range(1, limit):
        wrong = await world.call(
            oa_token, "POST", LOGIN, {"login": person.id_no, "password": "135790"}
        )
        assert wrong.json()["message"] == f"密码错误，还可尝试{limit - attempt}次。"
    locked = await world.call(
        oa_token, "POST", LOGIN, {"login": person.id_no, "password": "135790"}
    )
    assert (locked.status_code, locked.json()["code"]) == (423, "password.locked")
    # Locked for the account: the right password is refused, on the other channel too.
    right = await world.call(oa_token, "POST", LOGIN, {"login": person.id_no, "password": PASSWORD})
    assert right.json()["code"] == "password.locked"
    unbind = await world.call(mp_token, "POST", "/api/binding/unbind", {"password": PASSWORD})
    assert unbind.json()["code"] == "password.locked"


async def test_unknown_numbers_and_malformed_logins_are_told_plainly(world: World) -> None:
    token = await world.mp_login()
    unknown = await world.call(token, "POST", LOGIN, {"login": "999999999", "password": PASSWORD})
    assert unknown.json()["code"] == "binding.login_not_matched"
    unknown_id = await world.call(
        token, "POST", LOGIN, {"login": "11010519491231002X", "password": PASSWORD}
    )
    assert unknown_id.json()["message"] == unknown.json()["message"]
    shape = await world.call(token, "POST", LOGIN, {"login": "12345", "password": PASSWORD})
    assert (shape.status_code, shape.json()["field"]) == (422, "login")
    assert shape.json()["message"] == "请输入个人公积金账号（9至12位数字）或18位身份证号码。"
    bad_id = await world.call(
        token, "POST", LOGIN, {"login": "110105194912310021", "password": PASSWORD}
    )
    assert bad_id.json()["message"] == "身份证号码格式不正确，请检查后重新输入。"


async def test_an_account_without_a_password_is_sent_to_face_signing(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    refused = await world.call(token, "POST", LOGIN, {"login": person.id_no, "password": PASSWORD})
    assert refused.json()["code"] == "binding.no_password"
    assert "签约绑定" in refused.json()["message"]


async def test_an_account_bound_to_another_follower_is_refused(world: World) -> None:
    person = await world.person()
    first = await world.h5_login()
    await world.sign_up(first, person)
    second = await world.h5_login()
    refused = await world.call(second, "POST", LOGIN, {"login": person.id_no, "password": PASSWORD})
    assert refused.json()["code"] == "binding.account_bound_elsewhere"


async def test_the_h5_page_binds_by_account_number_password_and_sms(world: World) -> None:
    person = await signed_on_the_website(world)
    await logged_in(world)
    signup = await world.client.get("/h5/signup")
    assert 'href="/h5/bind/password"' in signup.text
    page = await world.client.get("/h5/bind/password")
    assert page.status_code == 200
    assert "账号密码" in page.text
    login = await world.client.post(
        "/h5/bind/password/login",
        data={"csrf": csrf_of(page), "login": person.account.account_no, "password": "2583691"},
    )
    assert login.status_code == 422
    assert "查询密码须为6位数字，您输入了7位。" in login.text
    login = await world.client.post(
        "/h5/bind/password/login",
        data={"csrf": csrf_of(page), "login": person.account.account_no, "password": PASSWORD},
    )
    assert login.status_code == 303
    sms_page = await world.client.get("/h5/bind/password")
    assert "验证码将发送至账户登记的手机" in sms_page.text
    await world.a_minute_passes(person)
    sent = await world.client.post("/h5/bind/password/sms", data={"csrf": csrf_of(sms_page)})
    assert sent.status_code == 303
    code = world.last_sms_code(person.mobile)
    verified = await world.client.post(
        "/h5/bind/password/sms/verify", data={"csrf": csrf_of(sms_page), "code": code}
    )
    assert verified.status_code == 303
    assert (await world.client.get("/h5/bind/password")).headers["location"].endswith("/done")
    account = await world.client.get("/h5/account")
    assert account.status_code == 200
    assert person.account.name_masked in account.text
