"""What we ask of the paying bank: payments, their fate, the daily statement.

Adapters: HTTP (the real bank or the sandbox, `bank_http.py`) and a fake (`fakes.py`).
Built once, in `wxbackend.gateways`, for the worker and the reconcile command.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


class BankStatus(enum.StrEnum):
    PAID = "paid"
    FAILED = "failed"
    REJECTED_TYPE2 = "rejected_type2"  # a Type-II account over its limits
    PENDING = "pending"  # accepted, not settled yet
    NOT_FOUND = "not_found"  # query only: the bank never received this reference


# Refusals of the receiving account rather than of the payment (closed, frozen, name not
# matching): the same withdrawal is paid again once the holder binds another card.
CARD_REFUSAL_CODES = frozenset({"E1001", "E1002", "E1003"})


@dataclass(frozen=True, slots=True)
class BankAnswer:
    status: BankStatus
    code: str = ""
    message: str = ""


class BankUnreachable(Exception):
    """No answer (timeout, connection): the outcome of a payment is unknown."""


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    reference: str  # unique per withdrawal; the bank refuses a second payment for it
    card_no: str
    holder_name: str
    bank_code: str
    amount: int  # fen


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One line of the bank's daily statement."""

    reference: str
    amount: int  # fen
    status: BankStatus  # paid, failed or rejected_type2: the outcome the bank booked
    booked_at: datetime


class BankGateway(Protocol):
    async def pay(self, order: PaymentOrder) -> BankAnswer:
        """Ask for a transfer; raises BankUnreachable when the outcome is unknown."""
        ...

    async def query(self, reference: str) -> BankAnswer:
        """What became of a reference; raises BankUnreachable without an answer."""
        ...

    async def statement(self, day: date) -> list[StatementEntry]:
        """The outcomes the bank booked on one day (China time); BankUnreachable without."""
        ...

    async def aclose(self) -> None:
        """Release the adapter's connections."""
        ...
