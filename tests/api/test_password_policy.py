"""The password policy: exactly six digits, never the current one, initial ones expire."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.signing_world import PASSWORD, Person, World
from tests.api.test_h5_pages import csrf_of, logged_in, sign_up_through_pages
from wxbackend import clock
from wxbackend.bind.initial import issue_initial_passwords
from wxbackend.bind.models import Credential
from wxbackend.bind.passwords import shape_error
from wxbackend.db import session_scope
from wxbackend.fund.models import Employer


async def _bound(world: World) -> tuple[str, Person]:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up(token, person, password=PASSWORD)
    return token, person


async def _issue_initial(world: World, person: Person, *, days_ago: int) -> str:
    """The employer agent hands out a new initial password, issued `days_ago` days ago."""
    async with session_scope(world.sessionmaker) as session:
        employer = await session.get(Employer, person.account.employer_id)
        assert employer is not None
        sheet = await issue_initial_passwords(session, employer_code=employer.code, reissue=True)
        credential = await session.get(Credential, person.account.id)
        assert credential is not None
        credential.set_at = clock.now() - timedelta(days=days_ago)
    return sheet[0].password


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("", "请输入6位数字查询密码。"),
        ("12345", "查询密码须为6位数字，您输入了5位。"),
        ("2583691", "查询密码须为6位数字，您输入了7位。"),
        ("25836a", "查询密码只能由数字组成，请输入6位数字。"),
        ("２５８３６９", "查询密码只能由数字组成，请输入6位数字。"),  # full-width digits
    ],
)
def test_anything_but_six_digits_is_named(entry: str, message: str) -> None:
    assert shape_error(entry) == message


async def test_a_seven_digit_entry_is_refused_never_cut_to_six(world: World) -> None:
    token, _ = await _bound(world)
    seven = PASSWORD + "7"
    refused = await world.call(
        token, "POST", "/api/password/change", {"old_password": seven, "new_password": "470258"}
    )
    assert refused.status_code == 422
    assert refused.json()["message"] == "原密码须为6位数字，您输入了7位。"
    assert refused.json()["field"] == "old_password"

    refused = await world.call(
        token, "POST", "/api/password/change", {"old_password": PASSWORD, "new_password": "4702581"}
    )
    assert (refused.status_code, refused.json()["field"]) == (422, "new_password")
    assert refused.json()["message"] == "新密码须为6位数字，您输入了7位。"
    # Neither the 7-digit entry nor its first six became the password.
    unbind = await world.call(token, "POST", "/api/binding/unbind", {"password": "470258"})
    assert unbind.json()["code"] == "password.wrong"
    unbind = await world.call(token, "POST", "/api/binding/unbind", {"password": seven})
    assert unbind.json()["message"] == "查询密码须为6位数字，您输入了7位。"


async def test_a_malformed_entry_does_not_use_up_an_attempt(world: World) -> None:
    token, _ = await _bound(world)
    for _ in range(world.settings.signing.password_max_failures + 2):
        response = await world.call(token, "POST", "/api/binding/unbind", {"password": "1234567"})
        assert response.status_code == 422
    ok = await world.call(token, "POST", "/api/binding/unbind", {"password": PASSWORD})
    assert ok.status_code == 204


async def test_the_new_password_must_differ_from_the_current_one(world: World) -> None:
    token, person = await _bound(world)
    same = await world.call(
        token, "POST", "/api/password/change", {"old_password": PASSWORD, "new_password": PASSWORD}
    )
    assert (same.status_code, same.json()["code"]) == (422, "password.same_as_current")
    assert same.json()["message"] == "新密码不能与原密码相同，请设置一个新的密码。"

    # The forgotten-password reset refuses the current one too.
    await world.a_minute_passes(person)
    assert (await world.call(token, "POST", "/api/password/reset/sms")).status_code == 200
    code = world.last_sms_code(person.mobile)
    await world.call(token, "POST", "/api/password/reset/sms/verify", {"code": code})
    await world.pass_face(token, prefix="/api/password/reset")
    again = await world.call(token, "POST", "/api/password/reset", {"password": PASSWORD})
    assert again.json()["code"] == "password.same_as_current"
    done = await world.call(token, "POST", "/api/password/reset", {"password": "470258"})
    assert done.json()["step"] == "bound"


async def test_an_initial_password_within_its_validity_is_changed(world: World) -> None:
    token, person = await _bound(world)
    days = world.settings.signing.initial_password_valid_days
    initial = await _issue_initial(world, person, days_ago=days - 1)
    blocked = await world.call(token, "GET", "/api/account")
    assert blocked.json()["code"] == "password.initial"
    changed = await world.call(
        token, "POST", "/api/password/change", {"old_password": initial, "new_password": "470258"}
    )
    assert changed.status_code == 204
    assert (await world.call(token, "GET", "/api/account")).status_code == 200


async def test_an_expired_initial_password_is_refused_and_reset_by_sms_and_face(
    world: World,
) -> None:
    token, person = await _bound(world)
    days = world.settings.signing.initial_password_valid_days
    initial = await _issue_initial(world, person, days_ago=days)
    expired = await world.call(
        token, "POST", "/api/password/change", {"old_password": initial, "new_password": "470258"}
    )
    assert (expired.status_code, expired.json()["code"]) == (403, "password.initial_expired")
    assert f"发放后{days}天内有效" in expired.json()["message"]
    assert "忘记密码" in expired.json()["message"]
    assert (await world.call(token, "GET", "/api/account")).json()["code"] == "password.initial"

    # Forgot password: SMS code to the bound mobile, a face check, a new password.
    await world.a_minute_passes(person)
    assert (await world.call(token, "POST", "/api/password/reset/sms")).status_code == 200
    code = world.last_sms_code(person.mobile)
    await world.call(token, "POST", "/api/password/reset/sms/verify", {"code": code})
    await world.pass_face(token, prefix="/api/password/reset")
    done = await world.call(token, "POST", "/api/password/reset", {"password": "470258"})
    assert done.json()["step"] == "bound"
    assert (await world.call(token, "GET", "/api/account")).status_code == 200


async def test_the_h5_password_page_names_a_seven_digit_entry(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    await sign_up_through_pages(world, person)
    form = await world.client.get("/h5/password")
    page = await world.client.post(
        "/h5/password",
        data={
            "csrf": csrf_of(form),
            "old_password": PASSWORD,
            "new_password": "4702581",
            "confirm": "4702581",
        },
    )
    assert page.status_code == 422
    assert "新密码须为6位数字，您输入了7位。" in page.text
    assert 'maxlength="6"' not in form.text


async def test_the_lock_is_told_to_the_holder_once_through_the_outbox(world: World) -> None:
    from sqlalchemy import select

    from wxbackend.notify.models import OutboxNotice

    token, person = await _bound(world)
    limit = world.settings.signing.password_max_failures
    for _ in range(limit + 2):  # the lock, then two refused retries
        await world.call(token, "POST", "/api/binding/unbind", {"password": "135790"})
    async with session_scope(world.sessionmaker) as session:
        notices = (
            await session.scalars(
                select(OutboxNotice).where(OutboxNotice.account_id == person.account.id)
            )
        ).all()
    # The binding's own security notice first, then one lock notice for the lock.
    assert [n.kind for n in notices] == ["account_bound", "password_locked"]
    assert "年" in notices[1].payload["unlock_at"]
    assert notices[1].link_path == "/h5/password/forgot"
