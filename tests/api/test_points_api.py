"""Service points through the whole app: the public API and location callbacks."""

from __future__ import annotations

import random
import re
from urllib.parse import parse_qs, urlsplit

from tests.api.signing_world import World
from tests.builders import next_number
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SignedCallback, SimulatedUser
from wxbackend.db import session_scope
from wxbackend.handlers.messages import TEXT_REPLY_MAX_BYTES
from wxbackend.points import repository as repo
from wxbackend.points import service
from wxbackend.points.geo import haversine_m

HOURS = "mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00"


async def _town(world: World, count: int = 12) -> tuple[float, float, str]:
    """Points around a random, otherwise empty spot; returns (lat, lng, district)."""
    rng = random.Random(next_number())
    lat0, lng0 = 40 + rng.random() * 5, 82 + rng.random() * 6
    district = f"测{next_number()}区"
    async with session_scope(world.sessionmaker) as session:
        for i in range(count):
            await service.add_point(
                session,
                code=f"AP{next_number()}",
                name=f"{district}公积金服务厅{i}号",
                district=district,
                address=f"{district}解放路{i}号",
                latitude=lat0 + rng.uniform(-0.05, 0.05),
                longitude=lng0 + rng.uniform(-0.05, 0.05),
                hours=HOURS,
                phone="028-86120001",
                services=["提取", "查询"] if i % 2 else ["贷款"],
            )
    return lat0, lng0, district


async def _brute_force(world: World, lat: float, lng: float, limit: int) -> list[str]:
    async with session_scope(world.sessionmaker) as session:
        points = await repo.all_points(session)
    ranked = sorted(points, key=lambda p: haversine_m(lat, lng, p.latitude, p.longitude))
    return [p.code for p in ranked[:limit]]


async def test_nearest_endpoint_matches_brute_force(world: World) -> None:
    lat, lng, _ = await _town(world)
    response = await world.client.get(
        "/api/points/nearest", params={"lat": lat, "lng": lng, "limit": 5}
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["code"] for i in items] == await _brute_force(world, lat, lng, 5)
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)
    first = items[0]
    assert first["hours_text"].startswith("周一至周五")
    assert isinstance(first["open_now"], bool)
    assert first["map_url"].startswith("https://apis.map.qq.com/uri/v1/marker?")


async def test_nearest_endpoint_refuses_bad_coordinates(world: World) -> None:
    response = await world.client.get("/api/points/nearest", params={"lat": 91, "lng": 104})
    assert response.status_code == 422
    assert response.json()["fields"] == ["lat"]


async def test_search_by_district_keyword_and_distance(world: World) -> None:
    lat, lng, district = await _town(world)
    listed = (await world.client.get("/api/points", params={"district": district})).json()
    assert len(listed["items"]) == 12
    loans = await world.client.get("/api/points", params={"district": district, "q": "贷款"})
    assert {"贷款"} == {s for i in loans.json()["items"] for s in i["services"]}
    assert len(loans.json()["items"]) == 6
    near = await world.client.get(
        "/api/points", params={"district": district, "lat": lat, "lng": lng, "limit": 3}
    )
    assert [i["code"] for i in near.json()["items"]] == await _brute_force(world, lat, lng, 3)
    half = await world.client.get("/api/points", params={"district": district, "lat": lat})
    assert half.status_code == 422


async def _callback(world: World, user: SimulatedUser, xml: str) -> str:
    signed: SignedCallback = user.sign(xml, mode="safe")
    response = await world.client.post(
        "/wechat/callback", params=signed.params, content=signed.body
    )
    assert response.status_code == 200
    reply = user.read_reply(response.content)
    assert reply is not None
    return reply.text


async def test_location_message_answers_with_the_nearest_three(world: World) -> None:
    lat, lng, _ = await _town(world)
    user = SimulatedUser(callback_crypto(world.settings), openid=f"o-pt-{next_number()}")
    text = await _callback(world, user, user.location(lat, lng, "某地"))
    nearest = await _brute_force(world, lat, lng, 3)
    async with session_scope(world.sessionmaker) as session:
        names = {p.code: p.name for p in await repo.all_points(session)}
    positions = [text.index(names[code] + "（") for code in nearest]
    assert positions == sorted(positions)
    assert text.count("查看地图/导航") == 3
    assert re.search(r"（\d+(\.\d)?公里|（\d+米", text)
    assert re.search("营业中|已休息", text)
    assert "028-86120001" in text
    link = re.search(r'href="([^"]+)"', text)
    assert link is not None
    marker = parse_qs(urlsplit(link.group(1)).query)["marker"][0]
    assert marker.endswith(f"title:{names[nearest[0]]}")
    assert len(text.encode()) <= TEXT_REPLY_MAX_BYTES
    assert not text.endswith("…")

    # The typed word uses the location just shared; the location picker answers too.
    assert await _callback(world, user, user.text("网点")) == text
    picked = await _callback(world, user, user.location_select("SERVICE_POINTS", lat, lng))
    assert picked == text


async def test_without_a_location_the_user_is_told_how_to_share_one(world: World) -> None:
    user = SimulatedUser(callback_crypto(world.settings), openid=f"o-pt-{next_number()}")
    text = await _callback(world, user, user.text("网点"))
    assert "发送您的位置" in text


async def test_far_away_users_are_told_nothing_is_near(world: World) -> None:
    lat, lng, _ = await _town(world, count=3)
    user = SimulatedUser(callback_crypto(world.settings), openid=f"o-pt-{next_number()}")
    # The southern hemisphere: no test anywhere puts a point there (the database is shared).
    text = await _callback(world, user, user.location(-lat, lng))
    assert text.startswith("您附近50公里内没有服务网点")
