"""A local stand-in for the paying bank: signed payments, queries and daily statements.

Outcomes are decided by the card (see bank_state and docs/sandbox.md, "Bank"); payments
are idempotent by reference. Faults (timeouts with and without booking, pending, 5xx, a
bad signature) are queued through /_sandbox/faults. State is in memory, one process.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field, ValidationError

from wxbackend import clock
from wxbackend.sandbox.bank_state import (
    BankFault,
    BankSandboxState,
    CardKind,
    FaultKind,
    PaymentIn,
    SandboxPayment,
)
from wxbackend.security.masking import mask_card_no, mask_name
from wxbackend.withdraw.bank import BankStatus
from wxbackend.withdraw.bank_http import fresh, signature

__all__ = ["BankSandboxState", "bank_sandbox_router"]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FaultIn(BaseModel):
    kind: FaultKind
    op: Literal["pay", "query", "statement"] = "pay"
    reference: str | None = None  # omitted or "next": the next request of that op
    delay_s: float = Field(default=5.0, ge=0, le=60)


class SettleIn(BaseModel):
    reference: str
    status: Literal["paid", "failed", "rejected_type2"] | None = None


class CardIn(BaseModel):
    card_no: str = Field(pattern=r"^\d{12,19}$")
    kind: CardKind


def bank_sandbox_router(state: BankSandboxState) -> APIRouter:
    """The bank's API and its /_sandbox controls, to be included under /bank."""
    router = APIRouter()

    def signed(
        request: Request, status: int, content: dict[str, Any], *, spoil: bool = False
    ) -> Response:
        body = json.dumps(content, ensure_ascii=False).encode()
        timestamp, nonce = str(int(clock.timestamp())), request.headers.get("X-Nonce", "")
        sig = signature(
            state.api_key,
            head=str(status),
            path=request.url.path,
            timestamp=timestamp,
            nonce=nonce,
            body=body,
        )
        headers = {
            "X-Timestamp": timestamp,
            "X-Nonce": nonce,
            "X-Signature": "0" * 64 if spoil else sig,
        }
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    async def refusal(request: Request) -> Response | None:
        """None when the request is signed by the merchant; otherwise the 401 to send."""
        h = request.headers
        expected = signature(
            state.api_key,
            head=request.method,
            path=request.url.path,
            timestamp=h.get("X-Timestamp", ""),
            nonce=h.get("X-Nonce", ""),
            body=await request.body(),
        )
        if h.get("X-Merchant-Id") != state.merchant_id:
            code = "UNKNOWN_MERCHANT"
        elif not fresh(h.get("X-Timestamp", "")) or not hmac.compare_digest(
            h.get("X-Signature", ""), expected
        ):
            code = "BAD_SIGNATURE"
        elif not state.nonce_is_new(h.get("X-Nonce", "")):
            code = "NONCE_REUSED"
        else:
            return None
        # Unsigned on purpose: a caller we cannot authenticate gets nothing it could verify.
        return Response(
            json.dumps({"code": code, "message": "签名校验失败"}),
            401,
            media_type="application/json",
        )

    @router.post("/payments")
    async def pay(request: Request) -> Response:
        if (refused := await refusal(request)) is not None:
            return refused
        try:
            order = PaymentIn.model_validate_json(await request.body())
        except ValidationError:
            return signed(request, 400, {"code": "INVALID_REQUEST", "message": "请求参数不正确"})
        if order.merchant_id != state.merchant_id:
            return signed(request, 400, {"code": "INVALID_MERCHANT", "message": "商户号不一致"})
        fault = state.take_fault("pay", order.reference)
        kind = fault.kind if fault else None
        if kind == "unavailable":
            return Response(status_code=503)
        if fault and kind == "drop_before_booking":
            with state.hold(order.reference, kind):
                await asyncio.sleep(fault.delay_s)
            return Response(status_code=504)
        payment = state.book(order, pending=kind == "pending")
        if fault and kind == "timeout":
            with state.hold(order.reference, kind):
                await asyncio.sleep(fault.delay_s)  # booked; the caller has given up by now
        return signed(request, 200, payment.answer(), spoil=kind == "bad_signature")

    @router.get("/payments/{reference}")
    async def query(reference: str, request: Request) -> Response:
        if (refused := await refusal(request)) is not None:
            return refused
        fault = state.take_fault("query", reference)
        if (early := await _query_fault(fault)) is not None:
            return early
        spoil = fault is not None and fault.kind == "bad_signature"
        payment = state.payments.get(reference)
        if payment is None:
            body = {"code": "NOT_FOUND", "message": "无此交易"}
            return signed(request, 404, body, spoil=spoil)
        return signed(request, 200, payment.answer(), spoil=spoil)

    @router.get("/statements/{day}")
    async def statement(day: str, request: Request) -> Response:
        if (refused := await refusal(request)) is not None:
            return refused
        if (early := await _query_fault(state.take_fault("statement", None))) is not None:
            return early
        try:
            wanted = date.fromisoformat(day) if _DAY.match(day) else None
        except ValueError:
            wanted = None
        if wanted is None:
            body = {"code": "INVALID_REQUEST", "message": "日期格式应为YYYY-MM-DD"}
            return signed(request, 400, body)
        entries = [
            {
                "reference": p.reference,
                "amount": p.amount,
                "status": p.status.value,
                "booked_at": p.booked_at.isoformat() if p.booked_at else None,
            }
            for p in state.statement(wanted)
        ]
        return signed(request, 200, {"date": day, "entries": entries})

    @router.post("/_sandbox/faults")
    async def add_fault(fault: FaultIn) -> dict[str, Any]:
        reference = None if fault.reference in (None, "next") else fault.reference
        return {
            "queued": state.add_fault(BankFault(fault.kind, fault.op, reference, fault.delay_s))
        }

    @router.get("/_sandbox/faults")
    async def faults() -> dict[str, Any]:
        """Faults still queued, and the pay requests a fault's delay is holding now."""
        return {
            "queued": [
                {"kind": f.kind, "op": f.op, "reference": f.reference, "delay_s": f.delay_s}
                for f in list(state.faults)
            ],
            "holding": [
                {"reference": ref, "kind": kind} for ref, kind in list(state.holding.values())
            ],
        }

    @router.post("/_sandbox/settle")
    async def settle(body: SettleIn) -> Response:
        if body.reference not in state.payments:
            return Response(json.dumps({"code": "NOT_FOUND"}), 404, media_type="application/json")
        payment = state.settle(body.reference, BankStatus(body.status) if body.status else None)
        return Response(json.dumps(payment.answer()), media_type="application/json")

    @router.post("/_sandbox/cards")
    async def set_card(card: CardIn) -> dict[str, str]:
        state.cards[card.card_no] = card.kind
        return {"card_no": mask_card_no(card.card_no), "kind": card.kind}

    @router.get("/_sandbox/payments")
    async def payments() -> dict[str, Any]:
        return {"items": [_inspect(p) for p in state.payments.values()]}

    @router.post("/_sandbox/reset")
    async def reset() -> dict[str, bool]:
        state.reset()
        return {"ok": True}

    return router


async def _query_fault(fault: BankFault | None) -> Response | None:
    """Queries and statements book nothing: a fault only delays or breaks the answer."""
    if fault is None or fault.kind not in ("timeout", "drop_before_booking", "unavailable"):
        return None
    if fault.kind == "unavailable":
        return Response(status_code=503)
    await asyncio.sleep(fault.delay_s)
    return Response(status_code=504)


def _inspect(p: SandboxPayment) -> dict[str, Any]:
    return {
        **p.answer(),
        "card_no": mask_card_no(p.card_no),
        "holder_name": mask_name(p.holder_name),
        "bank_code": p.bank_code,
        "received_at": p.received_at.isoformat(),
        "booked_at": p.booked_at.isoformat() if p.booked_at else None,
        "requests": p.requests,
    }
