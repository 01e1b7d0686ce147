"""What the desk's browser tests share: staff members, cases, pages, keyboard submits."""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path
from typing import Any

import segno
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.test_h5_browser import Shots
from tests.builders import make_account, make_card
from wxbackend import clock
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.security.pii import Vault
from wxbackend.staff import auth, totp
from wxbackend.staff.models import StaffRole
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)

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


def png(text: str = "购房合同 第1页") -> bytes:
    """A small real PNG (a QR code standing in for a scanned document)."""
    out = io.BytesIO()
    segno.make(text).save(out, kind="png", scale=6)
    return out.getvalue()


async def add_staff(engine: AsyncEngine, role: StaffRole) -> str:
    username = f"{role.value[:3]}{secrets.token_hex(3)}"
    async with session_scope(create_sessionmaker(engine)) as session:
        await auth.add_staff(session, username=username, password=PASSWORD, role=role)
    return username


async def review_case(
    engine: AsyncEngine, vault: Vault, *, amount: int, name: str = "王建国"
) -> tuple[int, Any]:
    """An application under review with a scanned contract (PNG) and a PDF invoice."""
    async with session_scope(create_sessionmaker(engine)) as session:
        account = await make_account(
            session, vault, name=name, months_of_deposits=6, opening_balance=30_000_000
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
        for kind, filename, ctype, body in (
            ("purchase_contract", "购房合同.png", "image/png", png()),
            ("purchase_invoice", "购房发票.pdf", "application/pdf", PDF),
        ):
            session.add(
                WithdrawalDocument(
                    withdrawal_id=withdrawal.id,
                    kind=kind,
                    filename=filename,
                    content_type=ctype,
                    size=len(body),
                    sha256=hashlib.sha256(body).hexdigest(),
                    content=body,
                )
            )
        return withdrawal.id, account


async def new_page(browser: Any) -> tuple[Any, Any]:
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    # Generous: the suite shares two cores with other work, and CI runs it four times.
    page.set_default_timeout(30_000)
    return context, page


async def submit(page: Any, button: str, url: str) -> None:
    """Press Enter on a button or link (the keyboard, as staff may) and wait for the answer.

    Not a mouse click: Chromium's PDF viewer, starting up in the case page's inline PDF,
    may scroll the page between Playwright's aim and its click. Waiting for the document
    only, not for every frame's load (the PDF viewer's frame may take its time).
    """
    async with page.expect_navigation(url=url, wait_until="domcontentloaded"):
        await page.press(button, "Enter")


async def enrol_and_sign_in(page: Any, base: str, username: str, shot: Shots | None) -> str:
    """First login: password only, then the QR page; returns the TOTP secret.

    The enrolment screenshot masks the QR code and the typed key: a picture in the docs
    should never carry a secret that looks usable, even a throwaway test user's.
    """
    await page.goto(base + "/desk/login", wait_until="domcontentloaded")
    await page.fill("#f-username", username)
    await page.fill("#f-password", PASSWORD)
    if shot:
        await shot("login")
    await submit(page, "#login-submit", "**/desk/enrol")
    secret = (await page.inner_text("#manual-key")).replace(" ", "")
    if shot:
        name = f"{len(shot.taken) + 1:02d}-enrol-qr.png"
        await page.screenshot(
            path=str(Path(shot.folder) / name),
            full_page=True,
            mask=[page.locator("#qr svg"), page.locator("#manual-key")],
            mask_color="#9aa4b1",
        )
        shot.taken.append(name)
    # Keyboard only: the code field has the focus, Enter submits.
    await page.keyboard.type(totp.code_for(secret))
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#who")
    return secret


PDF_VIEWER = "chrome-extension://"
PDF_LOADED = """() => document.querySelector("pdf-viewer")?.shadowRoot
    ?.querySelector("viewer-toolbar")?.loadProgress === 100"""


async def pdf_drawn(page: Any) -> None:
    """Wait until Chromium's PDF viewer has drawn every inline PDF of the page.

    The viewer is an extension frame inside each PDF frame, attached after the page's own
    load; until its toolbar reports the document loaded, a screenshot shows a dark box.
    """
    wanted = await page.locator("iframe.doc-pdf").count()

    def viewers() -> list[Any]:
        return [f for f in page.frames if f.url.startswith(PDF_VIEWER)]

    while len(viewers()) < wanted:
        await page.wait_for_event("framenavigated")
    for viewer in viewers():
        await viewer.wait_for_function(PDF_LOADED)
        # Two animation frames: what the viewer laid out is on the screen.
        await viewer.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )


async def shot_with_pdf(shot: Shots, step: str) -> None:
    """A full-page screenshot of a page with inline PDFs, the PDFs drawn.

    A full-page capture grows the viewport for the moment of the capture; the PDF viewer,
    half off-screen before, had not drawn the rest yet (a dark box). So the viewport is
    grown to the whole page first and the viewers waited for, then the picture taken.
    """
    page = shot.page
    height = await page.evaluate("document.documentElement.scrollHeight")
    await page.set_viewport_size({"width": DESKTOP["width"], "height": height})
    await pdf_drawn(page)
    await shot(step)
    await page.set_viewport_size(DESKTOP)
