"""Exit 0 when the PostgreSQL and Redis the services test pass needs answer, else 1."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
from redis.asyncio import Redis

PG = os.environ.get("WXB_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("WXB_TEST_REDIS", "redis://127.0.0.1:6379/0")


async def main() -> int:
    ok = True
    try:
        conn = await asyncpg.connect(PG.replace("+asyncpg", ""), timeout=5)
        await conn.fetchval("SELECT 1")
        await conn.close()
    except Exception as exc:
        print(f"PostgreSQL not reachable at {PG}: {exc}", file=sys.stderr)
        ok = False
    try:
        redis = Redis.from_url(REDIS, socket_connect_timeout=5)
        await redis.ping()
        await redis.aclose()
    except Exception as exc:
        print(f"Redis not reachable at {REDIS}: {exc}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
