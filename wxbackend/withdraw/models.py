"""Withdrawal applications, their transitions, documents and idempotency keys."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class WithdrawalStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"  # debited: the journal entry is made with the approval
    PAYING = "paying"  # handed to the bank; outcome may be unknown
    PAID = "paid"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the bank refused: the money went back to the account


class Withdrawal(Base):
    __tablename__ = "withdrawal"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("bank_card.id"))
    kind: Mapped[str] = mapped_column(String(24))  # a rule name from the rules file
    kind_name: Mapped[str] = mapped_column(String(32))  # its Chinese name when filed
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[WithdrawalStatus] = mapped_column(stored_enum(WithdrawalStatus), index=True)
    closes_account: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(200))  # why rejected / failed
    applied_on: Mapped[date] = mapped_column(Date)
    # Payment bookkeeping: the bank reference is derived from the id, never reused.
    payout_attempts: Mapped[int] = mapped_column(Integer, default=0)
    payout_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_payout_error: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def bank_reference(self) -> str:
        return f"WD{self.id:012d}"


class WithdrawalEvent(Base):
    """Every state change: from, to, who and why."""

    __tablename__ = "withdrawal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    withdrawal_id: Mapped[int] = mapped_column(ForeignKey("withdrawal.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))  # "user:<openid>", "staff:<name>", "system"
    note: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WithdrawalDocument(Base):
    __tablename__ = "withdrawal_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    withdrawal_id: Mapped[int] = mapped_column(ForeignKey("withdrawal.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdempotencyRecord(Base):
    """The first response to an Idempotency-Key, replayed for retries of the same request."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(96))  # who: "mp:<openid>"
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
