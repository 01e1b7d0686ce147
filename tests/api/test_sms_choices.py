"""短信服务 through the API and the H5 page: the holder's own choices, nobody else's."""

from __future__ import annotations

from tests.api.signing_world import World
from tests.api.test_h5_pages import csrf_of, logged_in, sign_up_through_pages


async def test_a_holder_turns_deposit_and_withdrawal_sms_off_and_on(world: World) -> None:
    person = await world.person()
    token = await world.mp_login()
    await world.sign_up(token, person)
    assert (await world.call(token, "GET", "/api/notify/sms")).json() == {
        "deposit": True,
        "withdrawal": True,
    }
    off = await world.call(token, "PUT", "/api/notify/sms", {"deposit": False, "withdrawal": True})
    assert off.json() == {"deposit": False, "withdrawal": True}
    assert (await world.call(token, "GET", "/api/notify/sms")).json()["deposit"] is False
    # Another holder's choices are their own.
    other = await world.person()
    other_token = await world.mp_login()
    await world.sign_up(other_token, other)
    assert (await world.call(other_token, "GET", "/api/notify/sms")).json()["deposit"] is True


async def test_an_unbound_follower_has_no_sms_choices(world: World) -> None:
    token = await world.mp_login()
    refused = await world.call(token, "GET", "/api/notify/sms")
    assert refused.json()["code"] == "binding.not_bound"


async def test_the_h5_sms_page_saves_the_choices(world: World) -> None:
    person = await world.person()
    await logged_in(world)
    await sign_up_through_pages(world, person)
    page = await world.client.get("/h5/sms")
    assert page.status_code == 200
    assert 'id="f-deposit" checked' in page.text
    saved = await world.client.post("/h5/sms", data={"csrf": csrf_of(page), "withdrawal": "1"})
    assert saved.headers["location"] == "/h5/sms?saved=1"
    page = await world.client.get("/h5/sms?saved=1")
    assert 'id="f-deposit" checked' not in page.text
    assert 'id="f-withdrawal" checked' in page.text
    refused = await world.client.post("/h5/sms", data={"withdrawal": "1"})  # no CSRF token
    assert refused.status_code == 403
