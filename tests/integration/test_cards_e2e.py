"""Bank cards end to end: the real Tencent Cloud SDK talks to the sandbox over HTTP.

The sandbox answers CheckBankCardInformation from the DOMAIN.md BIN table and
BankCard4EVerification with "0", except for its `mismatched_cards` ("-1").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.builders import make_account
from wxbackend.app import create_app
from wxbackend.cards import CardVerificationUnavailable, TencentBankCardVerifier
from wxbackend.cards.charges import charged_on
from wxbackend.cards.luhn import make_card_no
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.config import Settings
from wxbackend.db import create_sessionmaker, session_scope
from wxbackend.fund import service as fund
from wxbackend.fund.models import FundAccount
from wxbackend.security.pii import Vault
from wxbackend.store import Store

if TYPE_CHECKING:
    from tests.sandbox_server import SandboxServer

PASSWORD = "258369"
MISMATCHED = "6217000010000000003"  # the sandbox's card that never matches its holder


@pytest.fixture
def verifier(sandbox_settings: Settings) -> TencentBankCardVerifier:
    return TencentBankCardVerifier(sandbox_settings.tencent, timeout_s=2.0)


async def test_check_card_info_reads_bank_and_kind(verifier: TencentBankCardVerifier) -> None:
    debit = await verifier.check_card_info(make_card_no("622848", 1))
    credit = await verifier.check_card_info(make_card_no("622836", 1))
    assert (debit.code, debit.bank, debit.account_type) == ("0", "中国农业银行", 1)
    assert debit.is_debit
    assert credit.account_type == 2
    assert not credit.is_debit
    assert debit.charged


async def test_check_card_info_codes_for_unknown_and_invalid_cards(
    verifier: TencentBankCardVerifier,
) -> None:
    unknown = await verifier.check_card_info(make_card_no("622588", 1))
    invalid = await verifier.check_card_info("6222020000000000001")
    assert (unknown.code, unknown.charged, unknown.bank) == ("-1", True, None)
    assert (invalid.code, invalid.charged) == ("-3", False)


async def test_verify_4e_matches_and_mismatches(verifier: TencentBankCardVerifier) -> None:
    person = {"name": "周杰", "id_no": "110101199003071234", "mobile": "13800138000"}
    good = await verifier.verify_4e(card_no=make_card_no("621700", 2), **person)
    bad = await verifier.verify_4e(card_no=MISMATCHED, **person)
    assert (good.code, good.matched, good.charged) == ("0", True, True)
    assert (bad.code, bad.matched, bad.charged) == ("-1", False, True)


async def test_wrong_secret_is_unavailable_not_a_crash(sandbox_settings: Settings) -> None:
    tencent = sandbox_settings.tencent.model_copy(update={"secret_key": SecretStr("wrong")})
    with pytest.raises(CardVerificationUnavailable) as caught:
        await TencentBankCardVerifier(tencent, timeout_s=2.0).check_card_info(
            make_card_no("622848", 1)
        )
    assert caught.value.status == 503
    assert caught.value.detail["sdk_code"].startswith("AuthFailure")


async def _signed_up_client(
    client: httpx.AsyncClient, sandbox: SandboxServer, account: FundAccount, vault: Vault
) -> dict[str, str]:
    """Mini-program login and the whole signing procedure through the sandboxes."""
    code = sandbox.wechat.issue_code(kind="jscode", openid=f"o-card-{account.id}", unionid=None)
    login = await client.post("/api/mp/session", json={"code": code})
    auth = {"Authorization": f"Bearer {login.json()['token']}"}
    mobile = fund.reveal_mobile(vault, account) or ""
    version = (await client.get("/api/signing", headers=auth)).json()["agreement_version"]
    identity = {
        "name": fund.reveal_name(vault, account),
        "id_no": fund.reveal_id_no(vault, account),
    }
    for path, body in (
        ("/api/signing/agreement", {"version": version}),
        ("/api/signing/identity", identity),
        ("/api/signing/sms", None),
    ):
        assert (await client.post(path, json=body, headers=auth)).status_code == 200
    async with httpx.AsyncClient() as phone:
        sms = await phone.get(f"{sandbox.base_url}/tencent/_sandbox/sms", params={"phone": mobile})
        sms_code = sms.json()["messages"][-1]["params"][0]
        await client.post("/api/signing/sms/verify", json={"code": sms_code}, headers=auth)
        face = (await client.post("/api/signing/face", json={}, headers=auth)).json()
        await phone.post(
            f"{sandbox.base_url}/tencent/_sandbox/face/{face['token']}", json={"outcome": "pass"}
        )
    assert (await client.post("/api/signing/face/result", json={}, headers=auth)).status_code == 200
    done = await client.post("/api/signing/password", json={"password": PASSWORD}, headers=auth)
    assert done.json()["bound"] is True, done.text
    return auth


async def test_bind_and_replace_a_card_through_the_sandbox(
    sandbox_settings: Settings,
    wechat_sandbox: SandboxServer,
    store: Store,
    engine: AsyncEngine,
    vault: Vault,
) -> None:
    signing = sandbox_settings.signing.model_copy(update={"face_provider_mp": "tencent"})
    settings = sandbox_settings.model_copy(update={"signing": signing})
    sessionmaker = create_sessionmaker(engine)
    async with session_scope(sessionmaker) as session:
        account = await make_account(session, vault, name="周杰", months_of_deposits=3)
    app = create_app(settings, store=store)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            auth = await _signed_up_client(client, wechat_sandbox, account, vault)
            first = make_card_no("622202", 42)

            mismatch = await client.post(
                "/api/cards", json={"card_no": MISMATCHED, "confirm_type1": True}, headers=auth
            )
            bound = await client.post(
                "/api/cards", json={"card_no": first, "confirm_type1": True}, headers=auth
            )
            credit = await client.post(
                "/api/cards",
                json={"card_no": make_card_no("622215", 1), "confirm_type1": True},
                headers=auth,
            )
            replaced = await client.post(
                "/api/cards",
                json={
                    "card_no": make_card_no("436742", 7, length=16),
                    "confirm_type1": True,
                    "password": PASSWORD,
                },
                headers=auth,
            )
            shown = (await client.get("/api/cards/active", headers=auth)).json()["card"]

    assert (mismatch.status_code, mismatch.json()["code"]) == (400, "card.verification_failed")
    assert bound.status_code == 201, bound.text
    assert bound.json()["bank_name"] == "中国工商银行"
    assert credit.json()["code"] == "card.not_debit"
    assert replaced.status_code == 201, replaced.text
    assert (shown["bank_code"], shown["masked_card_no"]) == (
        "CCB",
        replaced.json()["masked_card_no"],
    )
    async with session_scope(sessionmaker) as session:
        cards = (
            await session.scalars(
                select(BankCard).where(BankCard.account_id == account.id).order_by(BankCard.id)
            )
        ).all()
    assert [c.status for c in cards] == [CardStatus.REPLACED, CardStatus.ACTIVE]
    assert vault.open(cards[0].pii_key_id, cards[0].card_no_enc) == first
    # Three 4E calls (mismatch, bind, replace) and three card look-ups, all billed.
    assert await charged_on(store, action="verify_4e") == 3
    assert await charged_on(store, action="check_card_info") == 3
