"""The staff desk in headless Chromium, against the whole app and the sandbox bank.

A reviewer enrols TOTP from the QR page, opens a case above their limit, reveals the
holder's name (audited) and refers it; a supervisor enrols, approves; the payout worker
pays through the sandbox bank; the case shows 已到账. A counter clerk resets a
depositor's query password and prints the slip. Negative paths: a wrong code, a second
reviewer on a held case, the counter on review pages, an idle session.
Screenshots land in test-artifacts/desk/NN-step.png for a reviewer to look at.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import segno
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts, run_app_server
from tests.browser.test_h5_browser import Shots
from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.audit.models import AuditEvent
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault
from wxbackend.staff import auth, totp
from wxbackend.staff.models import StaffRole
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)
from wxbackend.worker import run_worker

PASSWORD = "correct horse battery"
DESKTOP = {"width": 1366, "height": 900}
PDF = (  # one page with a line of text: what the case page shows in its PDF frame
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 300]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 52>>stream\nBT /F1 20 Tf 40 150 Td (Purchase invoice No. 2026) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(scope="module")
def desk_artifacts() -> Path:
    """test-artifacts/desk/, emptied once for this module's tests."""
    return fresh_artifacts(ARTIFACTS_ROOT / "desk")


def _png() -> bytes:
    """A small real PNG (a QR code standing in for a scanned document)."""
    out = io.BytesIO()
    segno.make("购房合同 第1页").save(out, kind="png", scale=6)
    return out.getvalue()


async def _staff(engine: AsyncEngine, role: StaffRole) -> str:
    username = f"{role.value[:3]}{secrets.token_hex(3)}"
    async with session_scope(create_sessionmaker(engine)) as session:
        await auth.add_staff(session, username=username, password=PASSWORD, role=role)
    return username


async def _case(engine: AsyncEngine, vault: Vault, *, amount: int) -> tuple[int, Any]:
    """An application under review with a scanned contract (PNG) and a PDF."""
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(
            session, vault, name="王建国", months_of_deposits=6, opening_balance=30_000_000
        )
        card = await make_card(session, vault, account)
        withdrawal = Withdrawal(
            account_id=account.id,
            card_id=card.id,
            kind="purchase",
            kind_name="购房提取",
            amount=amount,
            status=WithdrawalStatus.UNDER_REVIEW,
            applied_on=clock.today_in_china(),
        )
        session.add(withdrawal)
        await session.flush()
        session.add(
            WithdrawalEvent(
                withdrawal_id=withdrawal.id,
                from_status="submitted",
                to_status="under_review",
                actor="system",
            )
        )
        for kind, name, ctype, body in (
            ("purchase_contract", "购房合同.png", "image/png", _png()),
            ("purchase_invoice", "购房发票.pdf", "application/pdf", PDF),
        ):
            session.add(
                WithdrawalDocument(
                    withdrawal_id=withdrawal.id,
                    kind=kind,
                    filename=name,
                    content_type=ctype,
                    size=len(body),
                    sha256=hashlib.sha256(body).hexdigest(),
                    content=body,
                )
            )
        return withdrawal.id, account


async def _new_page(browser: Any) -> tuple[Any, Any]:
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    # Generous: the suite shares two cores with other work, and CI runs it four times.
    page.set_default_timeout(30_000)
    return context, page


async def _submit(page: Any, button: str, url: str) -> None:
    """Press Enter on a button or link (the keyboard, as staff may) and wait for the answer.

    Not a mouse click: Chromium's PDF viewer, starting up in the case page's inline PDF,
    may scroll the page between Playwright's aim and its click. Waiting for the document
    only, not for every frame's load (the PDF viewer's frame may take its time).
    """
    async with page.expect_navigation(url=url, wait_until="domcontentloaded"):
        await page.press(button, "Enter")


async def _enrol_and_sign_in(page: Any, base: str, username: str, shot: Shots | None) -> str:
    """First login: password only, then the QR page; returns the TOTP secret."""
    await page.goto(base + "/desk/login", wait_until="domcontentloaded")
    await page.fill("#f-username", username)
    await page.fill("#f-password", PASSWORD)
    if shot:
        await shot("login")
    await _submit(page, "#login-submit", "**/desk/enrol")
    secret = (await page.inner_text("#manual-key")).replace(" ", "")
    if shot:
        await shot("enrol-qr")
    # Keyboard only: the code field has the focus, Enter submits.
    await page.keyboard.type(totp.code_for(secret))
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#who")
    return secret


