"""Deposit certificates: issued as a PDF that reads back as the account, verified publicly."""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader

from tests.api.signing_world import World
from tests.api.test_account_api import bound
from wxbackend.certificates import service
from wxbackend.clock import now, today_in_china
from wxbackend.db import session_scope
from wxbackend.security.masking import mask_id_no

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def compact(text: str) -> str:
    return "".join(text.split())


async def issue(world: World, token: str) -> dict[str, str]:
    response = await world.call(token, "POST", "/api/certificates")
    assert response.status_code == 200, response.text
    issued: dict[str, str] = response.json()
    return issued


async def test_certificate_pdf_reads_back_as_the_account(world: World) -> None:
    token, _, person = await bound(world, name="李秀英")
    overview = (await world.call(token, "GET", "/api/account")).json()
    issued = await issue(world, token)
    assert len(issued["code"].replace("-", "")) == 20  # 100 random bits
    assert issued["verify_url"].endswith("/verify/" + issued["code"].replace("-", ""))
    response = await world.call(token, "GET", issued["pdf_path"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = compact(pdf_text(response.content))
    for expected in (
        "住房公积金缴存证明",
        "示范市住房公积金管理中心",
        "李秀英",
        mask_id_no(person.id_no),
        overview["status_label"],
        "¥8,000.00",  # deposit base of the builder's accounts
        "单位12%，个人12%",
        "¥1,920.00",  # monthly amount
        f"{int(overview['paid_up_to'][:4])}年{int(overview['paid_up_to'][5:])}月",
        f"¥{overview['balance'] / 100:,.2f}",
        issued["code"],
    ):
        assert compact(expected) in text, expected
    assert person.id_no not in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "certificate.pdf").write_bytes(response.content)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:  # poppler-utils: the page as an image, for docs/ and a human look
        target = str(ARTIFACTS / "certificate")
        process = await asyncio.create_subprocess_exec(
            pdftoppm,
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(ARTIFACTS / "certificate.pdf"),
            target,
        )
        assert await process.wait() == 0
        assert (ARTIFACTS / "certificate-1.png").stat().st_size > 10_000


async def test_only_the_holder_downloads_a_certificate(world: World) -> None:
    token, _, _ = await bound(world)
    issued = await issue(world, token)
    stranger, _, _ = await bound(world)
    assert (await world.call(stranger, "GET", issued["pdf_path"])).status_code == 404
    unbound = await world.mp_login()
    assert (await world.call(unbound, "POST", "/api/certificates")).status_code in (403, 404, 409)


async def test_verify_page_accepts_the_code_and_refuses_a_changed_one(world: World) -> None:
    token, _, person = await bound(world, name="王建国")
    issued = await issue(world, token)
    code = issued["code"]
    page = await world.client.get("/verify/" + code.replace("-", ""))
    assert page.status_code == 200
    assert "证明有效" in page.text
    assert code in page.text
    assert "王**" in page.text
    assert "王建国" not in page.text
    assert mask_id_no(person.id_no) in page.text
    assert person.id_no not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "form-action 'self'" in page.headers["content-security-policy"]  # a page, not API
    typed = await world.client.get("/verify", params={"code": code.lower().replace("-", " ")})
    assert "证明有效" in typed.text
    last = code[-1]
    changed = code[:-1] + ("0" if last != "0" else "1")
    refused = await world.client.get("/verify/" + changed)
    assert refused.status_code == 404
    assert "未找到该证明" in refused.text
    assert "王**" not in refused.text


async def test_revoked_and_expired_certificates_say_so(world: World) -> None:
    token, _, _ = await bound(world)
    revoked = await issue(world, token)
    async with session_scope(world.sessionmaker) as session:
        assert await service.revoke_certificate(
            session, world.vault, text=revoked["code"], reason="持证人申请作废", at=now()
        )
    page = await world.client.get("/verify/" + revoked["code"])
    assert "证明已作废" in page.text
    assert "verify-valid" not in page.text
    expired = await issue(world, token)
    later = today_in_china() + timedelta(days=world.settings.certificates.validity_days + 1)
    with time_machine.travel(now() + (later - today_in_china())):
        page = await world.client.get("/verify/" + expired["code"])
    assert "证明已过期" in page.text
    assert "verify-valid" not in page.text


async def test_verify_page_is_rate_limited_per_client(world: World) -> None:
    limit = world.settings.certificates.verify_limit
    try:
        for _ in range(limit):
            assert (await world.client.get("/verify/0000000000000000000A")).status_code == 404
        limited = await world.client.get("/verify/0000000000000000000B")
        assert limited.status_code == 429
        assert "查询过于频繁" in limited.text
        assert int(limited.headers["retry-after"]) > 0
    finally:
        await world.store.delete("rl:cert-verify:127.0.0.1")


@pytest.mark.parametrize("text", ["", "abc", "0" * 19, "U" * 20])
async def test_malformed_codes_are_unknown(world: World, text: str) -> None:
    page = await world.client.get("/verify", params={"code": text})
    assert page.status_code in (200, 404)
    assert "verify-valid" not in page.text


async def test_parallel_requests_issue_no_more_than_the_days_limit(world: World) -> None:
    token, _, _ = await bound(world)
    limit = world.settings.certificates.max_per_day
    answers = await asyncio.gather(
        *(world.call(token, "POST", "/api/certificates") for _ in range(limit * 4))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * limit + [429] * (limit * 3), statuses
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.json()["message"] == "今日开具缴存证明次数已达上限，请明日再试。"
