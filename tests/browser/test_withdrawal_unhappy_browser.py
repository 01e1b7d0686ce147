"""补件 and re-payment to a new card, walked in headless Chromium with screenshots.

A purchase application with its documents -> the reviewer asks for a clearer contract ->
the depositor sees why, removes the old file, uploads a new one and resubmits the same
application -> approved -> the bank refuses the card as Type-II -> 待更换银行卡 -> the
depositor binds another card -> the worker pays the same withdrawal, once -> 已到账.
Screenshots in test-artifacts/h5-unhappy/ (and docs/img/withdrawals/ for the docs).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import ARTIFACTS_ROOT, AppServer, fresh_artifacts
from tests.browser.test_h5_browser import PASSWORD, PHONE, WECHAT_UA, Shots
from tests.browser.walks import sign_up
from tests.builders import luhn_complete, make_account
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.security.pii import Vault
from wxbackend.withdraw import service as withdraw
from wxbackend.withdraw import supplements
from wxbackend.withdraw.models import Withdrawal
from wxbackend.withdraw.rules import load_rules
from wxbackend.worker import run_worker

PDF = b"%PDF-1.4\n% contract\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def unhappy_artifacts() -> Path:
    return fresh_artifacts(ARTIFACTS_ROOT / "h5-unhappy")


async def bind_card(page: Any, base: str, number: str) -> None:
    await page.goto(base + "/h5/card")
    await page.fill("#f-card_no", number)
    await page.check("#f-confirm_type1")
    await page.click("#card-submit")
    await page.wait_for_selector("#card-bound")


async def upload(page: Any, kind: str, name: str, content: bytes, mime: str) -> None:
    await page.select_option("#f-kind", kind)
    await page.set_input_files("#f-file", {"name": name, "mimeType": mime, "buffer": content})
    await page.click("#upload")
    await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+(\?uploaded=1)?$"))


async def test_documents_asked_for_and_a_new_card_in_chromium(
    app_server: AppServer,
    browser: Any,
    unhappy_artifacts: Path,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    sessions = create_sessionmaker(engine)
    async with session_scope(sessions) as session:
        account = await make_account(
            session, vault, name="李秀英", months_of_deposits=3, opening_balance=5_000_000
        )
    base = app_server.base_url
    first_card = luhn_complete("622202")
    context = await browser.new_context(
        viewport=PHONE, user_agent=WECHAT_UA, locale="zh-CN", is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    shot = Shots(page, unhappy_artifacts)
    try:
        await sign_up(page, base, vault, account, prefix="o-unhappy-")
        await bind_card(page, base, first_card)

        await page.goto(base + "/h5/withdrawals/new")
        await page.click("label[for=kind-purchase]")
        await page.fill("#f-amount", "15000.00")
        await page.click("#apply-submit")
        await page.wait_for_selector("#confirm-summary")
        assert "购房合同" in await page.inner_text("#confirm-next")
        await page.fill("#f-password", PASSWORD)
        await shot("purchase-confirm")
        await page.click("#confirm-submit")
        await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+$"))
        withdrawal_id = int(page.url.rsplit("/", 1)[1])
        await upload(page, "purchase_contract", "合同.pdf", PDF, "application/pdf")
        await upload(page, "purchase_invoice", "发票.pdf", PDF, "application/pdf")
        assert await page.inner_text("#status") == "审核中"

        # The reviewer (the desk's service function) asks for a clearer contract.
        async with session_scope(sessions) as session:
            found = await session.get(Withdrawal, withdrawal_id)
            assert found is not None
            await supplements.request_documents(
                session,
                found,
                rules=load_rules(),
                actor="staff:browser",
                reason="购房合同签字页不清晰，请重新拍照上传",
                kinds=["purchase_contract"],
            )
        await page.goto(base + f"/h5/withdrawals/{withdrawal_id}")
        assert await page.inner_text("#status") == "待补充材料"
        assert "签字页不清晰" in await page.inner_text("#supplement-reason")
        await shot("supplement-asked")

        old = page.locator("#documents .weui-cell").first
        old_id = (await old.get_attribute("id") or "").removeprefix("document-")
        await page.click(f"#remove-{old_id}")
        await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+$"))
        assert await page.locator(f"#document-{old_id}").count() == 0
        await upload(page, "purchase_contract", "合同-清晰.png", PNG, "image/png")
        assert "合同-清晰.png" in await page.inner_text("#documents")
        await shot("supplement-replaced")
        await page.click("#resubmit")
        await page.wait_for_url(re.compile(r".*/h5/withdrawals/\d+$"))
        assert await page.inner_text("#status") == "审核中"
        await shot("supplement-resubmitted")

        # Approved, then the bank refuses the card as a Type-II account.
        async with httpx.AsyncClient(base_url=base + "/sandbox/bank") as bank:
            type2 = {"card_no": first_card, "kind": "type2"}
            (await bank.post("/_sandbox/cards", json=type2)).raise_for_status()
        async with session_scope(sessions) as session:
            found = await session.get(Withdrawal, withdrawal_id)
            assert found is not None
            await withdraw.approve(session, found, actor="staff:browser-supervisor")
        await run_worker(app_server.settings, once=True)
        await page.goto(base + f"/h5/withdrawals/{withdrawal_id}")
        assert await page.inner_text("#status") == "待更换银行卡"
        assert "II类账户" in await page.content()
        await shot("awaiting-new-card")

        await page.click("#bind-new-card")
        await page.wait_for_url("**/h5/card")
        await shot("card-refused-bind-another")
        await bind_card(page, base, luhn_complete("622848"))
        report = await run_worker(app_server.settings, once=True)
        assert withdrawal_id in report.paid
        await page.goto(base + f"/h5/withdrawals/{withdrawal_id}")
        assert await page.inner_text("#status") == "已到账"
        assert "6228" in await page.content()
        await shot("paid-to-new-card")
        again = await run_worker(app_server.settings, once=True)
        assert withdrawal_id not in again.paid
        async with httpx.AsyncClient(base_url=base + "/sandbox/bank") as bank:
            ledger = (await bank.get("/_sandbox/payments")).json()
        reference = f"WD{withdrawal_id:012d}"
        ours = {p["reference"]: p["status"] for p in ledger["items"] if reference in p["reference"]}
        assert ours == {reference: "rejected_type2", reference + "R1": "paid"}
    except Exception:
        await page.screenshot(path=str(unhappy_artifacts / "failure.png"), full_page=True)
        print("stopped at", page.url)
        raise
    finally:
        await context.close()
    assert len(shot.taken) == 7
