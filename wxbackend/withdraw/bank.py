"""What the payout worker may ask of the paying bank. Adapters: HTTP (real/sandbox), fake."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class BankStatus(enum.StrEnum):
    PAID = "paid"
    FAILED = "failed"
    REJECTED_TYPE2 = "rejected_type2"  # a Type-II account over its limits
    PENDING = "pending"  # accepted, not settled yet
    NOT_FOUND = "not_found"  # query only: the bank never received this reference


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


class BankGateway(Protocol):
    async def pay(self, order: PaymentOrder) -> BankAnswer:
        """Ask for a transfer; raises BankUnreachable when the outcome is unknown."""
        ...

    async def query(self, reference: str) -> BankAnswer:
        """What became of a reference; raises BankUnreachable without an answer."""
        ...
