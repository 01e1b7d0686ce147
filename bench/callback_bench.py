"""Callback throughput: wxbackend under uvicorn vs a bare ASGI app, same load, same host.

Run on demand (not part of pytest): `.venv/bin/python bench/callback_bench.py --help`.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wxbackend import schema  # noqa: E402
from wxbackend.callback.runtime import callback_crypto  # noqa: E402
from wxbackend.callback.simulator import SignedCallback, SimulatedUser  # noqa: E402
from wxbackend.config import Settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(
    app: str, port: int, env: dict[str, str], app_dir: Path
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--no-access-log", "--log-level", "warning", "--app-dir", str(app_dir),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603


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


async def drive(port: int, requests: list[bytes], concurrency: int) -> dict[str, float]:
    """Send every request over `concurrency` keep-alive connections; latency in ms.

    A minimal HTTP/1.1 client on asyncio streams: httpx costs more CPU per request than
    the servers under test, so it would measure itself.
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
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def build_requests(settings: Settings, port: int, count: int) -> list[bytes]:
    # Signed and encrypted before the clock starts: the client's AES work is not measured.
    user = SimulatedUser(callback_crypto(settings), openid="o-bench-user")
    return [raw_request(port, user.sign(user.text("帮助"), mode="safe")) for _ in range(count)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        # Embedded by default; set WXB_DATABASE__URL (migrated) and WXB_STORE__REDIS_URL
        # to measure PostgreSQL + Redis instead.
        if "WXB_DATABASE__URL" not in env:
            env["WXB_DATABASE__URL"] = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await asyncio.to_thread(schema.upgrade, env["WXB_DATABASE__URL"])
        env.setdefault("WXB_SERVER__LOG_LEVEL", "WARNING")
        settings = Settings()
        database = "SQLite" if env["WXB_DATABASE__URL"].startswith("sqlite") else "PostgreSQL"
        backend = database + ("+Redis" if env.get("WXB_STORE__REDIS_URL") else "+in-process")
        results: dict[str, dict[str, float]] = {}
        targets = [
            ("bare ASGI", "bare_app:app", ROOT / "bench"),
            (f"wxbackend ({backend})", "wxbackend.asgi:app", ROOT),
        ]
        for name, app, app_dir in targets:
            port = free_port()
            server = start_server(app, port, env, app_dir)
            try:
                await wait_ready(f"http://127.0.0.1:{port}")
                warm_up = build_requests(settings, port, 200)
                await drive(port, warm_up, args.concurrency)
                load = build_requests(settings, port, args.requests)
                results[name] = await drive(port, load, args.concurrency)
            finally:
                server.terminate()
                server.wait(timeout=10)

    print(f"\n{args.requests} safe-mode text callbacks, {args.concurrency} connections, 1 worker")
    print(f"{'target':<36}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, r in results.items():
        print(f"{name:<36}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>8.0f}")


if __name__ == "__main__":
    asyncio.run(main())
