"""Callback throughput: wxbackend under uvicorn vs a bare ASGI app, same load, same host.

Run on demand (not part of pytest): `.venv/bin/python bench/callback_bench.py --help`.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wxbackend import schema  # noqa: E402
from wxbackend.callback.runtime import callback_crypto  # noqa: E402
from wxbackend.callback.simulator import SignedCallback, SimulatedUser  # noqa: E402
from wxbackend.config import Settings  # noqa: E402

WRK_SCRIPT = Path(__file__).with_name("callback_bench.lua")


@dataclass
class Result:
    requests: int
    errors: int
    rps: float
    p50: float
    p99: float
    reused: int = 0  # pre-signed requests sent twice (wrk ran out of fresh ones)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bare_server(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(ROOT / "bench"),
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip


def wxbackend_server(port: int) -> list[str]:
    # Exactly `wxbackend serve` (one worker; uvicorn picks uvloop and httptools).
    launch = "from wxbackend.cli import main; main()"
    return [sys.executable, "-c", launch, "serve", "--host", "127.0.0.1", "--port", str(port)]


def start_server(command: list[str], env: dict[str, str], log: BinaryIO) -> subprocess.Popen[bytes]:
    # The service logs at its configured level (INFO by default: one JSON access line
    # per request) into a file, as it would in production.
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603


async def wait_ready(url: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                await client.get(url + "/healthz")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def raw_request(port: int, signed: SignedCallback) -> bytes:
    """The HTTP/1.1 request bytes, built up front so the client does little per request."""
    query = urlencode(signed.params)
    head = (
        f"POST /wechat/callback?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: text/xml\r\nContent-Length: {len(signed.body)}\r\n\r\n"
    )
    return head.encode("ascii") + signed.body


def build_requests(settings: Settings, port: int, count: int) -> list[bytes]:
    # Signed and encrypted before the clock starts: the client's AES work is not measured.
    # Each has its own MsgId and nonce, so the server runs the whole path every time.
    user = SimulatedUser(callback_crypto(settings), openid="o-bench-user")
    return [raw_request(port, user.sign(user.text("帮助"), mode="safe")) for _ in range(count)]


async def drive_python(port: int, requests: list[bytes], concurrency: int) -> Result:
    """Send every request over `concurrency` keep-alive connections; latency in ms.

    A minimal HTTP/1.1 client on asyncio streams (httpx would measure itself). It costs
    about as much CPU per request as the bare app, so it cannot saturate that one.
    """
    latencies: list[float] = []
    errors = 0
    queue = iter(requests)

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for raw in queue:
                started = time.perf_counter()
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                latencies.append((time.perf_counter() - started) * 1000)
                if not head.startswith(b"HTTP/1.1 200") or b"<xml>" not in body:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        requests=len(latencies),
        errors=errors,
        rps=len(latencies) / elapsed,
        p50=statistics.median(latencies),
        p99=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    )


def drive_wrk(
    port: int, requests: list[bytes], concurrency: int, duration_s: float, workdir: Path
) -> Result:
    """wrk (one thread) for `duration_s`, rotating through the pre-signed requests."""
    path = workdir / "requests.bin"
    path.write_bytes(b"\0".join(requests) + b"\0")
    command = [
        "wrk", "-t1", f"-c{concurrency}", f"-d{duration_s:g}s", "--timeout", "10s",
        "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}/wechat/callback", "--", str(path),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    found = re.search(r"^WXB (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    count, seconds, p50_us, p99_us, errors, reused = (float(g) for g in found.groups())
    return Result(
        int(count), int(errors), count / seconds, p50_us / 1000, p99_us / 1000, int(reused)
    )


def wrk_load(settings: Settings, port: int, concurrency: int, seconds: float) -> list[bytes]:
    """Enough fresh requests for a wrk run, sized by a short wrk run's rate."""
    probe = build_requests(settings, port, 3000)
    with tempfile.TemporaryDirectory() as tmp:
        rate = drive_wrk(port, probe, concurrency, 2, Path(tmp)).rps
    # Fresh requests for 1.5× the probe's rate; at most 150k (the bare app cannot tell
    # a reused request from a fresh one, so it may rotate through them).
    return build_requests(settings, port, min(150_000, int(rate * seconds * 1.5) + 1000))


async def run_target(
    name: str,
    command: list[str],
    port: int,
    env: dict[str, str],
    args: argparse.Namespace,
    tmp: Path,
) -> Result:
    settings = Settings()
    with (tmp / f"{name.split()[0]}.log").open("wb") as log_file:
        server = start_server(command, env, log_file)
        try:
            await wait_ready(f"http://127.0.0.1:{port}")
            if args.client == "wrk":
                load = await asyncio.to_thread(
                    wrk_load, settings, port, args.concurrency, args.duration
                )
                return await asyncio.to_thread(
                    drive_wrk, port, load, args.concurrency, args.duration, tmp
                )
            await drive_python(port, build_requests(settings, port, 500), args.concurrency)
            load = build_requests(settings, port, args.requests)
            return await drive_python(port, load, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=10)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--duration", type=float, default=10, help="seconds per target (wrk)")
    parser.add_argument("--requests", type=int, default=5000, help="per target (python)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--only", choices=["bare", "wxbackend"])
    args = parser.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"

    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # Embedded by default; set WXB_DATABASE__URL (migrated) and WXB_STORE__REDIS_URL
        # to measure PostgreSQL + Redis instead.
        if "WXB_DATABASE__URL" not in env:
            env["WXB_DATABASE__URL"] = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await asyncio.to_thread(schema.upgrade, env["WXB_DATABASE__URL"])
        os.environ["WXB_DATABASE__URL"] = env["WXB_DATABASE__URL"]
        database = "SQLite" if env["WXB_DATABASE__URL"].startswith("sqlite") else "PostgreSQL"
        backend = database + ("+Redis" if env.get("WXB_STORE__REDIS_URL") else "+in-process")
        targets: list[tuple[str, Callable[[int], list[str]]]] = [
            ("bare ASGI", bare_server),
            (f"wxbackend ({backend})", wxbackend_server),
        ]
        results: dict[str, Result] = {}
        access_lines = 0
        for name, server in targets:
            if args.only and not name.startswith(args.only):
                continue
            port = free_port()
            results[name] = await run_target(name, server(port), port, env, args, tmp)
            if name.startswith("wxbackend"):
                log_text = (tmp / "wxbackend.log").read_text("utf-8", errors="replace")
                access_lines = log_text.count('"event": "http.request"')

    load = (
        f"wrk -t1, {args.duration:g} s"
        if args.client == "wrk"
        else f"python client, {args.requests} requests"
    )
    print(f"\nsafe-mode text callbacks, {args.concurrency} connections, 1 worker, {load}")
    print(f"{'target':<36}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>8}")
    bare = results.get("bare ASGI")
    for name, r in results.items():
        ratio = f"{r.rps / bare.rps:.1%}" if bare else "-"
        print(f"{name:<36}{r.rps:>9.0f}{r.p50:>9.1f}{r.p99:>9.1f}{r.errors:>8}{ratio:>8}")
        if r.reused and not name.startswith("bare"):
            print(f"  WARNING: {r.reused} requests were resends (ran out of fresh ones)")
    if access_lines:
        print(f"(wxbackend wrote {access_lines} JSON access-log lines at INFO)")


if __name__ == "__main__":
    asyncio.run(main())
