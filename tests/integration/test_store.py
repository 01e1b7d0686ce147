"""The shared store behaves the same on Redis and in process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from wxbackend.config import Settings
from wxbackend.store import DurableMemoryStore, LockNotAcquired, RedisStore, Store, hold_lock


async def test_values_expire_after_their_ttl(store: Store) -> None:
    await store.set("k", "v", ttl=0.05)
    assert await store.get("k") == "v"
    await asyncio.sleep(0.08)
    assert await store.get("k") is None


async def test_set_if_absent_lets_only_the_first_writer_in(store: Store) -> None:
    results = await asyncio.gather(*(store.set_if_absent("once", str(i), ttl=5) for i in range(20)))
    assert results.count(True) == 1
    winner = results.index(True)
    assert await store.get("once") == str(winner)


async def test_set_if_absent_each_sets_absent_keys_and_reports_held_values(store: Store) -> None:
    await store.set("held", "same")
    found = await store.set_if_absent_each(
        [("new", "a", 5), ("held", "same", 5), ("last", "b", None)]
    )
    assert found == [None, "same", None]
    assert (await store.get("new"), await store.get("last")) == ("a", "b")
    remaining = await store.ttl("new")
    assert remaining is not None
    assert 0 < remaining <= 5
    assert await store.ttl("last") is None


async def test_set_if_absent_each_stops_after_a_different_value(store: Store) -> None:
    await store.set("held", "theirs")
    found = await store.set_if_absent_each([("held", "mine", 5), ("after", "x", 5)])
    assert found == ["theirs"]
    assert await store.get("held") == "theirs"
    assert await store.get("after") is None


async def test_set_if_absent_each_lets_only_the_first_writer_in(store: Store) -> None:
    results = await asyncio.gather(
        *(store.set_if_absent_each([("guard", "g", 5), ("claim", str(i), 5)]) for i in range(20))
    )
    winners = [i for i, found in enumerate(results) if found == [None, None]]
    assert len(winners) == 1
    assert await store.get("claim") == str(winners[0])


async def test_delete_if_equals_only_removes_the_expected_value(store: Store) -> None:
    await store.set("token", "new")
    assert await store.delete_if_equals("token", "old") is False
    assert await store.get("token") == "new"
    assert await store.delete_if_equals("token", "new") is True
    assert await store.get("token") is None


async def test_counters_are_atomic_and_expire(store: Store) -> None:
    values = await asyncio.gather(*(store.incr("tries", ttl=60) for _ in range(50)))
    assert sorted(values) == list(range(1, 51))
    remaining = await store.ttl("tries")
    assert remaining is not None
    assert 0 < remaining <= 60


async def test_lock_is_exclusive_and_released(store: Store) -> None:
    inside = 0
    peak = 0

    async def critical() -> None:
        nonlocal inside, peak
        async with hold_lock(store, "refresh", ttl=5, wait=5):
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(critical() for _ in range(10)))
    assert peak == 1
    assert await store.get("lock:refresh") is None


async def test_lock_wait_gives_up_with_an_error(store: Store) -> None:
    async with hold_lock(store, "busy", ttl=5):
        with pytest.raises(LockNotAcquired):
            async with hold_lock(store, "busy", ttl=5, wait=0.05):
                pass


async def test_two_store_clients_share_state(store_factory: Callable[[], Store]) -> None:
    first, second = store_factory(), store_factory()
    try:
        await first.set("shared", "yes", ttl=5)
        assert await second.get("shared") == "yes"
        assert await second.set_if_absent("shared", "no") is False
    finally:
        await first.delete("shared")


async def test_a_burst_beyond_the_redis_pool_waits_instead_of_failing(settings: Settings) -> None:
    # Finding 8: bursts over the pool's connections raised MaxConnectionsError.
    if not settings.store.redis_url:
        pytest.skip("Redis only (the services pass)")
    small = settings.store.model_copy(
        update={"max_connections": 2, "key_prefix": settings.store.key_prefix + "burst:"}
    )
    store = RedisStore.from_settings(small)
    try:
        counts = await asyncio.gather(*(store.incr("burst") for _ in range(200)))
    finally:
        await store.delete_prefix()
        await store.close()
    assert sorted(counts) == list(range(1, 201))


async def test_the_embedded_store_keeps_its_state_across_a_restart(tmp_path: Path) -> None:
    first = DurableMemoryStore(tmp_path / "s.store", prefix="p:")
    await first.incr("pwfail:1", ttl=600)
    await first.set("session:x", "{}", ttl=600)
    await first.set("gone", "1", ttl=0.01)
    await first.acquire_lock("job", "t", ttl=60)
    await first.close()
    await asyncio.sleep(0.02)
    again = DurableMemoryStore(tmp_path / "s.store", prefix="p:")
    assert await again.incr("pwfail:1", ttl=600) == 2
    assert await again.get("session:x") == "{}"
    assert 590 < (await again.ttl("session:x") or 0) <= 600
    assert await again.get("gone") is None
    # Locks belong to the tasks of the process that took them, not to its successor.
    assert await again.acquire_lock("job", "u", ttl=60)
    await again.close()
