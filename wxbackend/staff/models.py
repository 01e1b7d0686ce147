"""The centre's staff on the desk, their roles and second factor, and the review claims."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from wxbackend.db import Base, UTCDateTime, utcnow
from wxbackend.enums import stored_enum


class StaffRole(enum.StrEnum):
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    COUNTER = "counter"  # the service hall: helps a depositor standing at the counter
    ADMIN = "admin"  # staff accounts and sessions, never a case


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(160))
    role: Mapped[StaffRole] = mapped_column(stored_enum(StaffRole))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # TOTP secret, SM4-GCM sealed like personal data (a copy of it is a second factor).
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_key_id: Mapped[str | None] = mapped_column(String(16))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last 30-second step a code was accepted for: a code is good once (RFC 6238 §5.2).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Sessions carry the epoch they were opened in; an admin's revocation bumps it.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)


class ReviewCase(Base):
    """Who holds a withdrawal under review right now, and whether it waits for a supervisor."""

    __tablename__ = "review_case"

    withdrawal_id: Mapped[int] = mapped_column(ForeignKey("withdrawal.id"), primary_key=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_by: Mapped[str | None] = mapped_column(String(64))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
