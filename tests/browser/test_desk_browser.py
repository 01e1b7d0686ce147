"""The staff desk in headless Chromium, against the whole app and the sandbox bank.

One walk: a reviewer enrols TOTP from the QR page, opens a case above their limit,
reveals the holder's name (audited), asks for documents (补件); the depositor, in the H5
pages, sees what is missing, uploads it and resubmits the same application; back in the
queue, the reviewer is refused over the limit and refers it; a counter clerk resets the
depositor's query password, who changes the printed initial one at first use; a
supervisor finds the reveal in the audit search, approves; the payout worker pays
through the sandbox bank: 已到账 on the desk and in H5. A second payout whose bank answer
cannot be trusted is parked; the supervisor hands it back and asks the bank from the
desk: paid once. Negative paths: a wrong code, a second reviewer on a held case, the
counter on review pages, an idle session.
Screenshots land in test-artifacts/desk/NN-step.png for a reviewer to look at.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts, run_app_server
from tests.browser.desk_pages import (
    add_staff,
    enrol_and_sign_in,
    new_page,
    png,
    review_case,
    shot_with_pdf,
    submit,
)
from tests.browser.desk_walks import bank_payments, counter_walk, park_a_payout, resolve_parked
from tests.browser.test_h5_browser import PHONE, WECHAT_UA, Shots
from tests.browser.walks import sign_up, supply_documents
from wxbackend.audit.models import AuditEvent
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault
from wxbackend.staff.models import StaffRole
from wxbackend.worker import run_worker


@pytest.fixture(scope="module")
def desk_artifacts() -> Path:
    """test-artifacts/desk/, emptied once for this module's tests."""
    return fresh_artifacts(ARTIFACTS_ROOT / "desk")


async def _audited(engine: AsyncEngine, action: str, username: str) -> int:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.action == action, AuditEvent.staff_actor == f"staff:{username}"
            )
        )
        return len(rows.all())


