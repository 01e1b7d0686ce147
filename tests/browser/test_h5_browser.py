"""The H5 pages in headless Chromium, end to end through the sandbox.

OAuth (the sandbox's authorize page) -> sign-up (agreement, identity, SMS code read from
the sandbox, 慧眼 face page, password) -> account overview -> bank card -> rent
withdrawal -> the payout worker pays it -> the page shows 已到账. Each step leaves a
screenshot in test-artifacts/h5/NN-step.png for a reviewer.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import AppServer
from tests.builders import luhn_complete, make_account
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.money import format_yuan
from wxbackend.security.pii import Vault
from wxbackend.worker import run_worker

PASSWORD = "258369"
PHONE = {"width": 390, "height": 844}  # a common phone's CSS viewport
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47"
)


class Shots:
    """Numbered full-page screenshots: 01-oauth-authorize.png, 02-..."""

    def __init__(self, page: Any, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.taken: list[str] = []

    async def __call__(self, step: str) -> None:
        name = f"{len(self.taken) + 1:02d}-{step}.png"
        await self.page.screenshot(path=str(self.folder / name), full_page=True)
        self.taken.append(name)


async def test_h5_signup_to_paid_rent_withdrawal_in_chromium(
    app_server: AppServer, browser: Any, artifacts: Path, engine: AsyncEngine, vault: Vault
) -> None:
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(session, vault, name="王建国", months_of_deposits=3)
    mobile = fund.reveal_mobile(vault, account) or ""
    id_no = fund.reveal_id_no(vault, account)
    base = app_server.base_url

    context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    shot = Shots(page, artifacts)
    try:
        # OAuth: any /h5/ page sends an unknown visitor through the authorize page.
        await page.goto(base + "/h5/account")
        assert "/sandbox/wechat/connect/oauth2/authorize" in page.url
        await page.fill("input[name=openid]", "o-browser-" + secrets.token_hex(4))
        await shot("oauth-authorize")
        await page.click("#authorize")

        # Not bound yet: the account page sends the follower to sign up.
        await page.wait_for_url("**/h5/signup**")
        await shot("signup-agreement")
        await page.check("#f-agree")
        await page.click("#agree-submit")

        await page.fill("#f-name", fund.reveal_name(vault, account))
        await page.fill("#f-id_no", id_no)
        await shot("signup-identity")
        await page.click("#identity-submit")

        await page.click("#sms-send")
        await page.wait_for_selector("#sms-sent")
        sms = await page.request.get(
            base + "/sandbox/tencent/_sandbox/sms", params={"phone": mobile}
        )
        code = (await sms.json())["messages"][-1]["params"][0]
        await page.fill("#f-code", code)
        await shot("signup-sms-code")
        await page.click("#sms-verify")

        await shot("signup-face")
        await page.click("#face-start")
        await page.wait_for_url("**/sandbox/tencent/face/**")
        await shot("face-check")
        await page.click("button.pass")  # 本人通过

        # Back from 慧眼 at /h5/signup/face-done?token=..., which moves on to the password.
        await page.wait_for_selector("#f-confirm")
        await shot("signup-password")
        await page.fill("#f-password", PASSWORD)
        await page.fill("#f-confirm", PASSWORD)
        await page.click("#password-submit")

        await page.wait_for_url("**/h5/signup/done**")
        await shot("signup-bound")
        await page.click("#done-next")

        await page.wait_for_url("**/h5/account**")
        balance = await page.inner_text("#balance")
        assert balance == format_yuan(account.balance)
        content = await page.content()
        assert account.account_no not in content
        assert id_no not in content
        await shot("account-overview")

        await page.goto(base + "/h5/card")
        await page.fill("#f-card_no", luhn_complete("622202"))
        await page.check("#f-confirm_type1")
        await shot("card-form")
        await page.click("#card-submit")
        await page.wait_for_selector("#card-bound")
        assert "中国工商银行" in await page.content()
        await shot("card-bound")

        await page.click("#go-apply")
        await page.wait_for_url("**/h5/withdrawals/new**")
        await page.click("label[for=kind-rent]")
        await page.fill("#f-amount", "1500.00")
        await shot("withdrawal-apply")
        await page.click("#apply-submit")
        await page.wait_for_selector("#confirm-summary")
        assert await page.inner_text("#confirm-amount") == "¥1,500.00"
        await page.fill("#f-password", PASSWORD)
        await shot("withdrawal-confirm")
        await page.click("#confirm-submit")
        await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+$"))
        assert "已到账" not in await page.inner_text("#status")
        await shot("withdrawal-approved")

        withdrawal_id = int(page.url.rsplit("/", 1)[1])
        # The shared test database may hold other tests' approved withdrawals: paid too.
        report = await run_worker(app_server.settings, once=True)
        assert withdrawal_id in report.paid

        await page.reload()
        assert await page.inner_text("#status") == "已到账"
        await shot("withdrawal-paid")
        await page.goto(base + "/h5/withdrawals")
        assert "已到账" in await page.content()
        await shot("withdrawal-list")
    except Exception:
        # Where it stopped, for whoever reads the failure.
        await page.screenshot(path=str(artifacts / "failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()
    assert len(shot.taken) == 16
