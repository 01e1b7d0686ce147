"""Hall booking and the deposit certificate in headless Chromium, end to end.

Sign-up through the sandbox, then: book a hall visit (hall → business → half day), see
the ticket and documents, cancel; book again, the desk checks the depositor in and calls
the number through the staff API (the clock moved to that half day), the page shows
已叫号; issue a certificate, open the public verify page with its code and with a changed
one. Screenshots go to test-artifacts/services/NN-step.png.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from typing import Any

import httpx
import time_machine
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import staff_otp
from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts
from tests.browser.test_h5_browser import PHONE, WECHAT_UA, Shots
from tests.browser.walks import sign_up
from tests.builders import make_account
from wxbackend.clock import CHINA_TZ
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.points import service as points
from wxbackend.security.pii import Vault
from wxbackend.staff import auth
from wxbackend.staff.models import StaffRole

STAFF_PASSWORD = "desk-password-2026!"


async def test_booking_cancelling_check_in_and_certificate_in_chromium(
    app_server: AppServer, browser: Any, engine: AsyncEngine, vault: Vault
) -> None:
    shots = fresh_artifacts(ARTIFACTS_ROOT / "services")
    factory = create_sessionmaker(engine)
    async with session_scope(factory) as session:
        account = await make_account(session, vault, name="王建国", months_of_deposits=3)
        if not await points.existing_codes(session, ["SP01"]):
            await points.add_point(
                session,
                code="SP01",
                name="成都住房公积金营业部",
                district="锦江区",
                address="锦江区东大街下东大街段218号",
                latitude=30.6555,
                longitude=104.0870,
                hours="mon-fri 09:00-12:00,13:00-17:00; sat 09:00-12:00",
                phone="028-86120001",
                services=["提取", "贷款"],
            )
        desk_user = f"desk{secrets.token_hex(3)}"
        await auth.add_staff(
            session, username=desk_user, password=STAFF_PASSWORD, role=StaffRole.REVIEWER
        )
    await staff_otp.enrol(factory, vault, desk_user)  # staff log in with a TOTP code too
    base = app_server.base_url
    context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    shot = Shots(page, shots)
    try:
        await sign_up(page, base, vault, account, prefix="o-halls-")

        await page.goto(base + "/h5/appointments/new")
        await shot("book-hall")
        await page.click("text=成都住房公积金营业部")
        await shot("book-business")
        await page.click("text=提取")
        await page.wait_for_selector("#book")
        await page.click("label.weui-check__label:not(.h5-disabled)")
        await shot("book-slot")
        await page.click("#book")
        await page.wait_for_selector("#booked")
        first_ticket = await page.inner_text("#ticket")
        assert re.fullmatch(r"T\d{3}", first_ticket)
        assert "本人身份证原件" in await page.content()
        await shot("booked")
        await page.click("#cancel")
        assert await page.inner_text("#status") == "已取消"
        assert await page.query_selector("#cancel") is None
        await shot("cancelled")

        await page.goto(base + "/h5/appointments/new?point=SP01&business=withdrawal")
        await page.click("label.weui-check__label:not(.h5-disabled)")
        await page.click("#book")
        await page.wait_for_selector("#booked")
        ticket = await page.inner_text("#ticket")
        assert ticket > first_ticket
        detail = page.url.split("?")[0]
        when = await page.inner_text("text=/\\d+月\\d+日（周.）/")
        booking_no = await page.inner_text("#booking-no")
        day_match = re.match(r"(\d{4})(\d{2})(\d{2})", booking_no)
        assert day_match, booking_no
        day = date(*(int(g) for g in day_match.groups()))
        start = 9 if "上午" in when else 13
        with time_machine.travel(
            datetime(day.year, day.month, day.day, start, 20, tzinfo=CHINA_TZ)
        ):
            async with httpx.AsyncClient(base_url=base) as desk:
                login = await desk.post(
                    "/staff/api/session",
                    json={
                        "username": desk_user,
                        "password": STAFF_PASSWORD,
                        "otp": staff_otp.next_code(desk_user),
                    },
                )
                headers = {"Authorization": f"Bearer {login.json()['token']}"}
                checked = await desk.post(
                    "/staff/api/halls/SP01/check-in",
                    json={"booking_no": booking_no},
                    headers=headers,
                )
                assert checked.json()["status_word"] == "已签到", checked.text
                called = await desk.post(
                    "/staff/api/halls/SP01/call-next", json={}, headers=headers
                )
                assert called.json()["ticket"] == ticket, called.text
        await page.goto(detail)
        assert await page.inner_text("#status") == "已叫号"
        await shot("called-at-the-desk")

        await page.goto(base + "/h5/certificate")
        await shot("certificate-issue")
        await page.click("#issue")
        await page.wait_for_selector("#code")
        code = await page.inner_text("#code")
        await shot("certificate-issued")
        pdf = await page.request.get(base + (await page.get_attribute("#download", "href")))
        assert pdf.headers["content-type"] == "application/pdf"

        verify = await context.new_page()  # the bank: no session
        await verify.goto(base + "/verify/" + code.replace("-", ""))
        assert await verify.inner_text("#verify-valid .weui-msg__title") == "证明有效"
        assert "王**" in await verify.content()
        assert "王建国" not in await verify.content()
        await verify.screenshot(path=str(shots / "10-verify-valid.png"), full_page=True)
        changed = code[:-1] + ("0" if code[-1] != "0" else "1")
        await verify.goto(base + "/verify?code=" + changed)
        assert await verify.query_selector("#verify-unknown") is not None
        await verify.screenshot(path=str(shots / "11-verify-changed-code.png"), full_page=True)
    except Exception:
        await page.screenshot(path=str(shots / "failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()
