"""The review pages: queue filters and counts, a case with its documents, the audited
"查看", the reviewer's limit and the supervisor above it, one holder per case, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from tests.api.signing_world import World
from tests.api.test_staff_auth import STAFF_PASSWORD, add_staff
from tests.api.test_staff_review import LONG_AGO, apply
from tests.desk_client import DeskClient
from wxbackend.audit.models import AuditEvent
from wxbackend.db import session_scope
from wxbackend.fund import service as fund
from wxbackend.staff.models import StaffRole
from wxbackend.withdraw.models import Withdrawal, WithdrawalEvent, WithdrawalStatus


@pytest.fixture
async def browsers(world: World) -> AsyncIterator[list[DeskClient]]:
    made: list[DeskClient] = []
    yield made
    for client in made:
        await client.aclose()


async def signed_in(world: World, made: list[DeskClient], role: StaffRole) -> DeskClient:
    desk = DeskClient.beside(world.client)
    made.append(desk)
    username = await add_staff(world, role)
    answer = await desk.log_in(username, STAFF_PASSWORD)
    assert answer.status_code == 303, answer.text
    return desk


async def _status(world: World, withdrawal_id: int) -> WithdrawalStatus:
    async with world.sessionmaker() as session:
        found = await session.get(Withdrawal, withdrawal_id)
        assert found is not None
        return found.status


async def _audited(world: World, action: str, actor: str) -> list[str | None]:
    async with world.sessionmaker() as session:
        rows = await session.scalars(
            select(AuditEvent.reason).where(
                AuditEvent.action == action, AuditEvent.staff_actor == f"staff:{actor}"
            )
        )
        return list(rows.all())


async def test_queue_filters_by_kind_waiting_and_amount_with_counts(
    world: World, browsers: list[DeskClient]
) -> None:
    old = await apply(world, amount=123_400, kind="rent", applied_on=LONG_AGO)
    big = await apply(world, amount=9_900_000, kind="illness")
    desk = await signed_in(world, browsers, StaffRole.REVIEWER)
    page = (await desk.get("/desk/queue")).text
    assert f'id="row-{old.id}"' in page
    assert f'id="row-{big.id}"' in page
    assert 'id="tab-under_review"' in page
    rent = (await desk.get("/desk/queue", kind="rent")).text
    assert f'id="row-{old.id}"' in rent
    assert f'id="row-{big.id}"' not in rent
    waited = (await desk.get("/desk/queue", wait="30")).text
    assert f'id="row-{old.id}"' in waited
    assert f'id="row-{big.id}"' not in waited
    pricey = (await desk.get("/desk/queue", min="50000")).text
    assert f'id="row-{big.id}"' in pricey
    assert f'id="row-{old.id}"' not in pricey
    cheap = (await desk.get("/desk/queue", max="1234")).text
    assert f'id="row-{old.id}"' in cheap
    assert f'id="row-{big.id}"' not in cheap


async def test_case_shows_documents_rule_and_history_and_reveals_the_name_on_request(
    world: World, browsers: list[DeskClient]
) -> None:
    first = await apply(world, amount=50_000, status=WithdrawalStatus.REJECTED)
    case = await apply(world, first.person, amount=80_000, documents=2)
    desk = await signed_in(world, browsers, StaffRole.REVIEWER)
    page = (await desk.get(f"/desk/cases/{case.id}")).text
    name = fund.reveal_name(world.vault, case.person.account)
    id_no = fund.reveal_id_no(world.vault, case.person.account)
    assert name not in page
    assert id_no not in page
    assert f"/desk/cases/{case.id}/documents/" in page  # inline, in the page
    assert 'id="reasons"' in page
    assert f"#{first.id}" in page
    assert not await _audited(world, "staff.reveal_identity", desk.username)
    revealed = await desk.post(f"/desk/cases/{case.id}/reveal")
    assert revealed.status_code == 200
    assert name in revealed.text
    assert id_no in revealed.text
    assert await _audited(world, "staff.reveal_identity", desk.username) == [
        f"withdrawal:{case.id}"
    ]
    # Shown in that answer only: the next visit is masked again.
    assert name not in (await desk.get(f"/desk/cases/{case.id}")).text
    doc_id = page.split(f"/desk/cases/{case.id}/documents/")[1].split('"')[0]
    document = await desk.get(f"/desk/cases/{case.id}/documents/{doc_id}")
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["content-disposition"] == "inline"
    assert await _audited(world, "staff.document_view", desk.username)


async def test_reviewer_over_the_limit_refers_it_and_a_supervisor_approves(
    world: World, browsers: list[DeskClient]
) -> None:
    over = world.settings.withdraw.reviewer_limit + 1
    case = await apply(world, amount=over, documents=1)
    reviewer = await signed_in(world, browsers, StaffRole.REVIEWER)
    page = (await reviewer.get(f"/desk/cases/{case.id}")).text
    assert 'id="over-limit"' in page
    refused = await reviewer.post(f"/desk/cases/{case.id}/approve", {"note": ""})
    assert refused.status_code == 403
    assert "须由主管审批" in refused.text
    assert await _status(world, case.id) is WithdrawalStatus.UNDER_REVIEW
    await reviewer.get(f"/desk/cases/{case.id}")
    referred = await reviewer.post(f"/desk/cases/{case.id}/escalate")
    assert referred.headers["location"] == "/desk/queue?done=escalated"

    supervisor = await signed_in(world, browsers, StaffRole.SUPERVISOR)
    queue = (await supervisor.get("/desk/queue")).text
    row = queue.split(f'id="row-{case.id}"')[1].split("</tr>")[0]
    assert "待主管审批" in row
    await supervisor.get(f"/desk/cases/{case.id}")
    approved = await supervisor.post(f"/desk/cases/{case.id}/approve", {"note": "材料齐全"})
    assert approved.headers["location"] == f"/desk/cases/{case.id}?done=approved"
    assert await _status(world, case.id) is WithdrawalStatus.APPROVED
    assert await _audited(world, "staff.approve", supervisor.username) == [f"withdrawal:{case.id}"]


async def test_two_reviewers_never_hold_one_case(world: World, browsers: list[DeskClient]) -> None:
    case = await apply(world, amount=10_000)
    first = await signed_in(world, browsers, StaffRole.REVIEWER)
    second = await signed_in(world, browsers, StaffRole.REVIEWER)
    assert 'id="held"' in (await first.get(f"/desk/cases/{case.id}")).text
    held = await second.get(f"/desk/cases/{case.id}")
    assert held.status_code == 409
    assert first.username in held.text
    queue = await second.get("/desk/queue")
    approve = await second.post(f"/desk/cases/{case.id}/approve", {"note": ""}, csrf=None)
    assert queue.status_code == 200
    assert approve.status_code == 409
    assert await _status(world, case.id) is WithdrawalStatus.UNDER_REVIEW
    # Let go, and the other one may take it.
    await first.get(f"/desk/cases/{case.id}")
    await first.post(f"/desk/cases/{case.id}/release")
    assert (await second.get(f"/desk/cases/{case.id}")).status_code == 200
    rejected = await second.post(f"/desk/cases/{case.id}/reject", {"reason": "租房合同不清晰"})
    assert rejected.status_code == 303
    assert await _status(world, case.id) is WithdrawalStatus.REJECTED


async def test_counter_role_cannot_open_review_pages(
    world: World, browsers: list[DeskClient]
) -> None:
    case = await apply(world, amount=10_000, documents=1)
    counter = await signed_in(world, browsers, StaffRole.COUNTER)
    for path in ("/desk/queue", f"/desk/cases/{case.id}", f"/desk/cases/{case.id}/documents/1"):
        answer = await counter.get(path)
        assert answer.status_code == 403, path
        assert "无权" in answer.text
    await counter.get("/desk/counter")
    refused = await counter.post(f"/desk/cases/{case.id}/approve", {"note": ""})
    assert refused.status_code == 403
    assert await _status(world, case.id) is WithdrawalStatus.UNDER_REVIEW
    reviewer = await signed_in(world, browsers, StaffRole.REVIEWER)
    assert (await reviewer.get("/desk/counter")).status_code == 403
    # Nor the operators' pages.
    assert (await counter.get("/desk/ops/audit")).status_code == 403


async def test_a_reviewer_asks_for_documents_and_the_same_application_goes_back(
    world: World, browsers: list[DeskClient]
) -> None:
    case = await apply(world, amount=30_000, documents=1)
    reviewer = await signed_in(world, browsers, StaffRole.REVIEWER)
    page = (await reviewer.get(f"/desk/cases/{case.id}")).text
    assert 'id="request-documents"' in page
    assert 'value="purchase_contract"' in page
    unnamed = await reviewer.post(
        f"/desk/cases/{case.id}/request-documents", {"missing_reason": "合同不清晰"}
    )
    assert unnamed.status_code == 422
    assert "请勾选需要补充的材料" in unnamed.text
    assert await _status(world, case.id) is WithdrawalStatus.UNDER_REVIEW

    other = await signed_in(world, browsers, StaffRole.REVIEWER)
    page = (await other.get(f"/desk/cases/{case.id}")).text  # the first reviewer holds it
    assert 'id="request-documents"' not in page
    await other.get("/desk/queue")  # a page with the form token
    held = await other.post(
        f"/desk/cases/{case.id}/request-documents",
        {"missing_reason": "合同不清晰", "documents": "purchase_contract"},
    )
    assert held.status_code == 409
    assert await _status(world, case.id) is WithdrawalStatus.UNDER_REVIEW

    await reviewer.get(f"/desk/cases/{case.id}")
    asked = await reviewer.post(
        f"/desk/cases/{case.id}/request-documents",
        {"missing_reason": "租房合同签字页不清晰", "documents": "purchase_contract"},
    )
    assert asked.headers["location"] == f"/desk/cases/{case.id}?done=documents_requested"
    assert await _status(world, case.id) is WithdrawalStatus.NEEDS_DOCUMENTS
    async with world.sessionmaker() as session:
        stored = await session.get(Withdrawal, case.id)
        assert stored is not None
        assert stored.requested_documents == "purchase_contract"
        assert stored.reason == "租房合同签字页不清晰"
    assert await _audited(world, "staff.request_documents", reviewer.username) == [
        f"withdrawal:{case.id}"
    ]
    shown = (await reviewer.get(f"/desk/cases/{case.id}?done=documents_requested")).text
    assert "已退回补件" in shown


async def test_the_case_history_names_the_applicant_not_their_openid(
    world: World, browsers: list[DeskClient]
) -> None:
    case = await apply(world)
    async with session_scope(world.sessionmaker) as session:
        session.add_all(
            [
                WithdrawalEvent(
                    withdrawal_id=case.id, to_status="submitted", actor="user:o-applicant-7"
                ),
                WithdrawalEvent(withdrawal_id=case.id, to_status="under_review", actor="system"),
            ]
        )
    reviewer = await signed_in(world, browsers, StaffRole.REVIEWER)
    page = (await reviewer.get(f"/desk/cases/{case.id}")).text
    history = page[page.index('id="events"') :]
    assert "· 申请人" in history
    assert "· 系统" in history
    assert "o-applicant-7" not in page
