"""Withdrawal applications, their transitions, documents and idempotency keys."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
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
    NEEDS_DOCUMENTS = "needs_documents"  # 补件: the reviewer asked for more documents
    AWAITING_CARD = "awaiting_card"  # the bank refused the card: paid once a new one is bound
    PARKED = "parked"  # the outcome stayed unknown after every query: for an operator


# Open: an application still on its way. One per kind and account, one closing at a time
# (the partial unique indexes below), and the rules are checked under the account's lock.
OPEN_STATUSES = (
    WithdrawalStatus.SUBMITTED,
    WithdrawalStatus.UNDER_REVIEW,
    WithdrawalStatus.NEEDS_DOCUMENTS,
    WithdrawalStatus.APPROVED,
    WithdrawalStatus.PAYING,
    WithdrawalStatus.AWAITING_CARD,
    WithdrawalStatus.PARKED,
)
_OPEN_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_STATUSES) + ")"


class Withdrawal(Base):
    __tablename__ = "withdrawal"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index(
            "uq_withdrawal_open_kind",
            "account_id",
            "kind",
            unique=True,
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
        Index(
            "uq_withdrawal_open_closing",
            "account_id",
            unique=True,
            postgresql_where=text(f"closes_account AND {_OPEN_SQL}"),
            sqlite_where=text(f"closes_account = 1 AND {_OPEN_SQL}"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    # None: the money repays the holder's fund loan (冲还贷), no card is paid.
    card_id: Mapped[int | None] = mapped_column(ForeignKey("bank_card.id"))
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
    # Raised when the money goes out again to a new card: a new bank reference per round.
    payout_round: Mapped[int] = mapped_column(Integer, default=0)
    # 补件: the document kinds the reviewer asked for (comma-separated), with `reason`.
    requested_documents: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def bank_reference(self) -> str:
        base = f"WD{self.id:012d}"
        return base if not self.payout_round else f"{base}R{self.payout_round}"


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
