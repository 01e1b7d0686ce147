"""Walks through the H5 pages that several browser tests begin with."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from tests.browser.test_h5_browser import PASSWORD
from wxbackend.fund import service as fund
from wxbackend.security.pii import Vault


async def sign_up(
    page: Any, base: str, vault: Vault, account: Any, *, prefix: str = "o-walk-"
) -> None:
    """OAuth, agreement, identity, SMS code (read from the sandbox), face, password: the
    follower is bound. The openid is new each time (`prefix` + random)."""
    await page.goto(base + "/h5/account")
    await page.fill("input[name=openid]", prefix + secrets.token_hex(4))
    await page.click("#authorize")
    await page.wait_for_url("**/h5/signup**")
    await page.check("#f-agree")
    await page.click("#agree-submit")
    await page.fill("#f-name", fund.reveal_name(vault, account))
    await page.fill("#f-id_no", fund.reveal_id_no(vault, account))
    await page.click("#identity-submit")
    await page.click("#sms-send")
    await page.wait_for_selector("#sms-sent")
    mobile = fund.reveal_mobile(vault, account) or ""
    sms = await page.request.get(base + "/sandbox/tencent/_sandbox/sms", params={"phone": mobile})
    await page.fill("#f-code", (await sms.json())["messages"][-1]["params"][0])
    await page.click("#sms-verify")
    await page.click("#face-start")
    await page.wait_for_url("**/sandbox/tencent/face/**")
    await page.click("button.pass")
    await page.wait_for_selector("#f-confirm")
    await page.fill("#f-password", PASSWORD)
    await page.fill("#f-confirm", PASSWORD)
    await page.click("#password-submit")
    await page.wait_for_url("**/h5/signup/done**")


async def supply_documents(
    page: Any, base: str, withdrawal_id: int, *, replace: str, upload: tuple[str, str, bytes, str]
) -> None:
    """补件 in H5: the application asks for documents; the file named `replace` is
    removed, `upload` (kind, filename, content, mime) uploaded, the application resubmitted."""
    detail = base + f"/h5/withdrawals/{withdrawal_id}"
    old = page.locator("#documents .weui-cell", has_text=replace)
    old_id = (await old.get_attribute("id") or "").removeprefix("document-")
    async with page.expect_navigation(url=detail):
        await page.click(f"#remove-{old_id}")
    kind, filename, content, mime = upload
    await page.select_option("#f-kind", kind)
    await page.set_input_files("#f-file", {"name": filename, "mimeType": mime, "buffer": content})
    async with page.expect_navigation(
        url=re.compile(rf".*/h5/withdrawals/{withdrawal_id}(\?uploaded=1)?$")
    ):
        await page.click("#upload")


async def change_initial_password(
    page: Any,
    base: str,
    initial: str,
    new: str,
    *,
    shot: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """An initial password (the counter's slip) must be changed before any query: the
    account page sends the follower to the password page, which takes it as the old one."""
    await page.goto(base + "/h5/account")
    await page.wait_for_url("**/h5/password?initial=1")
    await page.wait_for_selector("#initial-password")
    if shot:
        await shot()
    await page.fill("#f-old_password", initial)
    await page.fill("#f-new_password", new)
    await page.fill("#f-confirm", new)
    await page.click("#password-submit")
    await page.wait_for_url("**/h5/password?changed=1")
