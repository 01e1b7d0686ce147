"""FakeBank: an in-memory paying bank for unit tests, scriptable per reference.

Like a real bank it books a reference once: a second payment with the same reference
answers the first outcome and books nothing. Transport trouble is scripted per reference:

    bank = FakeBank()
    bank.decide("WD000000000001", BankStatus.REJECTED_TYPE2)       # the booked outcome
    bank.script("WD000000000002", Fault.BOOKED_THEN_TIMEOUT)       # paid, answer lost
    bank.script("WD000000000003", Fault.TIMEOUT, BankAnswer(BankStatus.PAID))

Steps are consumed by successive calls (pay or query) about that reference; when none is
left the bank answers from what it booked.
"""

from __future__ import annotations

import enum
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from wxbackend.clock import CHINA_TZ
from wxbackend.clock import now as utc_now
from wxbackend.withdraw.bank import (
    BankAnswer,
    BankStatus,
    BankUnreachable,
    PaymentOrder,
    StatementEntry,
)


class Fault(enum.Enum):
    TIMEOUT = "timeout"  # no answer; a payment is not booked
    BOOKED_THEN_TIMEOUT = "booked_then_timeout"  # pay: booked, then the answer is lost


Step = BankAnswer | BankUnreachable | Fault


@dataclass
class FakePayment:
    order: PaymentOrder
    answer: BankAnswer
    booked_at: datetime


class FakeBank:
    """BankGateway in memory; `payments` is what the bank booked."""

    def __init__(self, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.payments: dict[str, FakePayment] = {}
        self.calls: list[tuple[str, str]] = []  # ("pay" | "query", reference), in order
        self._decided: dict[str, BankAnswer] = {}
        self._steps: defaultdict[str, deque[Step]] = defaultdict(deque)
        self._clock = clock

    def decide(
        self, reference: str, status: BankStatus, *, code: str = "", message: str = ""
    ) -> None:
        """The outcome the bank books when this reference is first paid (default: paid)."""
        self._decided[reference] = BankAnswer(status, code, message)

    def script(self, reference: str, *steps: Step) -> None:
        """Answers or faults for the next calls about this reference, in order."""
        self._steps[reference].extend(steps)

    def settle(self, reference: str, status: BankStatus) -> None:
        """A pending payment reaches its final outcome."""
        payment = self.payments[reference]
        payment.answer = BankAnswer(status)
        payment.booked_at = self._clock()

    def pay_count(self, reference: str) -> int:
        """How many times payment was asked for (booked at most once regardless)."""
        return self.calls.count(("pay", reference))

    async def pay(self, order: PaymentOrder) -> BankAnswer:
        self.calls.append(("pay", order.reference))
        step = self._next_step(order.reference)
        if isinstance(step, BankUnreachable):
            raise step
        if step is Fault.TIMEOUT:
            raise BankUnreachable("fake bank: timeout before booking")
        booked = self._book(order, step if isinstance(step, BankAnswer) else None)
        if step is Fault.BOOKED_THEN_TIMEOUT:
            raise BankUnreachable("fake bank: booked, answer lost")
        return step if isinstance(step, BankAnswer) else booked.answer

    async def query(self, reference: str) -> BankAnswer:
        self.calls.append(("query", reference))
        step = self._next_step(reference)
        if isinstance(step, BankUnreachable):
            raise step
        if isinstance(step, Fault):
            raise BankUnreachable(f"fake bank: {step.value} on query")
        if isinstance(step, BankAnswer):
            return step
        booked = self.payments.get(reference)
        return booked.answer if booked else BankAnswer(BankStatus.NOT_FOUND)

    async def statement(self, day: date) -> list[StatementEntry]:
        return [
            StatementEntry(p.order.reference, p.order.amount, p.answer.status, p.booked_at)
            for p in self.payments.values()
            if p.answer.status is not BankStatus.PENDING
            and p.booked_at.astimezone(CHINA_TZ).date() == day
        ]

    async def aclose(self) -> None:
        """Nothing to release."""

    def _next_step(self, reference: str) -> Step | None:
        steps = self._steps.get(reference)
        return steps.popleft() if steps else None

    def _book(self, order: PaymentOrder, scripted: BankAnswer | None) -> FakePayment:
        existing = self.payments.get(order.reference)
        if existing is not None:
            return existing  # a real bank never books a reference twice
        answer = scripted or self._decided.get(order.reference, BankAnswer(BankStatus.PAID))
        payment = FakePayment(order=order, answer=answer, booked_at=self._clock())
        self.payments[order.reference] = payment
        return payment
