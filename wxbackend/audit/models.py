"""The audit trail's table: who did what, when, through which channel, and how it ended."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class AuditOutcome(enum.StrEnum):
    OK = "ok"
    REFUSED = "refused"


class AuditEvent(Base):
    """Who did what, when, through which channel, and how it ended. No plaintext PII."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    outcome: Mapped[AuditOutcome] = mapped_column(stored_enum(AuditOutcome))
    channel: Mapped[str | None] = mapped_column(String(8))
    openid: Mapped[str | None] = mapped_column(String(64), index=True)
    # The staff member who acted ("staff:<username>"); openid is a depositor's only.
    staff_actor: Mapped[str | None] = mapped_column(String(64), index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
