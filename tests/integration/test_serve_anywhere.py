"""`wxbackend serve --port N` started outside the checkout: every link and endpoint on N,
and the other commands (sim) find the server with no setting."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKEND

WXBACKEND = Path(sys.executable).with_name("wxbackend")
# Its own SQLite home and in-process store: the same test in both passes would add nothing.
pytestmark = pytest.mark.skipif(BACKEND == "services", reason="runs in the embedded pass")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(home: Path) -> dict[str, str]:
    """A development shell with only WXB_HOME set: no port, no URL, no database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WXB_", "DATABASE_URL"))}
    env.update({"WXB_HOME": str(home), "WXB_ENV": "development"})
    return env


async def _run(home: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        [str(WXBACKEND), *args],
        env=_env(home),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> tuple[Path, Path]:
    """A home and an unrelated working directory, both outside the checkout."""
    home, cwd = tmp_path / "home", tmp_path / "somewhere"
    cwd.mkdir()
    return home, cwd


async def test_serve_outside_the_checkout_uses_one_port_for_everything(
    elsewhere: tuple[Path, Path],
) -> None:
    home, cwd = elsewhere
    migrated = await _run(home, cwd, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    assert await asyncio.to_thread((home / "var" / "wxbackend.db").is_file)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = await asyncio.to_thread(
        subprocess.Popen,
        [str(WXBACKEND), "serve", "--port", str(port)],
        env=_env(home),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            for _ in range(300):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, "serve exited"
                await asyncio.sleep(0.1)
            assert (await client.get("/sandbox/")).status_code == 200
            login = await client.get("/h5/login", follow_redirects=False)
            # The OAuth round trip stays on this port: authorize page and redirect_uri.
            assert login.headers["location"].startswith(f"{base}/sandbox/wechat/connect/")
            assert (
                f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fh5%2Foauth"
                in login.headers["location"]
            )

        # No --url, no port setting: sim finds the server this home runs.
        reply = await _run(home, cwd, "sim", "subscribe")
        assert reply.returncode == 0, reply.stderr
        assert f"{base}/h5/signup" in reply.stdout
        assert "store.in_process" not in reply.stdout + reply.stderr
    finally:
        server.terminate()
        output, _ = await asyncio.to_thread(server.communicate, timeout=30)
    assert f"wxbackend on {base}" in output
    assert f"sandbox:   {base}/sandbox/" in output
    # Gone with the server: nothing else will take its port for the running one.
    assert not await asyncio.to_thread((home / "var" / "serve.json").exists)
