"""The `wxbackend` console script as real processes: `serve`, `worker`, `ledger check`,
each in a process group of its own on a fresh PostgreSQL database and Redis key prefix.

For the acceptance checks that an in-process stand-in cannot make (several server
workers, a SIGKILL mid-payout). The sandbox stays in the test process (tests/
sandbox_server.py): a separate process from the ones under test, its state readable.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path

import httpx

from tests.conftest import REDIS_URL, TEST_NOW, _create_pg_database, _drop_pg_database
from tests.sandbox_server import SandboxServer
from wxbackend import clock, schema
from wxbackend.store import RedisStore

WXBACKEND = Path(sys.executable).with_name("wxbackend")
MOVED_CLOCK = Path(__file__).with_name("moved_clock")


def on_our_clock(env: dict[str, str]) -> dict[str, str]:
    """`env`, and on a moved clock (WXB_TEST_NOW) what puts the process on this moment."""
    if not TEST_NOW:
        return env
    path = os.pathsep.join(p for p in (str(MOVED_CLOCK), env.get("PYTHONPATH", "")) if p)
    return env | {"PYTHONPATH": path, "WXB_TEST_NOW": clock.now().isoformat()}


@asynccontextmanager
async def fresh_services() -> AsyncIterator[tuple[str, str]]:
    """(database URL, Redis key prefix): a migrated database and a prefix of their own,
    both dropped afterwards."""
    name = f"wxb_proc_{secrets.token_hex(4)}"
    url = await _create_pg_database(name)
    prefix = f"wxbproc:{secrets.token_hex(4)}:"
    try:
        await asyncio.to_thread(schema.upgrade, url)
        yield url, prefix
    finally:
        store = RedisStore(REDIS_URL, prefix=prefix)
        await store.delete_prefix()
        await store.close()
        await _drop_pg_database(name)


def service_env(
    home: Path, *, database_url: str, prefix: str, sandbox: SandboxServer, **extra: str
) -> dict[str, str]:
    """An operator's environment: the database, Redis, every outside system at the
    sandbox (served elsewhere, so the server's own sandbox is off)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WXB_", "DATABASE_URL"))}
    env.update(
        {
            "WXB_HOME": str(home),
            "WXB_ENV": "test",
            "WXB_DATABASE__URL": database_url,
            "WXB_STORE__REDIS_URL": REDIS_URL,
            "WXB_STORE__KEY_PREFIX": prefix,
            "WXB_SANDBOX__ENABLED": "false",
            "WXB_WECHAT__API_BASE_URL": sandbox.wechat_url,
            "WXB_WECHAT__OPEN_BASE_URL": sandbox.wechat_url,
            "WXB_TENCENT__ENDPOINT": sandbox.tencent_endpoint,
            "WXB_BANK__BASE_URL": sandbox.bank_url,
            "WXB_SERVER__LOG_JSON": "true",
            "WXB_SERVER__LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


@contextmanager
def spawned(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`wxbackend ARGS` in its own process group, output to `log`; the whole group is
    killed when the block ends (uvicorn's workers too)."""
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [str(WXBACKEND), *args],
            env=on_our_clock(env),
            cwd=env["WXB_HOME"],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        kill_group(process)


def kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """`sig` to the process and everything it started; waits for the leader."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


async def run_command(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`wxbackend ARGS` to completion (bounded), its output captured."""
    return await asyncio.to_thread(
        subprocess.run,
        [str(WXBACKEND), *args],
        env=on_our_clock(env),
        cwd=env["WXB_HOME"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def wait_ready(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until /readyz answers 200; fails at once if the server exits. At most 90 s: two
    workers import the whole app, on a busy CI machine too."""
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {await tail(log)}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError(f"serve never became ready: {await tail(log)}")


async def tail(log: Path) -> str:
    text = await asyncio.to_thread(log.read_text, encoding="utf-8", errors="replace")
    return text[-3000:]
