"""Browser-test resources: the whole app in a real uvicorn server, and headless Chromium.

The server runs `create_app(settings)` in a background thread on a free local port, with
the sandbox mounted in the same app at /sandbox and every external URL (WeChat API and
OAuth page, Tencent Cloud, the bank) pointing back at that port, so a browser can walk
OAuth -> sign-up -> face check -> withdrawal exactly as on the dev server.

Chromium is Debian's (`apt-get install chromium`, done by scripts/test.sh), driven by the
`playwright` package; `playwright install` is never used. Without a browser the tests are
skipped -- except under CI (CI=true) or WXB_REQUIRE_BROWSER=1, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.live_server import free_socket, serve_in_thread
from wxbackend.app import create_app
from wxbackend.config import Settings
from wxbackend.store import RedisStore

CHROMIUM = os.environ.get("WXB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
# Chromium on Linux takes its own words (file pickers' 选择文件, date fields' 年/月/日) from
# LANGUAGE and the chromium-l10n packs; without them a screenshot shows English there.
CHROMIUM_ENV = {**os.environ, "LANGUAGE": "zh_CN", "LANG": "zh_CN.UTF-8"}
ARTIFACTS_ROOT = Path(__file__).resolve().parents[2] / "test-artifacts"
ARTIFACTS = ARTIFACTS_ROOT / "h5"


def _browser_required() -> bool:
    flags = (os.environ.get("CI", ""), os.environ.get("WXB_REQUIRE_BROWSER", ""))
    return any(flag.lower() in ("1", "true") for flag in flags)


def _unavailable(reason: str) -> None:
    if _browser_required():
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class AppServer:
    base_url: str  # http://127.0.0.1:<port>
    settings: Settings


def server_settings(settings: Settings, base_url: str) -> Settings:
    """The test settings with every external system at the sandbox inside this server."""
    host = base_url.removeprefix("http://")
    wechat = settings.wechat.model_copy(
        update={
            "api_base_url": base_url + "/sandbox/wechat",
            "open_base_url": base_url + "/sandbox/wechat",
            "timeout_s": 5.0,
        }
    )
    return settings.model_copy(
        update={
            "server": settings.server.model_copy(update={"public_base_url": base_url}),
            "wechat": wechat,
            "tencent": settings.tencent.model_copy(update={"endpoint": host + "/sandbox/tencent"}),
            "bank": settings.bank.model_copy(
                update={"base_url": base_url + "/sandbox/bank", "timeout_s": 5.0}
            ),
            # A store of its own: the server's event loop is not the tests' one.
            "store": settings.store.model_copy(
                update={"key_prefix": settings.store.key_prefix + "browser:"}
            ),
        }
    )


@contextmanager
def run_app_server(settings: Settings) -> Iterator[AppServer]:
    """The whole app (lifespan included) in uvicorn on a free port until the block ends."""
    sock = free_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    configured = server_settings(settings, base_url)
    with serve_in_thread(create_app(configured), sock):
        yield AppServer(base_url=base_url, settings=configured)


@pytest.fixture
async def app_server(settings: Settings) -> AsyncIterator[AppServer]:
    with run_app_server(settings) as server:
        yield server
    if server.settings.store.redis_url:
        store = RedisStore(server.settings.store.redis_url, prefix=server.settings.store.key_prefix)
        await store.delete_prefix()
        await store.close()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's headless Chromium under Playwright (skipped, or failed under CI, if absent)."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install -e '.[test]'")
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=CHROMIUM_ENV
        )
        try:
            yield launched
        finally:
            await launched.close()


def fresh_artifacts(folder: Path) -> Path:
    """`folder` emptied for this run (screenshots for a reviewer)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/h5/, emptied for this run."""
    return fresh_artifacts(ARTIFACTS)
