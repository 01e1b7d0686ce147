"""The sandbox bank's memory and its rules: which card is paid, failed or refused.

Rules (docs/sandbox.md, "Bank"), first match wins: a card listed through /_sandbox/cards
has that kind; otherwise by the last four digits: 2222 Type-II, 0000 closed, 9999 frozen;
any other card is a Type-I account and is paid. A Type-II card is refused (rejected_type2)
once the payments to it would pass ¥10,000 in a China calendar day or ¥200,000 in a year.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt

from wxbackend import clock
from wxbackend.clock import CHINA_TZ
from wxbackend.clock import now as utc_now
from wxbackend.withdraw.bank import BankStatus
from wxbackend.withdraw.bank_http import SIGNATURE_WINDOW_S

FaultKind = Literal["timeout", "drop_before_booking", "pending", "unavailable", "bad_signature"]
CardKind = Literal["type1", "type2", "closed", "frozen"]
# A card not listed on the control page is what its last four digits say; any other is Type-I.
SUFFIX_KINDS: dict[str, CardKind] = {"2222": "type2", "0000": "closed", "9999": "frozen"}
_FINAL = (BankStatus.PAID, BankStatus.FAILED, BankStatus.REJECTED_TYPE2)
# (status, code, message) by card kind; Type-II is decided by its limits.
_CARD_FAILURES = {
    "closed": (BankStatus.FAILED, "E1001", "收款账户已销户"),
    "frozen": (BankStatus.FAILED, "E1002", "收款账户已冻结或止付"),
}


@dataclass
class SandboxPayment:
    reference: str
    card_no: str
    holder_name: str
    bank_code: str
    amount: int
    status: BankStatus
    code: str
    message: str
    received_at: datetime
    booked_at: datetime | None  # when the outcome became final; None while pending
    settles_to: tuple[BankStatus, str, str]  # the outcome a pending payment reaches
    requests: int = 1  # payment requests seen for this reference (booked once)

    def answer(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "status": self.status.value,
            "code": self.code,
            "message": self.message,
            "amount": self.amount,
        }


@dataclass(frozen=True)
class BankFault:
    kind: FaultKind
    op: Literal["pay", "query", "statement"] = "pay"
    reference: str | None = None  # None: the next request of that op
    delay_s: float = 5.0


class BankSandboxState:
    """Everything the sandbox bank knows; tests may read and adjust it directly."""

    def __init__(
        self, *, merchant_id: str, api_key: str, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.merchant_id = merchant_id
        self.api_key = api_key
        self.clock = clock
        self.type2_daily_limit = 1_000_000  # fen: ¥10,000
        self.type2_yearly_limit = 20_000_000  # fen: ¥200,000
        self._lock = threading.Lock()  # tests touch the state from another thread
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.payments: dict[str, SandboxPayment] = {}
            self.faults: list[BankFault] = []
            self.cards: dict[str, CardKind] = {}
            self._nonces: dict[str, float] = {}
            # the pay answers a fault's delay is holding right now: (reference, fault kind)
            self.holding: dict[object, tuple[str, FaultKind]] = {}

    def card_kind(self, card_no: str) -> CardKind:
        """Listed cards first, then the suffix rules: …2222 Type-II, …0000 closed, …9999 frozen."""
        if card_no in self.cards:
            return self.cards[card_no]
        return SUFFIX_KINDS.get(card_no[-4:], "type1")

    def nonce_is_new(self, nonce: str) -> bool:
        now = clock.timestamp()
        with self._lock:
            self._nonces = {n: t for n, t in self._nonces.items() if now - t < SIGNATURE_WINDOW_S}
            if not nonce or nonce in self._nonces:
                return False
            self._nonces[nonce] = now
            return True

    def add_fault(self, fault: BankFault) -> int:
        with self._lock:
            self.faults.append(fault)
            return len(self.faults)

    def take_fault(self, op: str, reference: str | None) -> BankFault | None:
        with self._lock:
            for fault in self.faults:
                if fault.op == op and fault.reference in (None, reference):
                    self.faults.remove(fault)
                    return fault
        return None

    @contextmanager
    def hold(self, reference: str, kind: FaultKind) -> Iterator[None]:
        """While a fault's delay holds the answer to `reference` (GET /_sandbox/faults)."""
        token = object()  # its own entry: a hold from before a reset must not end this one
        with self._lock:
            self.holding[token] = (reference, kind)
        try:
            yield
        finally:
            with self._lock:
                self.holding.pop(token, None)

    def book(self, order: PaymentIn, *, pending: bool = False) -> SandboxPayment:
        """Book a reference once; a repeated request gets the first payment back."""
        with self._lock:
            existing = self.payments.get(order.reference)
            if existing is not None:
                existing.requests += 1
                return existing
            now = self.clock()
            outcome = self._decide(order, now)
            status, code, message = (BankStatus.PENDING, "", "处理中") if pending else outcome
            payment = SandboxPayment(
                reference=order.reference,
                card_no=order.card_no,
                holder_name=order.holder_name,
                bank_code=order.bank_code,
                amount=order.amount,
                status=status,
                code=code,
                message=message,
                received_at=now,
                booked_at=None if pending else now,
                settles_to=outcome,
            )
            self.payments[order.reference] = payment
            return payment

    def settle(self, reference: str, status: BankStatus | None = None) -> SandboxPayment:
        with self._lock:
            payment = self.payments[reference]
            final = payment.settles_to if status is None else (status, "", "")
            payment.status, payment.code, payment.message = final
            payment.booked_at = self.clock()
            return payment

    def statement(self, day: date) -> list[SandboxPayment]:
        return [
            p
            for p in self.payments.values()
            if p.status in _FINAL
            and p.booked_at is not None
            and p.booked_at.astimezone(CHINA_TZ).date() == day
        ]

    def _decide(self, order: PaymentIn, now: datetime) -> tuple[BankStatus, str, str]:
        kind = self.card_kind(order.card_no)
        if kind in _CARD_FAILURES:
            return _CARD_FAILURES[kind]
        if kind == "type2":
            today = now.astimezone(CHINA_TZ).date()
            day_total = year_total = order.amount
            for p in self.payments.values():
                if p.card_no != order.card_no or p.settles_to[0] is not BankStatus.PAID:
                    continue
                booked_on = p.received_at.astimezone(CHINA_TZ).date()
                year_total += p.amount if booked_on.year == today.year else 0
                day_total += p.amount if booked_on == today else 0
            if day_total > self.type2_daily_limit:
                return BankStatus.REJECTED_TYPE2, "E2001", "收款账户为II类账户，超过日累计限额"
            if year_total > self.type2_yearly_limit:
                return BankStatus.REJECTED_TYPE2, "E2002", "收款账户为II类账户，超过年累计限额"
        return BankStatus.PAID, "", "入账成功"


class PaymentIn(BaseModel):
    merchant_id: str
    reference: str = Field(pattern=r"^[A-Za-z0-9]{1,32}$")
    card_no: str = Field(pattern=r"^\d{12,19}$")
    holder_name: str = Field(min_length=1, max_length=64)
    bank_code: str = Field(min_length=1, max_length=8)
    amount: StrictInt = Field(gt=0)
