"""账户查询 throughput: a bound follower's menu click, wxbackend vs the bare ASGI app.

The whole query path per request: signature + AES, replay and dedupe records in the
store, the binding and credential lookup, the overview queries (account, this year's
deposits, loans, employer) and an encrypted reply. Reuses callback_bench's servers and
clients. Run on demand (not part of pytest); traffic goes to 127.0.0.1 only:

    WXB_STORE__REDIS_URL=redis://127.0.0.1:6379/0 WXB_STORE__KEY_PREFIX=wxbbench: \\
    WXB_DATABASE__URL=postgresql+asyncpg://postgres@127.0.0.1:5432/wxb_bench \\
      .venv/bin/python bench/account_bench.py --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.account_setup import bound_follower
from bench.callback_bench import (
    Result,
    bare_server,
    drive_python,
    drive_wrk,
    free_port,
    raw_request,
    start_server,
    wait_ready,
    wxbackend_server,
)
from wxbackend import clock, schema
from wxbackend.callback.runtime import callback_crypto
from wxbackend.callback.simulator import SimulatedUser
from wxbackend.config import Settings

# Events are deduplicated by sender + CreateTime (+ event and key): every click needs its
# own CreateTime, or the server would only replay the first answer.
_create_times = itertools.count(int(clock.timestamp()) - 10_000_000)


def clicks(settings: Settings, port: int, openid: str, count: int) -> list[bytes]:
    user = SimulatedUser(callback_crypto(settings), openid=openid)
    return [
        raw_request(
            port,
            user.sign(
                user.event("CLICK", "ACCOUNT_QUERY", CreateTime=next(_create_times)), mode="safe"
            ),
        )
        for _ in range(count)
    ]


async def check_reply(port: int, settings: Settings, openid: str) -> None:
    """One click first: the answer must be the account summary, not a fallback text."""
    user = SimulatedUser(callback_crypto(settings), openid=openid)
    signed = user.sign(user.event("CLICK", "ACCOUNT_QUERY", CreateTime=1), mode="safe")
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.post("/wechat/callback", params=signed.params, content=signed.body)
    reply = user.read_reply(response.content)
    if reply is None or "账户余额" not in reply.text:
        raise RuntimeError(f"unexpected 账户查询 reply: {reply}")


async def run(
    name: str,
    command: Callable[[int], list[str]],
    env: dict[str, str],
    args: argparse.Namespace,
    openid: str,
    tmp: Path,
) -> Result:
    settings = Settings()
    port = free_port()
    with (tmp / f"{name.split()[0]}.log").open("wb") as log_file:
        server = start_server(command(port), env, log_file)
        try:
            await wait_ready(f"http://127.0.0.1:{port}")
            if name.startswith("wxbackend"):
                await check_reply(port, settings, openid)
            await drive_python(port, clicks(settings, port, openid, 300), args.concurrency)
            if args.client == "wrk":
                probe = clicks(settings, port, openid, 2000)
                rate = (
                    await asyncio.to_thread(drive_wrk, port, probe, args.concurrency, 2, tmp)
                ).rps
                count = min(150_000, int(rate * args.duration * 1.5) + 1000)
                load = clicks(settings, port, openid, count)
                return await asyncio.to_thread(
                    drive_wrk, port, load, args.concurrency, args.duration, tmp
                )
            return await drive_python(
                port, clicks(settings, port, openid, args.requests), args.concurrency
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--duration", type=float, default=10, help="seconds per target (wrk)")
    parser.add_argument("--requests", type=int, default=5000, help="per target (python)")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"

    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if "WXB_DATABASE__URL" not in env:
            env["WXB_DATABASE__URL"] = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await asyncio.to_thread(schema.upgrade, env["WXB_DATABASE__URL"])
        os.environ["WXB_DATABASE__URL"] = env["WXB_DATABASE__URL"]
        openid = await bound_follower(Settings())
        database = "SQLite" if env["WXB_DATABASE__URL"].startswith("sqlite") else "PostgreSQL"
        backend = database + ("+Redis" if env.get("WXB_STORE__REDIS_URL") else "+in-process")
        results = {
            "bare ASGI": await run("bare ASGI", bare_server, env, args, openid, tmp),
        }
        name = f"wxbackend ({backend})"
        results[name] = await run(name, wxbackend_server, env, args, openid, tmp)

    load = f"wrk -t1, {args.duration:g} s" if args.client == "wrk" else f"{args.requests} requests"
    print(f"\n账户查询 clicks (bound follower), {args.concurrency} connections, 1 worker, {load}")
    print(f"{'target':<36}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>8}")
    bare = results["bare ASGI"]
    for label, r in results.items():
        print(
            f"{label:<36}{r.rps:>9.0f}{r.p50:>9.1f}{r.p99:>9.1f}{r.errors:>8}"
            f"{r.rps / bare.rps:>8.1%}"
        )
        if r.reused and not label.startswith("bare"):
            print(f"  WARNING: {r.reused} requests were resends (ran out of fresh ones)")


if __name__ == "__main__":
    asyncio.run(main())
