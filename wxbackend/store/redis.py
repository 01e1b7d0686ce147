"""Redis-backed store: state shared by every worker and machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from wxbackend.config import StoreSettings

# Compare-and-delete must be atomic, or a slow holder could drop a lock a newer holder took.
_DELETE_IF_EQUALS = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""

_INCR_WITH_TTL = """
local value = redis.call('incrby', KEYS[1], ARGV[1])
if value == tonumber(ARGV[1]) and tonumber(ARGV[2]) > 0 then
    redis.call('pexpire', KEYS[1], ARGV[2])
end
return value
"""

# KEYS: the keys; ARGV: value and ttl in ms (0: none) per key. false becomes a nil reply.
_SET_IF_ABSENT_EACH = """
local found = {}
for i, key in ipairs(KEYS) do
    local value, ms = ARGV[2 * i - 1], tonumber(ARGV[2 * i])
    local current = redis.call('get', key)
    if not current then
        if ms > 0 then
            redis.call('set', key, value, 'px', ms)
        else
            redis.call('set', key, value)
        end
        found[i] = false
    else
        found[i] = current
        if current ~= value then
            break
        end
    end
end
return found
"""


class RedisStore:
    """Store on a Redis server; every key carries the deployment prefix."""

    shared_between_processes = True

    def __init__(self, url: str, prefix: str = "wxb:", *, redis: Redis | None = None) -> None:
        self._redis: Redis = redis or Redis.from_url(url, decode_responses=True)
        self._prefix = prefix
        self._delete_if_equals = self._redis.register_script(_DELETE_IF_EQUALS)
        self._incr_with_ttl = self._redis.register_script(_INCR_WITH_TTL)
        self._set_if_absent_each = self._redis.register_script(_SET_IF_ABSENT_EACH)

    @classmethod
    def from_settings(cls, settings: StoreSettings) -> RedisStore:
        """A store that survives a Redis restart and a burst beyond its pool.

        A burst waits up to pool_timeout_s for a connection instead of failing at once;
        a connection that died with its server (restart) is retried on a fresh one, and
        idle ones are pinged before use, so a restart costs a retry, not an error.
        """
        if not settings.redis_url:
            raise ValueError("RedisStore needs store.redis_url")
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            decode_responses=True,
            max_connections=settings.max_connections,
            timeout=settings.pool_timeout_s,
            socket_timeout=settings.socket_timeout_s,
            socket_connect_timeout=settings.socket_timeout_s,
            health_check_interval=settings.health_check_interval_s,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
            retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        )
        return cls(settings.redis_url, prefix=settings.key_prefix, redis=Redis.from_pool(pool))

    @property
    def client(self) -> Redis:
        return self._redis

    @property
    def key_prefix(self) -> str:
        """The deployment prefix every key carries."""
        return self._prefix

    def _k(self, key: str) -> str:
        return self._prefix + key

    @staticmethod
    def _ms(ttl: float | None) -> int | None:
        return None if ttl is None else max(1, int(ttl * 1000))

    async def get(self, key: str) -> str | None:
        return cast("str | None", await self._redis.get(self._k(key)))

    async def set(self, key: str, value: str, *, ttl: float | None = None) -> None:
        await self._redis.set(self._k(key), value, px=self._ms(ttl))

    async def set_if_absent(self, key: str, value: str, *, ttl: float | None = None) -> bool:
        return bool(await self._redis.set(self._k(key), value, px=self._ms(ttl), nx=True))

    async def set_if_absent_each(
        self, items: Sequence[tuple[str, str, float | None]]
    ) -> list[str | None]:
        args: list[str | int] = []
        for _key, value, ttl in items:
            args += [value, self._ms(ttl) or 0]
        result: Any = await self._set_if_absent_each(
            keys=[self._k(key) for key, _value, _ttl in items], args=args
        )
        return [None if value is None else str(value) for value in result]

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._k(key))

    async def delete_if_equals(self, key: str, value: str) -> bool:
        result: Any = await self._delete_if_equals(keys=[self._k(key)], args=[value])
        return bool(result)

    async def incr(self, key: str, amount: int = 1, *, ttl: float | None = None) -> int:
        result: Any = await self._incr_with_ttl(
            keys=[self._k(key)], args=[amount, self._ms(ttl) or 0]
        )
        return int(result)

    async def ttl(self, key: str) -> float | None:
        ms = int(await self._redis.pttl(self._k(key)))
        return None if ms < 0 else ms / 1000

    async def acquire_lock(self, name: str, token: str, *, ttl: float) -> bool:
        return await self.set_if_absent("lock:" + name, token, ttl=ttl)

    async def release_lock(self, name: str, token: str) -> None:
        await self.delete_if_equals("lock:" + name, token)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()

    async def delete_prefix(self) -> int:
        """Drop every key under this store's prefix (tests clean up with it)."""
        removed = 0
        async for key in self._redis.scan_iter(match=self._prefix + "*", count=500):
            removed += int(await self._redis.delete(key))
        return removed