async def _audited(engine: AsyncEngine, action: str, username: str) -> int:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.action == action, AuditEvent.staff_actor == f"staff:{username}"
            )
        )
        return len(rows.all())


async def test_desk_review_to_paid_and_a_counter_reset_in_chromium(
    app_server: AppServer,
    browser: Any,
    desk_artifacts: Path,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    base = app_server.base_url
    over_limit = app_server.settings.withdraw.reviewer_limit + 100_00
    withdrawal_id, account = await _case(engine, vault, amount=over_limit)
    reviewer = await _staff(engine, StaffRole.REVIEWER)
    supervisor = await _staff(engine, StaffRole.SUPERVISOR)
    clerk = await _staff(engine, StaffRole.COUNTER)
    full_name = fund.reveal_name(vault, account)

    context, page = await _new_page(browser)
    shot = Shots(page, desk_artifacts)
    try:
        # A wrong code first: refused, nothing signed in.
        await page.goto(base + "/desk/login", wait_until="domcontentloaded")
        await page.fill("#f-username", reviewer)
        await page.fill("#f-password", "not the password")
        await page.fill("#f-otp", "123456")
        await _submit(page, "#login-submit", "**/desk/login")
        await page.wait_for_selector("#login-error")
        await shot("login-refused")

        await _enrol_and_sign_in(page, base, reviewer, shot)
        assert page.url.endswith("/desk/queue?enrolled=1")
        assert f'id="row-{withdrawal_id}"' in await page.content()
        await shot("queue")
        await _submit(page, f"#row-{withdrawal_id} a.open-case", f"**/desk/cases/{withdrawal_id}")
        await page.wait_for_selector(".doc-image")
        assert full_name not in await page.content()
        assert await page.is_visible("#over-limit")
        await shot("case")

        await _submit(page, "#reveal", f"**/desk/cases/{withdrawal_id}/reveal")
        assert await page.inner_text("#full-name") == full_name
        await shot("case-revealed")
        assert await _audited(engine, "staff.reveal_identity", reviewer) == 1

        # Over the limit: approving is refused, referring to a supervisor is offered.
        await _submit(page, "#approve", f"**/desk/cases/{withdrawal_id}/approve")
        assert "须由主管审批" in await page.inner_text("#message-text")
        await shot("reviewer-over-limit")
        await _submit(page, "#back", f"**/desk/cases/{withdrawal_id}")
        await _submit(page, "#escalate", "**/desk/queue?done=escalated")

        # A counter clerk has no business on the review pages.
        clerk_context, clerk_page = await _new_page(browser)
        try:
            await _enrol_and_sign_in(clerk_page, base, clerk, None)
            await clerk_page.goto(
                base + f"/desk/cases/{withdrawal_id}", wait_until="domcontentloaded"
            )
            assert "无权" in await clerk_page.inner_text("#message-title")
            await clerk_page.screenshot(path=str(desk_artifacts / "counter-on-review.png"))

            # The counter's own work: find by ID number, reset, print the slip.
            await clerk_page.goto(base + "/desk/counter")
            await clerk_page.fill("#f-id_no", fund.reveal_id_no(vault, account))
            await clerk_page.click("#lookup-submit")
            await clerk_page.wait_for_url("**/desk/counter/accounts/*")
            await clerk_page.screenshot(
                path=str(desk_artifacts / "counter-account.png"), full_page=True
            )
            form = clerk_page.locator("form[action$='/password']")
            await form.locator("input[name=identity_checked]").check()
            await clerk_page.click("#reset-password")
            await clerk_page.wait_for_selector("#slip")
            slip_password = await clerk_page.inner_text("#new-password")
            assert re.fullmatch(r"\d{6}", slip_password)
            await clerk_page.screenshot(path=str(desk_artifacts / "counter-slip.png"))
            await clerk_page.emulate_media(media="print")
            await clerk_page.screenshot(path=str(desk_artifacts / "counter-slip-print.png"))
            assert not await clerk_page.is_visible("#print")  # buttons do not print
        finally:
            await clerk_context.close()

        # The supervisor: enrol, see the referred case, approve it.
        sup_context, sup_page = await _new_page(browser)
        sup_shot = Shots(sup_page, desk_artifacts)
        sup_shot.taken = ["x"] * len(shot.taken)  # keep numbering after the reviewer's
        try:
            await _enrol_and_sign_in(sup_page, base, supervisor, None)
            row = sup_page.locator(f"#row-{withdrawal_id}")
            assert "待主管审批" in await row.inner_text()
            await sup_shot("supervisor-queue")
            await _submit(
                sup_page, f"#row-{withdrawal_id} a.open-case", f"**/desk/cases/{withdrawal_id}"
            )
            await sup_page.fill("#f-note", "购房合同与发票一致")
            await sup_shot("supervisor-case")
            await _submit(sup_page, "#approve", f"**/desk/cases/{withdrawal_id}?done=approved")
            await sup_shot("supervisor-approved")

            # The worker pays through the sandbox bank.
            report = await run_worker(app_server.settings, once=True)
            assert withdrawal_id in report.paid
            await sup_page.goto(
                base + f"/desk/cases/{withdrawal_id}", wait_until="domcontentloaded"
            )
            assert await sup_page.inner_text("#status") == "已到账"
            await sup_shot("case-paid")
            await sup_page.goto(base + "/desk/ops/audit?actor=" + supervisor)
            assert "staff.approve" in await sup_page.content()
            await sup_shot("audit-trail")
            await sup_page.goto(base + "/desk/ops/payouts")
            await sup_shot("payouts")
            await sup_page.goto(base + "/desk/ops/reconcile")
            await sup_shot("reconcile")
        finally:
            await sup_context.close()
    except Exception:
        await page.screenshot(path=str(desk_artifacts / "failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()


async def test_two_reviewers_on_one_case_in_chromium(
    app_server: AppServer, browser: Any, desk_artifacts: Path, engine: AsyncEngine, vault: Vault
) -> None:
    base = app_server.base_url
    withdrawal_id, _ = await _case(engine, vault, amount=10_000)
    first, second = (
        await _staff(engine, StaffRole.REVIEWER),
        await _staff(engine, StaffRole.REVIEWER),
    )
    one, page_one = await _new_page(browser)
    two, page_two = await _new_page(browser)
    try:
        await _enrol_and_sign_in(page_one, base, first, None)
        await _enrol_and_sign_in(page_two, base, second, None)
        await page_one.goto(base + f"/desk/cases/{withdrawal_id}", wait_until="domcontentloaded")
        assert await page_one.is_visible("#held")
        await page_two.goto(base + f"/desk/cases/{withdrawal_id}", wait_until="domcontentloaded")
        text = await page_two.inner_text("#message-text")
        assert first in text
        await page_two.screenshot(path=str(desk_artifacts / "second-reviewer-refused.png"))
        await page_one.fill("#f-reason", "购房合同签字页不清晰，请重新上传")
        await _submit(page_one, "#reject", f"**/desk/cases/{withdrawal_id}?done=rejected")
    finally:
        await one.close()
        await two.close()


@pytest.fixture
async def brief_server(settings: Settings) -> AsyncIterator[AppServer]:
    """The app with a three-second idle timeout (the real one is 15 minutes)."""
    brief = settings.model_copy(
        update={"staff": settings.staff.model_copy(update={"idle_timeout_s": 3})}
    )
    with run_app_server(brief) as server:
        yield server


async def test_an_idle_desk_session_ends_in_chromium(
    brief_server: AppServer, browser: Any, desk_artifacts: Path, engine: AsyncEngine
) -> None:
    base = brief_server.base_url
    username = await _staff(engine, StaffRole.REVIEWER)
    context, page = await _new_page(browser)
    try:
        await _enrol_and_sign_in(page, base, username, None)
        await asyncio.sleep(4.5)
        await _submit(page, "a[href='/desk/queue']", "**/desk/login?expired=1")
        assert await page.is_visible("#expired")
        await page.screenshot(path=str(desk_artifacts / "idle-timeout.png"))
    finally:
        await context.close()
