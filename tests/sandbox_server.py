"""The sandbox behind a real HTTP server, for code that uses `requests` (wechatpy & co).

An in-process ASGI transport is not enough for synchronous SDKs: they open sockets. This
module runs `create_sandbox_app()` in uvicorn on 127.0.0.1 (a free port) in a background
thread, once per test session, at the same paths as the dev server:
`http://127.0.0.1:<port>/sandbox/wechat/...`.

Use it from a test module (or add ``pytest_plugins = ["tests.sandbox_server"]`` to
tests/conftest.py to make it available everywhere):

    pytest_plugins = ["tests.sandbox_server"]

    async def test_menu(wechat_sandbox: SandboxServer, wechat_settings: Settings, store):
        oa, mp = build_wechat_gateways(wechat_settings, store)
        await oa.send_text("o-1", "hi")
        assert wechat_sandbox.wechat.sent["custom"][0]["body"]["touser"] == "o-1"

Fixtures:
- ``sandbox_server`` (session): the running server; ``.base_url``, ``.wechat_url``,
  ``.wechat`` (the sandbox's in-memory state, readable directly from tests), ``.bank_url``
  and ``.bank`` (the sandbox bank's state).
- ``wechat_sandbox``: the same server with the WeChat sandbox state reset for this test.
- ``wechat_settings``: the test ``settings`` pointed at the sandbox (2 s timeout).

Outside pytest, ``with run_sandbox_server() as server: ...`` does the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from tests.live_server import free_socket, serve_in_thread
from wxbackend.config import Settings
from wxbackend.sandbox import (
    BankSandboxState,
    TencentSandboxState,
    WeChatFaceState,
    WeChatSandboxState,
    create_sandbox_app,
)

__all__ = ["SandboxServer", "run_sandbox_server"]


@dataclass(frozen=True)
class SandboxServer:
    base_url: str  # http://127.0.0.1:<port>/sandbox
    wechat: WeChatSandboxState
    wechat_face: WeChatFaceState
    tencent: TencentSandboxState
    bank: BankSandboxState

    @property
    def wechat_url(self) -> str:
        """What `settings.wechat.api_base_url` should be."""
        return self.base_url + "/wechat"

    @property
    def tencent_endpoint(self) -> str:
        """What `settings.tencent.endpoint` should be (host:port/path, no scheme)."""
        return self.base_url.removeprefix("http://") + "/tencent"

    @property
    def bank_url(self) -> str:
        """What `settings.bank.base_url` should be."""
        return self.base_url + "/bank"

    def reset(self) -> None:
        """Forget what earlier tests did (in place: the routers hold these objects)."""
        self.wechat.reset()
        self.wechat_face.checks.clear()
        self.tencent.sms.clear()
        self.tencent.faces.checks.clear()
        self.bank.reset()


@contextmanager
def run_sandbox_server() -> Iterator[SandboxServer]:
    """Serve the sandbox on a free local port until the block ends."""
    state = WeChatSandboxState()
    face = WeChatFaceState()
    sock = free_socket()
    port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/sandbox"
    sandbox = create_sandbox_app(Settings(), wechat=state, wechat_face=face, public_url=base_url)
    app = Starlette(routes=[Mount("/sandbox", sandbox)])
    with serve_in_thread(app, sock, lifespan="off"):
        yield SandboxServer(
            base_url=base_url,
            wechat=state,
            wechat_face=face,
            tencent=sandbox.state.tencent,
            bank=sandbox.state.bank,
        )


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with run_sandbox_server() as server:
        yield server


@pytest.fixture
def wechat_sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    sandbox_server.reset()
    return sandbox_server


@pytest.fixture
def sandbox_settings(settings: Settings, wechat_sandbox: SandboxServer) -> Settings:
    """The test settings with WeChat, Tencent Cloud and the bank pointed at the sandbox."""
    wechat = settings.wechat.model_copy(
        update={
            "api_base_url": wechat_sandbox.wechat_url,
            "open_base_url": wechat_sandbox.wechat_url,
            "timeout_s": 2.0,
        }
    )
    tencent = settings.tencent.model_copy(update={"endpoint": wechat_sandbox.tencent_endpoint})
    bank = settings.bank.model_copy(update={"base_url": wechat_sandbox.bank_url, "timeout_s": 2.0})
    return settings.model_copy(update={"wechat": wechat, "tencent": tencent, "bank": bank})


@pytest.fixture
def wechat_settings(settings: Settings, wechat_sandbox: SandboxServer) -> Settings:
    wechat = settings.wechat.model_copy(
        update={"api_base_url": wechat_sandbox.wechat_url, "timeout_s": 2.0}
    )
    return settings.model_copy(update={"wechat": wechat})
