"""Nearest service points and search on the real database, checked by brute force."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tests.builders import next_number
from wxbackend.clock import CHINA_TZ
from wxbackend.points import repository as repo
from wxbackend.points import service
from wxbackend.points.geo import haversine_m

HOURS = "mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00"


async def _add_city(session: AsyncSession, rng: random.Random, count: int) -> str:
    """`count` points around a random spot in western China; returns their district."""
    district = f"测试{next_number()}区"
    lat0, lng0 = 36 + rng.random() * 8, 80 + rng.random() * 10
    rows = [
        {
            "code": f"IT{next_number()}",
            "name": f"{district}第{i}服务点",
            "district": district if i % 2 else "其他区",
            "address": f"{district}人民路{i}号",
            "latitude": lat0 + rng.gauss(0, 0.15),
            "longitude": lng0 + rng.gauss(0, 0.15),
            "hours": HOURS if i % 3 else "sat-sun 10:00-16:00",
            "phone": "028-86120001",
            "services": "贷款、查询" if i % 4 == 1 else "提取、查询",
        }
        for i in range(count)
    ]
    await repo.bulk_insert(session, rows)
    return district


async def test_nearest_equals_brute_force_over_thousands(session: AsyncSession) -> None:
    rng = random.Random(5)
    await _add_city(session, rng, 2500)
    everything = await repo.all_points(session)
    for _ in range(25):
        point = rng.choice(everything)
        lat, lng = point.latitude + rng.gauss(0, 0.05), point.longitude + rng.gauss(0, 0.05)
        expected = sorted(
            (haversine_m(lat, lng, p.latitude, p.longitude), p.code) for p in everything
        )[:5]
        found = await service.nearest_points(session, latitude=lat, longitude=lng, limit=5)
        assert [round(f.distance_m or 0, 3) for f in found] == [round(d, 3) for d, _ in expected]
        assert {f.point.code for f in found} == {c for _, c in expected}


async def test_open_now_filter_keeps_distance_order(session: AsyncSession) -> None:
    rng = random.Random(6)
    await _add_city(session, rng, 300)
    point = (await repo.all_points(session))[-1]
    saturday_afternoon = datetime(2026, 11, 21, 14, 0, tzinfo=CHINA_TZ)
    found = await service.nearest_points(
        session,
        latitude=point.latitude,
        longitude=point.longitude,
        limit=4,
        open_now_only=True,
        at=saturday_afternoon,
    )
    assert len(found) == 4
    assert all(f.open_now for f in found)
    assert all(f.point.hours == "sat-sun 10:00-16:00" for f in found)
    distances = [f.distance_m or 0 for f in found]
    assert distances == sorted(distances)


async def test_search_by_district_and_keyword(session: AsyncSession) -> None:
    rng = random.Random(7)
    district = await _add_city(session, rng, 40)
    in_district = await service.search_points(session, district=district, limit=100)
    assert len(in_district) == 20
    assert all(f.point.district == district for f in in_district)
    loans = await service.search_points(session, district=district, keyword="贷款", limit=100)
    assert len(loans) == 10
    assert {f.point.code for f in loans} < {f.point.code for f in in_district}
    assert all("贷款" in f.point.services for f in loans)
    by_name = await service.search_points(session, keyword=f"{district}第7服务点")
    assert [f.point.name for f in by_name] == [f"{district}第7服务点"]
