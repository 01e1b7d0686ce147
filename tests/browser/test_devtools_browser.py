"""The developer pages in headless Chromium with every request off this machine refused:
/sandbox/ (and a stand-in's page), /docs (Swagger UI) and /redoc render offline.

Screenshots in test-artifacts/devtools/ for a reviewer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts

DESKTOP = {"width": 1280, "height": 900}
# ReDoc always shows Redocly's logo from its CDN; offline the image hides itself.
DECORATION = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def shots() -> Path:
    return fresh_artifacts(ARTIFACTS_ROOT / "devtools")


async def _offline_page(browser: Any, refused: list[str]) -> Any:
    """A page that can reach 127.0.0.1 only, as on a machine without internet."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")

    async def only_local(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_local)
    page = await context.new_page()
    page.set_default_timeout(15_000)
    return page


async def test_sandbox_and_api_docs_render_offline(
    app_server: AppServer, browser: Any, shots: Path
) -> None:
    refused: list[str] = []
    page = await _offline_page(browser, refused)
    base = app_server.base_url
    try:
        await page.goto(base + "/sandbox")
        assert page.url == base + "/sandbox/"
        assert await page.inner_text("h1") == "wxbackend 沙箱"
        for label in ("微信", "腾讯云", "代发银行", "控制接口"):
            assert label in await page.inner_text("main")
        await page.screenshot(path=str(shots / "01-sandbox-index.png"), full_page=True)

        await page.click("text=概览与记录 >> nth=0")  # the WeChat stand-in's page
        await page.wait_for_url("**/sandbox/wechat/")
        assert await page.inner_text("h1") == "微信沙箱"
        await page.screenshot(path=str(shots / "02-sandbox-wechat.png"), full_page=True)

        await page.goto(base + "/docs")
        title = page.locator(".swagger-ui .info .title")
        await title.wait_for()
        assert "wxbackend" in await title.inner_text()
        assert await page.locator(".opblock").count() > 20  # every endpoint listed
        await page.screenshot(path=str(shots / "03-api-docs-swagger.png"))

        await page.goto(base + "/redoc")
        await page.locator("h1", has_text="wxbackend").wait_for()
        await page.screenshot(path=str(shots / "04-api-docs-redoc.png"))

        await page.goto(base + "/sandbox/docs")
        await page.locator(".swagger-ui .info .title").wait_for()
        await page.screenshot(path=str(shots / "05-sandbox-control-docs.png"))
    except Exception:
        await page.screenshot(path=str(shots / "failure.png"), full_page=True)
        raise
    finally:
        await page.context.close()
    # Nothing the pages need tried to leave the machine.
    assert [url for url in refused if url != DECORATION] == []
