"""The sandbox's index pages: what each stand-in recorded, masked, with working links."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import httpx

from tests.sandbox_server import SandboxServer
from wxbackend import clock
from wxbackend.sandbox.bank_state import PaymentIn
from wxbackend.sandbox.tencent import SandboxSms

CARD = "6222020000000005678"


def _links(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


async def test_every_link_of_every_sandbox_page_answers(wechat_sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        index = await client.get(wechat_sandbox.base_url + "/")
        assert index.status_code == 200
        pages = [wechat_sandbox.base_url + "/"]
        for href in _links(index.text):
            target = urljoin(pages[0], href)
            if target.startswith(wechat_sandbox.base_url):  # ../docs etc. are the app's own
                pages.append(target)
        assert {p.removeprefix(wechat_sandbox.base_url) for p in pages} >= {
            "/wechat/",
            "/tencent/",
            "/bank/",
            "/docs",
            "/wechat/_sandbox/docs",
        }
        for page in pages:
            response = await client.get(page)
            assert response.status_code == 200, page
            for href in _links(response.text):
                target = urljoin(page, href)
                if target.startswith(wechat_sandbox.base_url):
                    assert (await client.get(target)).status_code == 200, (page, href)


async def test_the_stand_ins_pages_show_their_traffic_masked(
    wechat_sandbox: SandboxServer,
) -> None:
    wechat_sandbox.wechat.record(
        "custom", "wx-app", {"touser": "o-page-1", "msgtype": "text", "text": {"content": "您好"}}
    )
    wechat_sandbox.tencent.sms.append(
        SandboxSms("+8613800138000", "示范市公积金", "100001", ("482913", "5"), clock.timestamp())
    )
    order = PaymentIn(
        merchant_id="GJJ0001",
        reference="WD000000000042",
        card_no=CARD,
        holder_name="王建国",
        bank_code="ICBC",
        amount=150_000,
    )
    wechat_sandbox.bank.book(order)
    async with httpx.AsyncClient(base_url=wechat_sandbox.base_url, timeout=10) as client:
        wechat = (await client.get("/wechat/")).text
        tencent = (await client.get("/tencent/")).text
        bank = (await client.get("/bank/")).text
        index = (await client.get("/")).text
    assert "o-page-1" in wechat
    assert "您好" in wechat
    assert "138****8000" in tencent
    assert "13800138000" not in tencent
    assert "482913" in tencent  # the code a developer needs to log in
    assert "WD000000000042" in bank
    assert "¥1,500.00" in bank
    assert CARD not in bank
    assert "王建国" not in bank
    assert re.search(r"代发记录：<span class=\"count\">1<", index)
