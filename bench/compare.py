"""The whole comparison in one command: the bare ASGI app, the minimal FastAPI + wechatpy
peer, wxbackend's text reply on SQLite + in-process store and on PostgreSQL + Redis, and
the 账户查询 click on PostgreSQL + Redis; one worker each, wrk -t1 -c32, three rounds,
medians. Run on demand (not part of pytest); traffic goes to 127.0.0.1 only:

    .venv/bin/python bench/compare.py                   # needs wrk, PostgreSQL and Redis
    .venv/bin/python bench/compare.py --rounds 1 --duration 5 --only bare,click

PostgreSQL: a database `wxb_bench` is dropped, created and migrated on
WXB_BENCH_PG (default postgresql://postgres@127.0.0.1:5432); Redis: WXB_BENCH_REDIS
(default redis://127.0.0.1:6379/0) under the key prefix `wxbbench:`. Servers listen on
WXB_BENCH_PORT and the next few ports (default 18500).

Per target and round: the server is started fresh (for wxbackend, the time until its
/readyz first answers 200 is recorded), warmed with 300 requests, probed for 2 s to size
the load, then driven for --duration seconds. CPU µs per request is the server's own
user + system time (/proc/<pid>/stat, children included) over the driven run divided by
the requests answered: the steadier figure on a shared machine. RSS is read after the
load. The ratio is the target's req/s over the bare app's in the same round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.account_bench import check_reply, clicks  # noqa: E402
from bench.account_setup import bound_follower  # noqa: E402
from bench.callback_bench import (  # noqa: E402
    Result,
    bare_server,
    build_requests,
    drive_python,
    drive_wrk,
    start_server,
    wxbackend_server,
)
from wxbackend import schema  # noqa: E402
from wxbackend.config import Settings  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Target:
    key: str
    label: str
    command: Callable[[int], list[str]]
    env: dict[str, str]
    requests: Callable[[Settings, int, int], list[bytes]]


@dataclass
class Measured:
    result: Result
    cpu_us: float
    rss_mb: float
    ready_s: float | None


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            pids += _tree(int(child))
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process and its children (uvicorn's, if any)."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    kb = 0
    for p in _tree(pid):
        try:
            kb += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE_KB
        except FileNotFoundError:
            continue
    return kb / 1024


def bare(port: int) -> list[str]:
    return bare_server(port)


def peer(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "peer_app:app", "--app-dir", str(ROOT / "bench"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


async def wait_for(url: str, timeout_s: float = 120.0) -> float:
    """Seconds until `url` first answers 200."""
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() - started < timeout_s:
            try:
                if (await client.get(url)).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {timeout_s:g} s")


async def measure(target: Target, port: int, args: argparse.Namespace, tmp: Path) -> Measured:
    settings = Settings()
    with (tmp / f"{target.key}.log").open("wb") as log_file:
        started = time.monotonic()
        server = start_server(target.command(port), target.env, log_file)
        try:
            wxb = target.command is wxbackend_server
            ready_url = f"http://127.0.0.1:{port}" + ("/readyz" if wxb else "/healthz")
            await wait_for(ready_url)
            ready_s = time.monotonic() - started if wxb else None
            await drive_python(port, target.requests(settings, port, 300), args.concurrency)
            probe = target.requests(settings, port, 3000)
            rate = (await asyncio.to_thread(drive_wrk, port, probe, args.concurrency, 2, tmp)).rps
            # Fresh requests for 2.5× the probe's rate: a busy machine's probe runs slow,
            # and a resend would be answered from the dedupe record (cheaper).
            count = min(150_000, int(rate * args.duration * 2.5) + 2000)
            load = target.requests(settings, port, count)
            cpu_before = cpu_seconds(server.pid)
            result = await asyncio.to_thread(
                drive_wrk, port, load, args.concurrency, args.duration, tmp
            )
            cpu = cpu_seconds(server.pid) - cpu_before
            cpu_us = cpu * 1e6 / max(1, result.requests)
            return Measured(result, cpu_us, rss_mb(server.pid), ready_s)
        finally:
            stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a machine this busy: do not leave it running
        server.kill()
        server.wait()


async def fresh_database(dsn: str) -> str:
    admin = await asyncpg.connect(dsn + "/postgres")
    try:
        await admin.execute("DROP DATABASE IF EXISTS wxb_bench WITH (FORCE)")
        await admin.execute("CREATE DATABASE wxb_bench")
    finally:
        await admin.close()
    url = dsn.replace("postgresql://", "postgresql+asyncpg://", 1) + "/wxb_bench"
    await asyncio.to_thread(schema.upgrade, url)
    return url


def _env(base: dict[str, str], **values: str) -> dict[str, str]:
    env = {k: v for k, v in base.items() if not k.startswith("WXB_STORE__")}
    env.update(values)
    return env


def print_table(rounds: list[dict[str, Measured]], targets: list[Target]) -> None:
    print(f"\n{len(rounds)} round(s); medians (min–max of p99)")
    head = f"{'target':<52}{'of bare':>8}{'req/s':>8}{'CPU µs/req':>11}{'p99 ms':>14}{'RSS MB':>8}"
    print(head + f"{'ready s':>9}")
    for t in targets:
        runs = [r[t.key] for r in rounds if t.key in r]
        if not runs:
            continue
        ratios = [r[t.key].result.rps / r["bare"].result.rps for r in rounds if "bare" in r]
        ratio = f"{statistics.median(ratios):.3f}" if ratios else "-"
        p99s = [m.result.p99 for m in runs]
        p99 = f"{min(p99s):.0f}–{max(p99s):.0f}" if len(runs) > 1 else f"{p99s[0]:.1f}"
        ready = [m.ready_s for m in runs if m.ready_s is not None]
        print(
            f"{t.label:<52}{ratio:>8}{statistics.median(m.result.rps for m in runs):>8.0f}"
            f"{statistics.median(m.cpu_us for m in runs):>11.0f}{p99:>14}"
            f"{statistics.median(m.rss_mb for m in runs):>8.0f}"
            + (f"{statistics.median(ready):>9.2f}" if ready else f"{'':>9}")
        )
        errors = sum(m.result.errors for m in runs)
        reused = sum(m.result.reused for m in runs)
        if errors or (reused and t.key != "bare"):
            print(f"  WARNING: {errors} errors, {reused} resends")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=8, help="seconds per target")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", help="comma-separated: bare,peer,wxb-sqlite,wxb-pg,click")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install -y wrk)")
    pg = os.environ.get("WXB_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
    redis_url = os.environ.get("WXB_BENCH_REDIS", "redis://127.0.0.1:6379/0")
    port = int(os.environ.get("WXB_BENCH_PORT", "18500"))

    base = {k: v for k, v in os.environ.items() if not k.startswith("WXB_")}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sqlite_url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await asyncio.to_thread(schema.upgrade, sqlite_url)
        pg_url = await fresh_database(pg)
        redis_env = {
            "WXB_DATABASE__URL": pg_url,
            "WXB_STORE__REDIS_URL": redis_url,
            "WXB_STORE__KEY_PREFIX": "wxbbench:",
        }
        os.environ.update(redis_env)
        openid = await bound_follower(Settings())
        oa = Settings().wechat.oa
        await check_click(port, _env(base, **redis_env), openid, tmp)

        def click_requests(settings: Settings, p: int, n: int) -> list[bytes]:
            return clicks(settings, p, openid, n)

        targets = [
            Target("bare", "bare ASGI under uvicorn (the limit)", bare, base, build_requests),
            Target(
                "peer", "minimal FastAPI + wechatpy peer", peer,
                _env(base, WXB_PEER_TOKEN=oa.token.get_secret_value(),
                     WXB_PEER_AES_KEY=oa.encoding_aes_key.get_secret_value(),
                     WXB_PEER_APP_ID=oa.app_id),
                build_requests,
            ),
            Target("wxb-sqlite", "wxbackend text reply, SQLite + in-process store",
                   wxbackend_server, _env(base, WXB_DATABASE__URL=sqlite_url), build_requests),
            Target("wxb-pg", "wxbackend text reply, PostgreSQL + Redis", wxbackend_server,
                   _env(base, **redis_env), build_requests),
            Target("click", "wxbackend 账户查询 click, PostgreSQL + Redis", wxbackend_server,
                   _env(base, **redis_env), click_requests),
        ]  # fmt: skip
        wanted = set(args.only.split(",")) if args.only else {t.key for t in targets}
        rounds: list[dict[str, Measured]] = []
        for n in range(args.rounds):
            measured: dict[str, Measured] = {}
            for t in targets:
                if t.key in wanted:
                    measured[t.key] = await measure(t, port, args, tmp)
                    m = measured[t.key]
                    print(
                        f"round {n + 1} {t.key:<11}{m.result.rps:>8.0f} req/s"
                        f"{m.cpu_us:>7.0f} µs/req  p99 {m.result.p99:.1f} ms"
                        f"  {m.rss_mb:.0f} MB", flush=True,
                    )  # fmt: skip
            rounds.append(measured)
        print_table(rounds, targets)


async def check_click(port: int, env: dict[str, str], openid: str, tmp: Path) -> None:
    """One click before any load: the reply must be the account summary."""
    with (tmp / "check.log").open("wb") as log_file:
        server = start_server(wxbackend_server(port), env, log_file)
        try:
            await wait_for(f"http://127.0.0.1:{port}/readyz")
            await check_reply(port, Settings(), openid)
        finally:
            stop(server)


if __name__ == "__main__":
    asyncio.run(main())
