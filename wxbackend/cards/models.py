"""The holder's bank cards: the one active card is where withdrawals are paid."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class CardStatus(enum.StrEnum):
    ACTIVE = "active"
    REPLACED = "replaced"
    REJECTED_TYPE2 = "rejected_type2"  # the paying bank refused it as a Type-II account
    INVALID = "invalid"  # marked invalid at the counter (lost, cancelled at the bank)


class BankCard(Base):
    """The holder's own Type-I debit card; withdrawals are paid only to the active one."""

    __tablename__ = "bank_card"
    __table_args__ = (
        Index(
            "uq_bank_card_one_active",
            "account_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_account.id"), index=True)
    bank_code: Mapped[str] = mapped_column(String(8))  # CCB, ICBC, BOC, ABC …
    card_no_enc: Mapped[bytes] = mapped_column(LargeBinary)
    card_no_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    pii_key_id: Mapped[str] = mapped_column(String(16))
    masked: Mapped[str] = mapped_column(String(24))  # first 6 + last 4, for display
    status: Mapped[CardStatus] = mapped_column(stored_enum(CardStatus))
    type1_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
