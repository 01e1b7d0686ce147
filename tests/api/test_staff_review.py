"""The review desk: the queue, an application's file, documents, approve and reject.

Withdrawals are built directly from the models (card + application under review), so
these tests depend only on the withdrawal service's transitions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from tests.api.signing_world import Person, World
from tests.api.test_staff_auth import staff_login
from wxbackend import clock
from wxbackend.audit.models import AuditEvent
from wxbackend.cards.models import BankCard, CardStatus
from wxbackend.clock import now
from wxbackend.db import session_scope
from wxbackend.fund.models import FundAccount, JournalEntry
from wxbackend.security.masking import mask_card_no
from wxbackend.staff.models import StaffRole
from wxbackend.withdraw.models import (
    Withdrawal,
    WithdrawalDocument,
    WithdrawalEvent,
    WithdrawalStatus,
)

S = WithdrawalStatus
PDF = b"%PDF-1.4\n% a rent contract\n"
# Older than anything other tests file, so these rows lead the oldest-first queue.
LONG_AGO = date(2001, 1, 1)


@dataclass
class Application:
    id: int
    person: Person


async def _card(world: World, account_id: int) -> int:
    card_no = "622202" + f"{secrets.randbelow(10**13):013d}"
    sealed = world.vault.seal(card_no)
    async with session_scope(world.sessionmaker) as session:
        card = BankCard(
            account_id=account_id,
            bank_code="ICBC",
            card_no_enc=sealed.blob,
            card_no_hash=world.vault.lookup_hash("card_no", card_no),
            pii_key_id=sealed.key_id,
            masked=mask_card_no(card_no),
            status=CardStatus.ACTIVE,
            type1_confirmed_at=now(),
            verified_at=now(),
        )
        session.add(card)
        await session.flush()
        return card.id


async def apply(
    world: World,
    person: Person | None = None,
    *,
    amount: int = 100_000,
    kind: str = "rent",
    status: S = S.UNDER_REVIEW,
    closes_account: bool = False,
    applied_on: date | None = None,
    documents: int = 0,
) -> Application:
    """An application already under review (or in `status`), with N PDF documents."""
    if person is None:
        person = await world.person(opening_balance=10_000_000)
        card_id = await _card(world, person.account.id)
    else:
        async with world.sessionmaker() as session:
            found = await session.scalar(
                select(BankCard.id).where(BankCard.account_id == person.account.id)
            )
            assert found is not None
            card_id = found
    async with session_scope(world.sessionmaker) as session:
        withdrawal = Withdrawal(
            account_id=person.account.id,
            card_id=card_id,
            kind=kind,
            kind_name=f"{kind}提取",
            amount=amount,
            status=status,
            closes_account=closes_account,
            applied_on=applied_on or clock.today_in_china(),
        )
        session.add(withdrawal)
        await session.flush()
        session.add(
            WithdrawalEvent(
                withdrawal_id=withdrawal.id,
                from_status="submitted",
                to_status=status.value,
                actor="system",
            )
        )
        for n in range(documents):
            session.add(
                WithdrawalDocument(
                    withdrawal_id=withdrawal.id,
                    kind="rent_contract",
                    filename=f"租房合同{n}.pdf",
                    content_type="application/pdf",
                    size=len(PDF),
                    sha256=hashlib.sha256(PDF).hexdigest(),
                    content=PDF,
                )
            )
        return Application(withdrawal.id, person)


async def _balance(world: World, account_id: int) -> int:
    async with world.sessionmaker() as session:
        balance = await session.scalar(
            select(FundAccount.balance).where(FundAccount.id == account_id)
        )
        assert balance is not None
        return balance


async def _withdrawal(world: World, withdrawal_id: int) -> Withdrawal:
    async with world.sessionmaker() as session:
        found = await session.get(Withdrawal, withdrawal_id)
        assert found is not None
        return found


async def test_queue_lists_only_applications_under_review_oldest_first(world: World) -> None:
    _, token = await staff_login(world)
    newer = await apply(world, applied_on=LONG_AGO + timedelta(days=1), documents=2)
    older = await apply(world, applied_on=LONG_AGO)
    submitted = await apply(world, status=S.SUBMITTED, applied_on=LONG_AGO)
    approved = await apply(world, status=S.APPROVED, applied_on=LONG_AGO)
    response = await world.call(token, "GET", "/staff/api/withdrawals?status=under_review")
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    ids = [item["id"] for item in items]
    assert ids.index(older.id) < ids.index(newer.id)
    assert submitted.id not in ids
    assert approved.id not in ids
    assert {item["status"] for item in items} == {"under_review"}
    assert [(i["applied_on"], i["id"]) for i in items] == sorted(
        (i["applied_on"], i["id"]) for i in items
    )
    item = items[ids.index(newer.id)]
    assert item["holder_name"] == "张*"
    assert item["account_no"].endswith(newer.person.account.account_no[-4:])
    assert newer.person.account.account_no not in response.text
    assert (item["kind"], item["amount"], item["documents"]) == ("rent", 100_000, 2)
    assert item["applied_on"] == (LONG_AGO + timedelta(days=1)).isoformat()


async def test_detail_has_history_documents_and_a_masked_id_number(world: World) -> None:
    _, token = await staff_login(world)
    app = await apply(world, documents=1)
    response = await world.call(token, "GET", f"/staff/api/withdrawals/{app.id}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert app.person.id_no not in response.text
    assert body["id_no"] == app.person.id_no[:6] + "********" + app.person.id_no[-4:]
    assert [e["to_status"] for e in body["events"]] == ["under_review"]
    [document] = body["documents"]
    assert (document["filename"], document["size"]) == ("租房合同0.pdf", len(PDF))
    assert body["card"].startswith("622202")


async def test_approve_debits_the_account_and_records_the_reviewer(world: World) -> None:
    username, token = await staff_login(world)
    app = await apply(world, amount=123_456)
    before = await _balance(world, app.person.account.id)
    response = await world.call(
        token, "POST", f"/staff/api/withdrawals/{app.id}/approve", {"note": "材料齐全"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"id": app.id, "status": "approved"}
    assert await _balance(world, app.person.account.id) == before - 123_456
    async with world.sessionmaker() as session:
        entry = await session.scalar(
            select(JournalEntry).where(JournalEntry.ref == f"withdrawal:{app.id}")
        )
        events = (
            await session.scalars(
                select(WithdrawalEvent).where(WithdrawalEvent.withdrawal_id == app.id)
            )
        ).all()
        audited = await session.scalar(
            select(AuditEvent.outcome).where(
                AuditEvent.action == "staff.approve", AuditEvent.staff_actor == f"staff:{username}"
            )
        )
    assert entry is not None
    assert (entry.account_id, entry.amount) == (app.person.account.id, -123_456)
    last = events[-1]
    assert (last.to_status, last.actor, last.note) == ("approved", f"staff:{username}", "材料齐全")
    assert (await _withdrawal(world, app.id)).status is S.APPROVED
    assert audited is not None
    assert audited.value == "ok"


async def test_reviewer_cannot_approve_above_the_limit_but_a_supervisor_can(
    world: World,
) -> None:
    _, reviewer = await staff_login(world, StaffRole.REVIEWER)
    _, supervisor = await staff_login(world, StaffRole.SUPERVISOR)
    amount = world.settings.withdraw.reviewer_limit + 1
    app = await apply(world, amount=amount)
    before = await _balance(world, app.person.account.id)
    path = f"/staff/api/withdrawals/{app.id}/approve"
    refused = await world.call(reviewer, "POST", path, {})
    assert refused.status_code == 403
    assert refused.json()["code"] == "staff.supervisor_required"
    assert "主管" in refused.json()["message"]
    assert await _balance(world, app.person.account.id) == before
    assert (await _withdrawal(world, app.id)).status is S.UNDER_REVIEW
    assert (await world.call(supervisor, "POST", path, {})).status_code == 200
    assert await _balance(world, app.person.account.id) == before - amount


async def test_reviewer_can_approve_exactly_the_limit(world: World) -> None:
    _, reviewer = await staff_login(world, StaffRole.REVIEWER)
    app = await apply(world, amount=world.settings.withdraw.reviewer_limit)
    response = await world.call(reviewer, "POST", f"/staff/api/withdrawals/{app.id}/approve", {})
    assert response.status_code == 200, response.text


async def test_account_closing_kinds_need_a_supervisor(world: World) -> None:
    _, reviewer = await staff_login(world, StaffRole.REVIEWER)
    _, supervisor = await staff_login(world, StaffRole.SUPERVISOR)
    app = await apply(world, amount=50_000, kind="retirement", closes_account=True)
    path = f"/staff/api/withdrawals/{app.id}/approve"
    refused = await world.call(reviewer, "POST", path, {})
    assert refused.status_code == 403
    assert "主管" in refused.json()["message"]
    approved = await world.call(supervisor, "POST", path, {})
    assert approved.json()["status"] == "approved"


async def test_reject_records_the_reason_and_moves_no_money(world: World) -> None:
    username, token = await staff_login(world)
    app = await apply(world)
    before = await _balance(world, app.person.account.id)
    path = f"/staff/api/withdrawals/{app.id}/reject"
    assert (await world.call(token, "POST", path, {})).status_code == 422
    assert (await world.call(token, "POST", path, {"reason": "   "})).status_code == 422
    assert (await world.call(token, "POST", path, {"reason": "长" * 201})).status_code == 422
    response = await world.call(token, "POST", path, {"reason": " 租房合同不清晰 "})
    assert response.json() == {"id": app.id, "status": "rejected"}
    rejected = await _withdrawal(world, app.id)
    assert (rejected.status, rejected.reason) == (S.REJECTED, "租房合同不清晰")
    assert await _balance(world, app.person.account.id) == before
    async with world.sessionmaker() as session:
        last = (
            await session.scalars(
                select(WithdrawalEvent)
                .where(WithdrawalEvent.withdrawal_id == app.id)
                .order_by(WithdrawalEvent.id.desc())
            )
        ).first()
    assert last is not None
    assert (last.to_status, last.actor) == ("rejected", f"staff:{username}")


async def test_approving_twice_or_a_rejected_application_conflicts(world: World) -> None:
    _, token = await staff_login(world, StaffRole.SUPERVISOR)
    first = await apply(world)
    path = f"/staff/api/withdrawals/{first.id}/approve"
    assert (await world.call(token, "POST", path, {})).status_code == 200
    before = await _balance(world, first.person.account.id)
    again = await world.call(token, "POST", path, {})
    assert again.status_code == 409
    assert again.json()["code"] == "withdrawal.state_changed"
    assert await _balance(world, first.person.account.id) == before

    second = await apply(world)
    reject = f"/staff/api/withdrawals/{second.id}/reject"
    assert (await world.call(token, "POST", reject, {"reason": "不符合条件"})).status_code == 200
    late = await world.call(token, "POST", f"/staff/api/withdrawals/{second.id}/approve", {})
    assert late.status_code == 409
    assert (await world.call(token, "POST", reject, {"reason": "再次驳回"})).status_code == 409


async def test_unknown_withdrawal_is_404(world: World) -> None:
    _, token = await staff_login(world)
    response = await world.call(token, "GET", "/staff/api/withdrawals/999999999")
    assert response.status_code == 404
    approve = await world.call(token, "POST", "/staff/api/withdrawals/999999999/approve", {})
    assert approve.status_code == 404


async def test_document_download_is_an_attachment_and_audited(world: World) -> None:
    username, token = await staff_login(world)
    app = await apply(world, documents=1)
    other = await apply(world, documents=1)
    detail = (await world.call(token, "GET", f"/staff/api/withdrawals/{app.id}")).json()
    doc_id = detail["documents"][0]["id"]
    response = await world.call(token, "GET", f"/staff/api/withdrawals/{app.id}/documents/{doc_id}")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%A7%9F%E6%88%BF%E5%90%88%E5%90%8C0.pdf" in disposition
    assert response.headers["cache-control"] == "no-store"
    # A document id of another application is not reachable through this one.
    crossed = await world.call(
        token, "GET", f"/staff/api/withdrawals/{other.id}/documents/{doc_id}"
    )
    assert crossed.status_code == 404
    async with world.sessionmaker() as session:
        reasons = (
            await session.scalars(
                select(AuditEvent.reason).where(
                    AuditEvent.action == "staff.document_view",
                    AuditEvent.staff_actor == f"staff:{username}",
                )
            )
        ).all()
    assert reasons == [f"withdrawal:{app.id}:document:{doc_id}"]
