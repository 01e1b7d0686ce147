"""The desk walk's longer stretches: the counter, and a parked payout resolved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import AppServer
from tests.browser.desk_pages import enrol_and_sign_in, new_page, review_case, submit
from tests.browser.test_h5_browser import Shots
from tests.browser.walks import change_initial_password
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault
from wxbackend.withdraw import service as withdraw
from wxbackend.withdraw.models import Withdrawal

NEW_QUERY_PASSWORD = "730418"


async def approve(engine: AsyncEngine, withdrawal_id: int) -> None:
    """Approved outside the browser (the walk's second payout is about the bank, not review)."""
    async with session_scope(create_sessionmaker(engine)) as session:
        found = await session.get(Withdrawal, withdrawal_id)
        assert found is not None
        await withdraw.approve(session, found, actor="staff:browser-supervisor")


async def bank_payments(base: str, withdrawal_id: int) -> dict[str, str]:
    """The sandbox bank's recorded payments for one withdrawal: reference -> status."""
    async with httpx.AsyncClient(base_url=base + "/sandbox/bank") as bank:
        ledger = (await bank.get("/_sandbox/payments")).json()
    reference = f"WD{withdrawal_id:012d}"
    return {p["reference"]: p["status"] for p in ledger["items"] if reference in p["reference"]}


async def counter_walk(
    browser: Any,
    base: str,
    desk_artifacts: Path,
    clerk: str,
    case_url: str,
    vault: Vault,
    account: Any,
    dep_shot: Shots,
) -> None:
    """The counter clerk: refused on review pages; finds the account by ID number, resets
    the query password, prints the slip; the depositor changes it at first use."""
    clerk_context, clerk_page = await new_page(browser)
    try:
        await enrol_and_sign_in(clerk_page, base, clerk, None)
        await clerk_page.goto(base + case_url, wait_until="domcontentloaded")
        assert "无权" in await clerk_page.inner_text("#message-title")
        await clerk_page.screenshot(path=str(desk_artifacts / "counter-on-review.png"))

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
    dep = dep_shot.page
    await change_initial_password(
        dep, base, slip_password, NEW_QUERY_PASSWORD, shot=lambda: dep_shot("h5-initial-password")
    )
    await dep.goto(base + "/h5/account")
    assert dep.url.endswith("/h5/account")  # the queries answer again
    assert await dep.is_visible("text=账户余额")


async def park_a_payout(app_server: AppServer, engine: AsyncEngine, vault: Vault) -> int:
    """A second, approved payout whose bank answer will not carry a valid signature: the
    bank books it, the worker cannot trust the answer and (one attempt allowed) parks it."""
    parked_id, _ = await review_case(engine, vault, amount=3_000_00, name="李秀英")
    await approve(engine, parked_id)
    fault = {"kind": "bad_signature", "op": "pay", "reference": f"WD{parked_id:012d}"}
    async with httpx.AsyncClient(base_url=app_server.base_url + "/sandbox/bank") as bank:
        (await bank.post("/_sandbox/faults", json=fault)).raise_for_status()
    return parked_id


async def resolve_parked(page: Any, shot: Shots, base: str, parked_id: int) -> None:
    """交回处理 on /desk/ops/parked, then 立即向银行查询 on /desk/ops/payouts: the bank
    says it paid, the case is booked 已到账."""
    await page.goto(base + "/desk/ops/parked", wait_until="domcontentloaded")
    assert "多次查询仍未获得银行结果" in await page.inner_text(f"#parked-{parked_id}")
    await shot("parked")
    await submit(page, f"#requery-{parked_id}", "**/desk/ops/parked?done=requeued")
    assert await page.locator(f"#parked-{parked_id}").count() == 0
    await page.goto(base + "/desk/ops/payouts", wait_until="domcontentloaded")
    await shot("payouts")
    await submit(page, f"#query-{parked_id}", "**/desk/ops/payouts?answer=paid")
    assert "银行已入账" in await page.inner_text("#bank-answer")
    await shot("payout-queried")
    await page.goto(base + f"/desk/cases/{parked_id}", wait_until="domcontentloaded")
    assert await page.inner_text("#status") == "已到账"
