"""The stranded depositors of issue 16, in headless Chromium through the sandbox.

A holder who signed on the centre's website binds WeChat with ID number + password + SMS
code; later an employer agent's initial password has expired and the holder is forced
to change it, which sends them to "forgot password" (SMS + 慧眼 face check). Screenshots
land in test-artifacts/access/NN-step.png.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts, run_app_server
from tests.browser.test_h5_browser import PHONE, WECHAT_UA, Shots
from tests.builders import make_account
from wxbackend import clock
from wxbackend.bind.initial import issue_initial_passwords
from wxbackend.bind.models import Credential
from wxbackend.bind.passwords import hash_password
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import Employer
from wxbackend.money import format_yuan
from wxbackend.security.pii import Vault
from wxbackend.store import RedisStore

PASSWORD = "258369"
NEW_PASSWORD = "470258"


@pytest.fixture
def shots_dir() -> Path:
    return fresh_artifacts(ARTIFACTS_ROOT / "access")


@pytest.fixture
async def quick_server(settings: Settings) -> AsyncIterator[AppServer]:
    """The app with a one-second gap between SMS codes (sign-up, then a reset)."""
    signing = settings.signing.model_copy(update={"sms_min_interval_s": 1})
    with run_app_server(settings.model_copy(update={"signing": signing})) as server:
        yield server
    if server.settings.store.redis_url:
        store = RedisStore(server.settings.store.redis_url, prefix=server.settings.store.key_prefix)
        await store.delete_prefix()
        await store.close()


async def _last_code(page: Any, base: str, mobile: str) -> str:
    sms = await page.request.get(base + "/sandbox/tencent/_sandbox/sms", params={"phone": mobile})
    code: str = (await sms.json())["messages"][-1]["params"][0]
    return code


async def _website_signer(engine: AsyncEngine, vault: Vault, name: str) -> Any:
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(session, vault, name=name, months_of_deposits=3)
        session.add(
            Credential(
                account_id=account.id,
                password_hash=await hash_password(PASSWORD),
                is_initial=False,
            )
        )
    return account


async def _bind_by_password(page: Any, base: str, vault: Vault, account: Any) -> None:
    """OAuth, then 账号密码绑定 with the account number and the SMS code."""
    await page.goto(base + "/h5/bind/password")
    await page.fill("input[name=openid]", "o-access-" + secrets.token_hex(4))
    await page.click("#authorize")
    await page.wait_for_selector("#f-login")
    await page.fill("#f-login", account.account_no)
    await page.fill("#f-password", PASSWORD)
    await page.click("#login-submit")
    await page.click("#sms-send")
    await page.wait_for_selector("#sms-sent")
    await page.fill("#f-code", await _last_code(page, base, fund.reveal_mobile(vault, account)))
    await page.click("#sms-verify")
    await page.wait_for_url("**/h5/bind/password/done")


async def test_a_closed_account_signs_up_and_sees_its_history_in_chromium(
    quick_server: AppServer, browser: Any, shots_dir: Path, engine: AsyncEngine, vault: Vault
) -> None:
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(session, vault, name="杨丽华", months_of_deposits=3)
        await fund.close_account(session, account.id, on=clock.today_in_china())
    mobile = fund.reveal_mobile(vault, account) or ""
    base = quick_server.base_url
    context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    (shots_dir / "closed").mkdir()
    shot = Shots(page, shots_dir / "closed")
    try:
        await page.goto(base + "/h5/signup")
        await page.fill("input[name=openid]", "o-closed-" + secrets.token_hex(4))
        await page.click("#authorize")
        await page.wait_for_selector("#f-agree")
        await page.check("#f-agree")
        await page.click("#agree-submit")
        await page.fill("#f-name", "杨丽华")
        await page.fill("#f-id_no", fund.reveal_id_no(vault, account))
        await page.click("#identity-submit")
        await page.click("#sms-send")  # no "身份信息核验未通过" any more
        await page.wait_for_selector("#sms-sent")
        await page.fill("#f-code", await _last_code(page, base, mobile))
        await page.click("#sms-verify")
        await page.click("#face-start")
        await page.wait_for_url("**/sandbox/tencent/face/**")
        await page.click("button.pass")
        await page.wait_for_selector("#f-confirm")
        await page.fill("#f-password", PASSWORD)
        await page.fill("#f-confirm", PASSWORD)
        await page.click("#password-submit")
        await page.wait_for_url("**/h5/signup/done")
        await page.goto(base + "/h5/account")
        assert "账户已销户" in await page.inner_text(".h5-page")
        await shot("closed-account")
        await page.goto(base + "/h5/deposits")
        await shot("closed-deposits")
        await page.goto(base + "/h5/withdrawals/new")
        assert "不能再申请提取" in await page.inner_text(".h5-page")
        await shot("closed-no-withdrawal")
    except Exception:
        await page.screenshot(path=str(shots_dir / "closed-failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()


async def test_a_holder_changes_the_mobile_in_chromium(
    quick_server: AppServer, browser: Any, shots_dir: Path, engine: AsyncEngine, vault: Vault
) -> None:
    account = await _website_signer(engine, vault, "郑海燕")
    old = fund.reveal_mobile(vault, account) or ""
    new = "13" + old[2:-1] + str((int(old[-1]) + 1) % 10)
    base = quick_server.base_url
    context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    shot = Shots(page, shots_dir / "mobile")
    (shots_dir / "mobile").mkdir()
    try:
        await _bind_by_password(page, base, vault, account)
        await page.goto(base + "/h5/")
        await page.click("a[href='/h5/mobile']")
        await page.wait_for_url("**/h5/mobile")
        await shot("mobile-face")
        await page.click("#face-start")
        await page.wait_for_url("**/sandbox/tencent/face/**")
        await page.click("button.pass")
        await page.wait_for_selector("#f-mobile")
        await page.fill("#f-mobile", new)
        await shot("mobile-new-number")
        await asyncio.sleep(1.1)  # the gap between two codes to one account
        await page.click("#sms-send")
        await page.wait_for_selector("#sms-sent")
        await page.fill("#f-code", await _last_code(page, base, new))
        await shot("mobile-code")
        await page.click("#sms-verify")
        await page.wait_for_url("**/h5/mobile/done")
        assert "手机号码已更换" in await page.inner_text(".h5-page")
        await shot("mobile-changed")
        told = await page.request.get(base + "/sandbox/tencent/_sandbox/sms", params={"phone": old})
        last = (await told.json())["messages"][-1]
        assert last["template_id"] == quick_server.settings.signing.mobile_changed_sms_template_id
        assert last["params"][0] == new[:3] + "****" + new[-4:]
    except Exception:
        await page.screenshot(path=str(shots_dir / "mobile-failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()


async def test_website_signer_binds_by_password_then_resets_an_expired_initial_one(
    quick_server: AppServer, browser: Any, shots_dir: Path, engine: AsyncEngine, vault: Vault
) -> None:
    app_server = quick_server
    sessions = create_sessionmaker(engine)
    async with session_scope(sessions) as session:
        account = await make_account(session, vault, name="周晓梅", months_of_deposits=3)
        session.add(
            Credential(
                account_id=account.id,
                password_hash=await hash_password(PASSWORD),
                is_initial=False,
            )
        )
    mobile = fund.reveal_mobile(vault, account) or ""
    id_no = fund.reveal_id_no(vault, account)
    base = app_server.base_url

    context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    shot = Shots(page, shots_dir)
    try:
        await page.goto(base + "/h5/signup")
        await page.fill("input[name=openid]", "o-access-" + secrets.token_hex(4))
        await page.click("#authorize")
        await page.wait_for_url("**/h5/signup**")
        await shot("signup-offers-password-binding")
        await page.click("#bindpw-link")

        await page.wait_for_url("**/h5/bind/password")
        await page.fill("#f-login", id_no)
        await page.fill("#f-password", PASSWORD + "1")
        await page.click("#login-submit")
        error = await page.inner_text(".h5-page")
        assert "查询密码须为6位数字，您输入了7位。" in error
        assert id_no not in await page.content()  # the ID number is not echoed back
        await shot("bindpw-seven-digits-refused")

        await page.fill("#f-login", id_no)
        await page.fill("#f-password", PASSWORD)
        await page.click("#login-submit")
        await page.wait_for_selector("#sms-send")
        await page.click("#sms-send")
        await page.wait_for_selector("#sms-sent")
        await page.fill("#f-code", await _last_code(page, base, mobile))
        await shot("bindpw-sms-code")
        await page.click("#sms-verify")
        await page.wait_for_url("**/h5/bind/password/done")
        await shot("bindpw-bound")
        await page.click("#done-next")
        await page.wait_for_url("**/h5/account")
        assert await page.inner_text("#balance") == format_yuan(account.balance)

        # The employer agent reissues an initial password; it is not used within its days.
        days = app_server.settings.signing.initial_password_valid_days
        async with session_scope(sessions) as session:
            employer = await session.get(Employer, account.employer_id)
            assert employer is not None
            sheet = await issue_initial_passwords(
                session, employer_code=employer.code, reissue=True
            )
            credential = await session.get(Credential, account.id)
            assert credential is not None
            credential.set_at = clock.now() - timedelta(days=days + 1)
        await page.goto(base + "/h5/account")
        await page.wait_for_url("**/h5/password?initial=1")
        await page.fill("#f-old_password", sheet[0].password)
        await page.fill("#f-new_password", NEW_PASSWORD)
        await page.fill("#f-confirm", NEW_PASSWORD)
        await page.click("#password-submit")
        text = await page.inner_text(".h5-page")
        assert f"初始密码已超过有效期（发放后{days}天内有效）" in text
        await shot("initial-password-expired")

        await page.click("#forgot-link")
        await page.wait_for_url("**/h5/password/reset")
        await asyncio.sleep(1.1)  # the gap between two codes to one phone
        await page.click("#sms-send")
        await page.wait_for_selector("#sms-sent")
        await page.fill("#f-code", await _last_code(page, base, mobile))
        await page.click("#sms-verify")
        await page.click("#face-start")
        await page.wait_for_url("**/sandbox/tencent/face/**")
        await page.click("button.pass")
        await page.wait_for_selector("#f-confirm")
        await page.fill("#f-password", NEW_PASSWORD)
        await page.fill("#f-confirm", NEW_PASSWORD)
        await shot("reset-new-password")
        await page.click("#password-submit")
        await page.wait_for_url("**/h5/password/reset/done")
        await shot("reset-done")
        await page.goto(base + "/h5/account")
        assert await page.inner_text("#balance") == format_yuan(account.balance)
        await shot("account-after-reset")
    except Exception:
        await page.screenshot(path=str(shots_dir / "failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()