async def test_desk_review_documents_paid_counter_and_parked_in_chromium(
    app_server: AppServer,
    browser: Any,
    desk_artifacts: Path,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    base = app_server.base_url
    over_limit = app_server.settings.withdraw.reviewer_limit + 100_00
    withdrawal_id, account = await review_case(engine, vault, amount=over_limit)
    reviewer = await add_staff(engine, StaffRole.REVIEWER)
    supervisor = await add_staff(engine, StaffRole.SUPERVISOR)
    clerk = await add_staff(engine, StaffRole.COUNTER)
    full_name = fund.reveal_name(vault, account)
    case_url = f"/desk/cases/{withdrawal_id}"
    h5_case = base + f"/h5/withdrawals/{withdrawal_id}"

    context, page = await new_page(browser)
    shot = Shots(page, desk_artifacts)
    # The depositor's phone: WeChat's browser, signed up and bound to the account.
    dep_context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    dep = await dep_context.new_page()
    dep.set_default_timeout(30_000)
    dep_shot = Shots(dep, desk_artifacts)
    dep_shot.taken = shot.taken  # one numbering across every window of the walk
    try:
        await sign_up(dep, base, vault, account, prefix="o-desk-")

        # A wrong code first: refused, nothing signed in.
        await page.goto(base + "/desk/login", wait_until="domcontentloaded")
        await page.fill("#f-username", reviewer)
        await page.fill("#f-password", "not the password")
        await page.fill("#f-otp", "123456")
        await submit(page, "#login-submit", "**/desk/login")
        await page.wait_for_selector("#login-error")
        await shot("login-refused")

        await enrol_and_sign_in(page, base, reviewer, shot)
        assert page.url.endswith("/desk/queue?enrolled=1")
        assert f'id="row-{withdrawal_id}"' in await page.content()
        await shot("queue")
        await submit(page, f"#row-{withdrawal_id} a.open-case", "**" + case_url)
        await page.wait_for_selector(".doc-image")
        assert full_name not in await page.content()
        assert await page.is_visible("#over-limit")
        await shot_with_pdf(shot, "case")

        await submit(page, "#reveal", f"**{case_url}/reveal")
        assert await page.inner_text("#full-name") == full_name
        await shot_with_pdf(shot, "case-revealed")

        # 补件: the contract's signature page is unreadable; back to the applicant.
        await page.check("#doc-purchase_contract")
        await page.fill("#f-missing", "购房合同签字页不清晰，请重新拍照上传")
        await submit(page, "#ask-documents", f"**{case_url}?done=documents_requested")
        assert await page.inner_text("#status") == "待补充材料"
        await shot_with_pdf(shot, "documents-requested")

        # The depositor sees what is missing, replaces the contract, resubmits.
        await dep.goto(h5_case)
        assert await dep.inner_text("#status") == "待补充材料"
        assert "签字页不清晰" in await dep.inner_text("#supplement-reason")
        await dep_shot("h5-documents-asked")
        clear = ("purchase_contract", "购房合同-清晰.png", png("购房合同 签字页"), "image/png")
        await supply_documents(dep, base, withdrawal_id, replace="购房合同.png", upload=clear)
        assert "购房合同-清晰.png" in await dep.inner_text("#documents")
        await dep_shot("h5-document-replaced")
        async with dep.expect_navigation(url=h5_case):
            await dep.click("#resubmit")
        assert await dep.inner_text("#status") == "审核中"

        # Back in the reviewer's queue, with the new contract; over the limit: referred.
        await page.goto(base + "/desk/queue", wait_until="domcontentloaded")
        assert await page.is_visible(f"#row-{withdrawal_id}")
        await shot("queue-resubmitted")
        await submit(page, f"#row-{withdrawal_id} a.open-case", "**" + case_url)
        assert await page.locator("figure.document", has_text="购房合同-清晰.png").count() == 1
        await submit(page, "#approve", f"**{case_url}/approve")
        assert "须由主管审批" in await page.inner_text("#message-text")
        await shot("reviewer-over-limit")
        await submit(page, "#back", "**" + case_url)
        await submit(page, "#escalate", "**/desk/queue?done=escalated")

        await counter_walk(browser, base, desk_artifacts, clerk, case_url, vault, account, dep_shot)
        await dep_shot("h5-queries-again")

        # The supervisor: enrol, find the reveal in the audit search, approve the case.
        sup_context, sup_page = await new_page(browser)
        sup_shot = Shots(sup_page, desk_artifacts)
        sup_shot.taken = shot.taken
        try:
            await enrol_and_sign_in(sup_page, base, supervisor, None)
            row = sup_page.locator(f"#row-{withdrawal_id}")
            assert "待主管审批" in await row.inner_text()
            await sup_shot("supervisor-queue")

            await sup_page.goto(base + "/desk/ops/audit", wait_until="domcontentloaded")
            await sup_page.fill("#f-actor", reviewer)
            await sup_page.fill("#f-action", "staff.reveal_identity")
            await submit(sup_page, "#audit-submit", "**/desk/ops/audit?**")
            rows = sup_page.locator("#audit tbody tr")
            assert await rows.count() == 1
            assert str(account.id) in await rows.first.inner_text()
            await sup_shot("audit-reveal")
            assert await _audited(engine, "staff.reveal_identity", reviewer) == 1

            await sup_page.goto(base + case_url, wait_until="domcontentloaded")
            await sup_page.fill("#f-note", "购房合同与发票一致")
            await shot_with_pdf(sup_shot, "supervisor-case")
            await submit(sup_page, "#approve", f"**{case_url}?done=approved")
            await shot_with_pdf(sup_shot, "supervisor-approved")

            parked_id = await park_a_payout(app_server, engine, vault)
            # The worker pays through the sandbox bank; the second payout gets parked.
            once = app_server.settings.model_copy(
                update={
                    "withdraw": app_server.settings.withdraw.model_copy(
                        update={"payout_max_attempts": 1}
                    )
                }
            )
            report = await run_worker(once, once=True)
            assert withdrawal_id in report.paid
            assert parked_id not in report.paid
            await sup_page.goto(base + case_url, wait_until="domcontentloaded")
            assert await sup_page.inner_text("#status") == "已到账"
            await shot_with_pdf(sup_shot, "case-paid")
            await dep.goto(h5_case)
            assert await dep.inner_text("#status") == "已到账"
            await dep_shot("h5-paid")

            await resolve_parked(sup_page, sup_shot, base, parked_id)
            again = await run_worker(once, once=True)
            assert not again.paid  # nothing is paid twice
            assert await bank_payments(base, withdrawal_id) == {f"WD{withdrawal_id:012d}": "paid"}
            assert await bank_payments(base, parked_id) == {f"WD{parked_id:012d}": "paid"}

            await sup_page.goto(base + "/desk/ops/audit?actor=" + supervisor)
            assert "staff.approve" in await sup_page.content()
            await sup_shot("audit-trail")
            await sup_page.goto(base + "/desk/ops/reconcile")
            await sup_shot("reconcile")
        finally:
            await sup_context.close()
    except Exception:
        await page.screenshot(path=str(desk_artifacts / "failure.png"), full_page=True)
        await dep.screenshot(path=str(desk_artifacts / "failure-h5.png"), full_page=True)
        print("stopped at", page.url, dep.url)
        raise
    finally:
        await dep_context.close()
        await context.close()


async def test_two_reviewers_on_one_case_in_chromium(
    app_server: AppServer, browser: Any, desk_artifacts: Path, engine: AsyncEngine, vault: Vault
) -> None:
    base = app_server.base_url
    withdrawal_id, _ = await review_case(engine, vault, amount=10_000)
    first, second = (
        await add_staff(engine, StaffRole.REVIEWER),
        await add_staff(engine, StaffRole.REVIEWER),
    )
    one, page_one = await new_page(browser)
    two, page_two = await new_page(browser)
    try:
        await enrol_and_sign_in(page_one, base, first, None)
        await enrol_and_sign_in(page_two, base, second, None)
        await page_one.goto(base + f"/desk/cases/{withdrawal_id}", wait_until="domcontentloaded")
        assert await page_one.is_visible("#held")
        await page_two.goto(base + f"/desk/cases/{withdrawal_id}", wait_until="domcontentloaded")
        text = await page_two.inner_text("#message-text")
        assert first in text
        await page_two.screenshot(path=str(desk_artifacts / "second-reviewer-refused.png"))
        await page_one.fill("#f-reason", "购房合同签字页不清晰，请重新上传")
        await submit(page_one, "#reject", f"**/desk/cases/{withdrawal_id}?done=rejected")
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
    username = await add_staff(engine, StaffRole.REVIEWER)
    context, page = await new_page(browser)
    try:
        await enrol_and_sign_in(page, base, username, None)
        await asyncio.sleep(4.5)
        await submit(page, "a[href='/desk/queue']", "**/desk/login?expired=1")
        assert await page.is_visible("#expired")
        await page.screenshot(path=str(desk_artifacts / "idle-timeout.png"))
    finally:
        await context.close()
