"""补件: the reviewer asks for documents; the same application is completed and resubmitted."""

from __future__ import annotations

from tests.api.signing_world import World
from tests.api.test_staff_auth import staff_login
from tests.api.test_withdrawals import PDF, PNG, Applicant, _apply, applicant


async def _upload(world: World, who: Applicant, withdrawal_id: int, kind: str, content: bytes):  # type: ignore[no-untyped-def]
    return await world.client.post(
        f"/api/withdrawals/{withdrawal_id}/documents",
        data={"kind": kind},
        files={"file": (f"{kind}.pdf", content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {who.token}"},
    )


async def _under_review_purchase(world: World) -> tuple[Applicant, int]:
    who = await applicant(world)
    created = (await _apply(world, who, {"kind": "purchase", "amount": "2000.00"})).json()
    assert created["status"] == "submitted"
    for kind in ("purchase_contract", "purchase_invoice"):
        assert (await _upload(world, who, created["id"], kind, PDF)).status_code == 201
    detail = await world.call(who.token, "GET", f"/api/withdrawals/{created['id']}")
    assert detail.json()["status"] == "under_review"
    return who, created["id"]


async def test_documents_asked_for_are_added_to_the_same_application(world: World) -> None:
    who, withdrawal_id = await _under_review_purchase(world)
    _, staff = await staff_login(world)
    asked = await world.call(
        staff,
        "POST",
        f"/staff/api/withdrawals/{withdrawal_id}/request-documents",
        {"reason": "购房合同签字页不清晰", "documents": ["purchase_contract"]},
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "needs_documents"

    path = f"/api/withdrawals/{withdrawal_id}"
    seen = (await world.call(who.token, "GET", path)).json()
    assert seen["status_name"] == "待补充材料"
    assert seen["reason"] == "购房合同签字页不清晰"
    assert [d["name"] for d in seen["documents_missing"]] == ["购房合同"]
    assert [d["name"] for d in seen["documents"]] == ["购房合同", "购房发票"]
    assert seen["documents_editable"] is True
    assert seen["resubmittable"] is False
    early = await world.call(who.token, "POST", path + "/resubmit")
    assert early.status_code == 422
    assert early.json()["code"] == "withdrawal.documents_missing"

    # Replace the unclear contract: remove the old file, upload a new one.
    old_contract = seen["documents"][0]["id"]
    removed = await world.call(who.token, "DELETE", f"{path}/documents/{old_contract}")
    assert removed.status_code == 200, removed.text
    assert [d["name"] for d in removed.json()["documents"]] == ["购房发票"]
    assert (await _upload(world, who, withdrawal_id, "purchase_contract", PNG)).status_code == 201
    ready = (await world.call(who.token, "GET", path)).json()
    assert ready["documents_missing"] == []
    assert ready["resubmittable"] is True
    assert sorted(d["filename"] for d in ready["documents"]) == [
        "purchase_contract.png",
        "purchase_invoice.pdf",
    ]

    again = await world.call(who.token, "POST", path + "/resubmit")
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["id"] == withdrawal_id
    assert body["status"] == "under_review"
    assert [e["status"] for e in body["events"]] == [
        "submitted",
        "under_review",
        "needs_documents",
        "under_review",
    ]
    assert body["documents_editable"] is False
    late = await world.call(who.token, "DELETE", f"{path}/documents/{body['documents'][0]['id']}")
    assert late.status_code == 409
    listed = (await world.call(who.token, "GET", "/api/withdrawals")).json()
    assert len(listed) == 1  # never applied again
    approved = await world.call(
        staff, "POST", f"/staff/api/withdrawals/{withdrawal_id}/approve", {}
    )
    assert approved.json()["status"] == "approved"


async def test_only_applications_under_review_can_be_sent_back(world: World) -> None:
    who = await applicant(world)
    created = (await _apply(world, who, {"kind": "purchase", "amount": "100.00"})).json()
    _, staff = await staff_login(world)
    path = f"/staff/api/withdrawals/{created['id']}/request-documents"
    body = {"reason": "请补充", "documents": ["purchase_contract"]}
    assert (await world.call(staff, "POST", path, body)).status_code == 409
    unknown = {"reason": "请补充", "documents": ["lottery_ticket"]}
    who2, under_review = await _under_review_purchase(world)
    path2 = f"/staff/api/withdrawals/{under_review}/request-documents"
    assert (await world.call(staff, "POST", path2, unknown)).status_code == 422
    assert (
        await world.call(staff, "POST", path2, {"reason": "", "documents": []})
    ).status_code == 422
    # Somebody else's application: not found for the depositor.
    other = await world.call(who.token, "POST", f"/api/withdrawals/{under_review}/resubmit")
    assert other.status_code == 404
    assert who2.token != who.token
