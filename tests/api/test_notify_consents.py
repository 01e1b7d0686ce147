"""POST /api/notify/consents: the mini-program reports accepted one-time subscriptions."""

from __future__ import annotations

from tests.api.signing_world import World


async def test_report_consents_counts_each_acceptance(world: World) -> None:
    token = await world.mp_login()
    body = {"accepted": ["mp-withdrawal-paid", "mp-withdrawal-progress", "not-ours"]}

    first = await world.call(token, "POST", "/api/notify/consents", json=body)
    second = await world.call(
        token, "POST", "/api/notify/consents", json={"accepted": ["mp-withdrawal-paid"]}
    )

    assert first.status_code == 200, first.text
    assert first.json() == {"remaining": {"mp-withdrawal-paid": 1, "mp-withdrawal-progress": 1}}
    assert second.json() == {"remaining": {"mp-withdrawal-paid": 2}}


async def test_report_consents_capped(world: World) -> None:
    token = await world.mp_login()
    cap = world.settings.notify.max_consents
    body = {"accepted": ["mp-documents-needed"]}
    for _ in range(cap + 2):
        response = await world.call(token, "POST", "/api/notify/consents", json=body)
    assert response.json() == {"remaining": {"mp-documents-needed": cap}}


async def test_report_consents_only_from_the_mini_program(world: World) -> None:
    token = await world.h5_login()
    world.client.cookies.set(world.settings.sessions.cookie_name, token)
    try:
        response = await world.client.post(
            "/api/notify/consents", json={"accepted": ["mp-withdrawal-paid"]}
        )
    finally:
        world.client.cookies.clear()
    assert response.status_code == 403
    assert response.json()["code"] == "notify_consents_mini_program_only"


async def test_report_consents_needs_a_login(world: World) -> None:
    response = await world.client.post("/api/notify/consents", json={"accepted": []})
    assert response.status_code == 401
