"""Signing and binding through the API, on fake WeChat, SMS and face providers."""

from __future__ import annotations

from sqlalchemy import select

from tests.api.signing_world import World
from tests.builders import next_number, valid_id_no
from wxbackend.audit.models import AuditEvent
from wxbackend.bind.models import Binding
from wxbackend.faceid.gateway import FaceReason


async def test_mini_program_user_signs_up_and_is_bound(world: World) -> None:
    person = await world.person(name="王小明")
    token = await world.mp_login(unionid="u-" + person.id_no[-6:])
    assert (await world.call(token, "GET", "/api/binding")).json()["bound"] is False

    await world.sign_up(token, person)

    status = (await world.call(token, "GET", "/api/binding")).json()
    assert status["bound"] is True
    assert status["name"] == "王**"
    assert status["account_no"].endswith(person.account.account_no[-4:])
    assert person.account.account_no not in str(status)
    sms = world.sms.sent_to(person.mobile)
    assert len(sms) == 1
    async with world.sessionmaker() as session:
        bindings = (
            await session.scalars(select(Binding).where(Binding.account_id == person.account.id))
        ).all()
        assert [(b.channel.value, b.unionid) for b in bindings] == [
            ("mp", "u-" + person.id_no[-6:])
        ]


async def test_steps_must_be_taken_in_order(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    response = await world.call(
        token, "POST", "/api/signing/identity", {"name": person.name, "id_no": person.id_no}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "signing.wrong_step"
    assert response.json()["current_step"] == "agreement"


async def test_unknown_id_and_wrong_name_get_the_same_answer(world: World) -> None:
    person = await world.person(name="李雷")
    token = await world.mp_login()
    version = world.settings.signing.agreement_version
    await world.call(token, "POST", "/api/signing/agreement", {"version": version})
    wrong_name = await world.call(
        token, "POST", "/api/signing/identity", {"name": "韩梅梅", "id_no": person.id_no}
    )
    unknown_id = await world.call(
        token, "POST", "/api/signing/identity", {"name": "李雷", "id_no": "11010519491231002X"}
    )
    assert wrong_name.status_code == unknown_id.status_code == 400
    assert wrong_name.json() == unknown_id.json()
    assert "身份信息核验未通过" in wrong_name.json()["message"]
    bad_checksum = await world.call(
        token, "POST", "/api/signing/identity", {"name": "李雷", "id_no": "110105194912310021"}
    )
    assert bad_checksum.status_code == 422


async def test_identity_attempts_are_limited_per_openid(world: World) -> None:
    token = await world.mp_login()
    version = world.settings.signing.agreement_version
    await world.call(token, "POST", "/api/signing/agreement", {"version": version})
    limit = world.settings.signing.identity_attempts_per_openid_per_day
    statuses = []
    for _ in range(limit + 1):
        id_no = valid_id_no(next_number())  # a different ID each time: the openid is limited
        response = await world.call(
            token, "POST", "/api/signing/identity", {"name": "某人", "id_no": id_no}
        )
        statuses.append(response.status_code)
    assert statuses[:limit] == [400] * limit
    assert statuses[limit] == 429


async def test_sms_code_brute_force_is_stopped(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    version = world.settings.signing.agreement_version
    await world.call(token, "POST", "/api/signing/agreement", {"version": version})
    await world.call(
        token, "POST", "/api/signing/identity", {"name": person.name, "id_no": person.id_no}
    )
    sent = await world.call(token, "POST", "/api/signing/sms")
    assert sent.json()["masked_mobile"] == person.mobile[:3] + "****" + person.mobile[-4:]
    real = world.last_sms_code(person.mobile)
    wrong = f"{(int(real) + 1) % 1_000_000:06d}"
    answers = []
    for _ in range(world.settings.signing.sms_max_tries):
        answers.append(
            (await world.call(token, "POST", "/api/signing/sms/verify", {"code": wrong})).json()
        )
    assert answers[0]["code"] == "signing.sms_code_wrong"
    assert answers[0]["attempts_left"] == world.settings.signing.sms_max_tries - 1
    # The right code no longer helps once the tries are spent.
    final = await world.call(token, "POST", "/api/signing/sms/verify", {"code": real})
    assert final.json()["code"] == "signing.sms_code_expired"
    resend = await world.call(token, "POST", "/api/signing/sms")
    assert resend.status_code == 429  # one code a minute


async def test_face_of_another_person_or_a_failed_face_is_refused(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up_to_face(token, person)
    for reason in (FaceReason.FACE_MISMATCH, FaceReason.IDENTITY_MISMATCH):
        world.faces.set_outcome(person.id_no, reason)
        response = await world.pass_face(token)
        assert response.status_code == 400
        assert response.json()["code"] == "signing.face_not_passed"
    world.faces.set_outcome(person.id_no, FaceReason.PASSED)
    assert (await world.pass_face(token)).json()["step"] == "password"
    async with world.sessionmaker() as session:
        refusals = (
            await session.scalars(
                select(AuditEvent.reason).where(
                    AuditEvent.account_id == person.account.id, AuditEvent.action == "signing.face"
                )
            )
        ).all()
    assert refusals == ["face_mismatch", "identity_mismatch"]


async def test_a_face_check_started_by_another_openid_is_refused(world: World) -> None:
    victim, attacker = await world.person(), await world.person()
    victim_token, attacker_token = await world.mp_login(), await world.mp_login()
    await world.sign_up_to_face(victim_token, victim)
    await world.sign_up_to_face(attacker_token, attacker)
    victims_check = (await world.call(victim_token, "POST", "/api/signing/face", {})).json()
    world.faces.complete(victims_check["token"])
    await world.call(attacker_token, "POST", "/api/signing/face", {})
    stolen = await world.call(
        attacker_token, "POST", "/api/signing/face/result", {"token": victims_check["token"]}
    )
    assert stolen.status_code == 400
    assert "不属于本次签约" in stolen.json()["message"]


async def test_a_face_check_is_used_once_and_expires(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up_to_face(token, person)
    started = (await world.call(token, "POST", "/api/signing/face", {})).json()
    world.faces.complete(started["token"])
    assert (await world.call(token, "POST", "/api/signing/face/result", {})).status_code == 200
    again = await world.call(token, "POST", "/api/signing/face/result", {})
    assert again.status_code == 409  # the procedure has moved on: the check is spent

    other = await world.person()
    late = await world.mp_login()
    await world.sign_up_to_face(late, other)
    world.faces._ttl = world.faces._ttl * 0  # checks started now are already expired
    expired = await world.pass_face(late)
    assert expired.status_code == 400
    assert "过期" in expired.json()["message"]


async def test_face_checks_are_limited_per_day(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up_to_face(token, person)
    limit = world.settings.signing.face_attempts_per_day
    codes = [
        (await world.call(token, "POST", "/api/signing/face", {})).status_code
        for _ in range(limit + 1)
    ]
    assert codes == [200] * limit + [429]
    assert world.faces.costed_calls == limit


async def test_trivial_passwords_are_refused(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up_to_face(token, person)
    await world.pass_face(token)
    birthday = person.id_no[8:14]
    for weak in ("000000", "123456", "654321", "121212", birthday):
        response = await world.call(token, "POST", "/api/signing/password", {"password": weak})
        assert response.status_code == 422, weak
    ok = await world.call(token, "POST", "/api/signing/password", {"password": "258369"})
    assert ok.json()["bound"] is True


async def test_an_openid_binds_one_account_and_an_account_one_openid_per_channel(
    world: World,
) -> None:
    first, second = await world.person(), await world.person()
    token = await world.mp_login()
    await world.sign_up(token, first)
    again = await world.call(token, "GET", "/api/signing")
    assert again.status_code == 409
    assert again.json()["code"] == "binding.already_bound"

    intruder = await world.mp_login()
    version = world.settings.signing.agreement_version
    await world.call(intruder, "POST", "/api/signing/agreement", {"version": version})
    taken = await world.call(
        intruder, "POST", "/api/signing/identity", {"name": first.name, "id_no": first.id_no}
    )
    assert taken.json()["code"] == "binding.account_bound_elsewhere"
    await world.sign_up(intruder, second)  # a different account is fine


async def test_the_same_person_binds_the_other_channel_with_the_same_unionid(
    world: World,
) -> None:
    person = await world.person()
    await world.sign_up(await world.mp_login(unionid="u-same"), person)
    oa_token = await world.h5_login(openid="o-oa-1", unionid="u-other")
    await world.sign_up_to_face(oa_token, person)
    await world.pass_face(oa_token)
    # The account already has a password: the last step asks for it instead of a new one.
    state = (await world.call(oa_token, "GET", "/api/signing")).json()
    assert state["password_must_set"] is False
    refused = await world.call(oa_token, "POST", "/api/signing/password", {"password": "258369"})
    assert refused.json()["code"] == "binding.account_bound_elsewhere"

    oa_same = await world.h5_login(openid="o-oa-2", unionid="u-same")
    await world.sign_up_to_face(oa_same, person)
    await world.pass_face(oa_same)
    bound = await world.call(oa_same, "POST", "/api/signing/password", {"password": "258369"})
    assert bound.json()["bound"] is True
