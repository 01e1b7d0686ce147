"""Great-circle distances, the grid index against brute force, opening hours, display."""

from __future__ import annotations

import random
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from wxbackend.clock import CHINA_TZ
from wxbackend.points.display import distance_text, map_url
from wxbackend.points.geo import GridIndex, haversine_m
from wxbackend.points.hours import HoursFormatError, parse_hours


def test_haversine_matches_known_distances() -> None:
    assert haversine_m(30.0, 104.0, 30.0, 104.0) == 0.0
    # One degree of latitude is 111.195 km on the mean-radius sphere.
    assert haversine_m(30.0, 104.0, 31.0, 104.0) == pytest.approx(111_195, abs=1)
    # 成都天府广场 → 北京天安门: about 1,520 km.
    assert haversine_m(30.6574, 104.0658, 39.9087, 116.3975) == pytest.approx(1_520_000, rel=0.01)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grid_nearest_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    # A city of clustered points plus a few in other provinces.
    points = [(30.4 + rng.random() * 0.6, 103.8 + rng.random() * 0.6, i) for i in range(3000)]
    points += [(20 + rng.random() * 25, 80 + rng.random() * 40, 3000 + i) for i in range(200)]
    grid = GridIndex(points)
    queries = [(30.4 + rng.random() * 0.6, 103.8 + rng.random() * 0.6) for _ in range(40)]
    queries += [(20 + rng.random() * 25, 80 + rng.random() * 40) for _ in range(20)]
    queries += [(39.9, 116.4), (53.0, 135.0)]  # far from every cluster
    for lat, lng in queries:
        for limit in (1, 3, 10):
            expected = sorted((haversine_m(lat, lng, a, b), i) for a, b, i in points)[:limit]
            got = grid.nearest(lat, lng, limit)
            assert [round(d, 6) for d, _ in got] == [round(d, 6) for d, _ in expected]


def test_grid_handles_empty_and_small_sets() -> None:
    assert GridIndex[int]([]).nearest(30.0, 104.0, 3) == []
    grid = GridIndex([(30.0, 104.0, "a"), (30.1, 104.0, "b")])
    assert [item for _, item in grid.nearest(30.09, 104.0, 5)] == ["b", "a"]
    assert grid.nearest(30.0, 104.0, 0) == []


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    # November 2026: the 16th is a Monday, the 21st a Saturday, the 22nd a Sunday.
    return datetime(2026, 11, day, hour, minute, tzinfo=CHINA_TZ)


def test_opening_hours_open_now() -> None:
    hours = parse_hours("mon-fri 09:00-12:00,13:30-17:00; sat 09:00-12:00")
    assert hours.text == "周一至周五 09:00-12:00、13:30-17:00；周六 09:00-12:00"
    assert hours.is_open(_at(16, 9, 0))
    assert not hours.is_open(_at(16, 12, 0))  # the end is exclusive
    assert not hours.is_open(_at(16, 13, 0))
    assert hours.is_open(_at(16, 16, 59))
    assert hours.is_open(_at(21, 10))
    assert not hours.is_open(_at(21, 14))
    assert not hours.is_open(_at(22, 10))
    # Moments in another zone are compared in China time: 01:30 UTC is 09:30 in Chengdu.
    assert hours.is_open(datetime.fromisoformat("2026-11-16T01:30:00+00:00"))


def test_opening_hours_lists_wraps_and_overnight() -> None:
    hours = parse_hours("mon,wed 08:00-10:00; sat-mon 20:00-02:00")
    assert hours.text == "周一、周三 08:00-10:00；周六至周一 20:00-02:00"
    assert hours.is_open(_at(18, 9))  # Wednesday
    assert not hours.is_open(_at(17, 9))  # Tuesday
    assert hours.is_open(_at(22, 23))  # Sunday evening
    assert hours.is_open(_at(17, 1))  # Tuesday 01:00, from Monday's late span
    assert not hours.is_open(_at(18, 1))  # Wednesday 01:00: Tuesday has no late span


@pytest.mark.parametrize("bad", ["", "daily 09:00-17:00", "mon 9:00-17:00", "mon"])
def test_bad_opening_hours_are_refused(bad: str) -> None:
    with pytest.raises(HoursFormatError):
        parse_hours(bad)


@pytest.mark.parametrize(
    ("metres", "text"),
    [(3, "10米"), (850.4, "850米"), (999, "1.0公里"), (1000, "1.0公里"), (1234, "1.2公里"),
     (35_400, "35.4公里"), (152_000, "152公里")],
)  # fmt: skip
def test_distance_text(metres: float, text: str) -> None:
    assert distance_text(metres) == text


def test_map_url_encodes_the_name() -> None:
    url = map_url(latitude=30.6555, longitude=104.087, name="锦江服务厅&x=1")
    parts = urlsplit(url)
    assert parts.netloc == "apis.map.qq.com"
    query = parse_qs(parts.query)
    assert query["referer"] == ["wxbackend"]
    assert query["marker"] == ["coord:30.655500,104.087000;title:锦江服务厅&x=1"]
